// Vigil's sliding-window inference against MONAI's sliding_window_inference, both running the same
// TorchScript file on the same input in the same run (benchmarks/models/monai_sliding_window.py
// exports the model, writes the input and times MONAI). The two sides take turns, one call each,
// because this machine's speed drifts within seconds: the ratio reported is the median of the
// per-turn ratios. Prints the times, the ratio (target <= 1: at least as fast) and how far the two
// blended outputs differ. Builds in the compute-only tree.
//
//   build/bin/vigil_sliding_window_bench [--device cpu|cuda] [--size D H W] [--window N]
//        [--channels C] [--batch B] [--reps R] [--threads T]
#include <torch/script.h>
#include <torch/torch.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "models/sliding_window.h"
#include "models/torch_runtime.h"

namespace {

// The MONAI side as a child process answering one line per request (its --interleave mode).
class Peer {
 public:
  explicit Peer(const std::string& command) {
    int to_child[2], from_child[2];
    if (::pipe(to_child) != 0 || ::pipe(from_child) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(to_child[0], 0);
      ::dup2(from_child[1], 1);
      ::close(to_child[1]);
      ::close(from_child[0]);
      ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(to_child[0]);
    ::close(from_child[1]);
    in_ = ::fdopen(to_child[1], "w");
    out_ = ::fdopen(from_child[0], "r");
  }
  ~Peer() { finish(); }

  /// Closes the pipes and waits for the process to end.
  void finish() {
    if (in_) std::fclose(in_), in_ = nullptr;
    if (out_) std::fclose(out_), out_ = nullptr;
    if (pid_ > 0) ::waitpid(pid_, nullptr, 0), pid_ = -1;
  }
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;

  /// Sends `request` (empty: nothing) and returns the next line of the answer (empty at its end).
  std::string ask(const std::string& request) {
    if (!in_ || !out_) return {};
    if (!request.empty()) {
      std::fprintf(in_, "%s\n", request.c_str());
      std::fflush(in_);
    }
    char buffer[4096];
    return std::fgets(buffer, sizeof buffer, out_) ? std::string(buffer) : std::string();
  }

 private:
  pid_t pid_ = -1;
  FILE* in_ = nullptr;
  FILE* out_ = nullptr;
};

double number_after(const std::string& json, const std::string& key) {
  const auto at = json.find("\"" + key + "\": ");
  return at == std::string::npos ? -1 : std::stod(json.substr(at + key.size() + 4));
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

torch::Tensor read_floats(const std::string& path, std::vector<std::int64_t> shape) {
  std::int64_t count = 1;
  for (auto s : shape) count *= s;
  torch::Tensor t = torch::empty(shape, torch::kFloat32);
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char*>(t.data_ptr<float>()), count * 4);
  return in ? t : torch::Tensor();
}

}  // namespace

int main(int argc, char** argv) {
  std::string device_name = "cpu";
  std::int64_t size[3] = {64, 128, 128};
  int window = 48, channels = 8, batch = 4, reps = 3, threads = 0;
  for (int a = 1; a < argc; ++a) {
    const std::string flag = argv[a];
    auto next = [&] { return a + 1 < argc ? std::string(argv[++a]) : std::string(); };
    if (flag == "--device") device_name = next();
    else if (flag == "--size") for (auto& s : size) s = std::stoll(next());
    else if (flag == "--window") window = std::stoi(next());
    else if (flag == "--channels") channels = std::stoi(next());
    else if (flag == "--batch") batch = std::stoi(next());
    else if (flag == "--reps") reps = std::stoi(next());
    else if (flag == "--threads") threads = std::stoi(next());
  }
  const auto runtime = vigil::models::configure_torch(unsigned(threads));
  char dir_template[] = "/tmp/vigil-swbench-XXXXXX";
  if (!::mkdtemp(dir_template)) return std::fprintf(stderr, "mkdtemp failed\n"), 1;
  const std::string dir = dir_template;
  Peer peer(std::string(VIGIL_PYTHON_EXE) + " " + VIGIL_BENCH_DIR + "/monai_sliding_window.py --interleave --out " +
            dir + " --size " + std::to_string(size[0]) + " " + std::to_string(size[1]) + " " +
            std::to_string(size[2]) + " --window " + std::to_string(window) + " --channels " +
            std::to_string(channels) + " --batch " + std::to_string(batch) + " --device " + device_name +
            " --threads " + std::to_string(runtime.threads));
  if (peer.ask("").find("\"ready\"") == std::string::npos) return std::fprintf(stderr, "MONAI peer failed to start\n"), 1;
  const torch::Device device(device_name);
  torch::jit::Module net = torch::jit::load(dir + "/model.pt", device);
  net.eval();
  // Time inside the network, to tell it from the windowing around it: measured in one extra run
  // after the timed ones, because timing it on CUDA needs a synchronisation per batch.
  double network_ms = 0;
  bool time_network = false;
  const vigil::models::Predictor predict = [&](const torch::Tensor& x) {
    if (!time_network) return net.forward({x}).toTensor();
    if (device.is_cuda()) torch::cuda::synchronize();
    const auto t0 = std::chrono::steady_clock::now();
    torch::Tensor y = net.forward({x}).toTensor();
    if (device.is_cuda()) torch::cuda::synchronize();
    network_ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return y;
  };
  const torch::Tensor volume = read_floats(dir + "/input.f32", {size[0], size[1], size[2]}).to(device);
  vigil::models::SlidingWindowOptions o;
  o.window_zyx = {window, window, window};
  o.batch = batch;
  auto run = [&] {
    torch::Tensor out = vigil::models::sliding_window(predict, volume, o);
    if (device.is_cuda()) torch::cuda::synchronize();
    return out;
  };
  torch::Tensor out = run();  // warm-up, as on the MONAI side
  std::vector<double> times, monai_times, ratios;
  for (int r = 0; r < reps; ++r) {
    // Alternate who goes first, so neither side always follows the other's cache and clock state.
    double monai_ms = -1, vigil_ms = 0;
    if (r % 2) monai_ms = number_after(peer.ask("run"), "ms");
    const auto t0 = std::chrono::steady_clock::now();
    out = run();
    vigil_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (r % 2 == 0) monai_ms = number_after(peer.ask("run"), "ms");
    if (monai_ms <= 0) return std::fprintf(stderr, "MONAI peer stopped answering\n"), 1;
    times.push_back(vigil_ms);
    monai_times.push_back(monai_ms);
    ratios.push_back(vigil_ms / monai_ms);
  }
  std::string summary = peer.ask("done");
  if (!summary.empty() && summary.back() == '\n') summary.pop_back();
  peer.finish();  // its exit (writing its output) must not overlap the network's timing below
  time_network = true;
  run();
  const double vigil_ms = median(times), monai_ms = median(monai_times);
  const torch::Tensor monai_out = read_floats(dir + "/monai_output.f32", {2, size[0], size[1], size[2]});
  const torch::Tensor diff = (out.cpu() - monai_out).abs();
  std::printf("sliding window, %s, volume %lldx%lldx%lld, window %d^3, 50%% overlap, batch %d, %d-channel net, "
              "%d torch threads, %s\n",
              device_name.c_str(), (long long)size[0], (long long)size[1], (long long)size[2], window, batch, channels,
              runtime.threads, summary.c_str());
  std::printf("vigil %.1f ms (network alone %.1f ms, timed in a separate run), MONAI %.1f ms (medians of %d turns each)\n",
              vigil_ms, network_ms, monai_ms, reps);
  std::printf("ratio vigil/MONAI: %.3f (median of the per-turn ratios; range %.3f-%.3f; target <= 1)\n", median(ratios),
              *std::min_element(ratios.begin(), ratios.end()), *std::max_element(ratios.begin(), ratios.end()));
  std::printf("outputs: max |difference| %.2e, mean %.2e (window placement and importance maps differ slightly)\n",
              diff.max().item<float>(), diff.mean().item<float>());
  for (const char* f : {"/model.pt", "/input.f32", "/monai_output.f32"}) ::unlink((dir + f).c_str());
  ::rmdir(dir.c_str());
  return 0;
}
