// Receive throughput of `vigil serve` (fsync + rename + database row before each response) against
// DCMTK's storescp and Orthanc with the same storescu load in the same run, and the latency from
// the last instance received to the SR stored in the PACS for a 512x512x300 CT, by stage (with the
// shipped networks, then with the classical detector alone).
// Every server listens on all interfaces, so run it in a private network namespace:
//
//   tests/support/private_network.sh build/bin/vigil_node_bench
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/support/command.h"
#include "tests/support/node_process.h"
#include "tests/support/orthanc.h"
#include "tests/support/test_paths.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

double send_seconds(const std::string& folder, int port, const std::string& called) {
  const auto start = Clock::now();
  const auto r = vigil::test::run_command("TCP_NODELAY=1 storescu -aet SCANNER -aec " + called + " 127.0.0.1 " +
                                          std::to_string(port) + " +sd +r +sp '*.dcm' " + folder + " >/dev/null 2>&1");
  const double s = seconds_since(start);
  return r.status == 0 ? s : -1;
}

// The same instances from `folders.size()` storescu processes at once (one association each), as
// a PACS or several scanners sending together; seconds until the last one ends (-1 on failure).
double send_concurrently_seconds(const std::vector<std::string>& folders, int port, const std::string& called) {
  std::string script = "pids=; ";
  for (const auto& f : folders)
    script += "storescu -aet SCANNER -aec " + called + " 127.0.0.1 " + std::to_string(port) + " +sd +r +sp '*.dcm' " +
              f + " >/dev/null 2>&1 & pids=\"$pids $!\"; ";
  script += "rc=0; for p in $pids; do wait $p || rc=1; done; exit $rc";
  const auto start = Clock::now();
  const auto r = vigil::test::run_command("TCP_NODELAY=1 sh -c '" + [&] {
    std::string quoted;  // single quotes inside the sh -c argument
    for (char c : script) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted;
  }() + "'");
  const double secs = seconds_since(start);
  return r.status == 0 ? secs : -1;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

pid_t start_storescp(const std::string& out, int port) {
  std::filesystem::create_directories(out);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setenv("TCP_NODELAY", "1", 1);
    if (!std::freopen("/dev/null", "w", stderr)) std::_Exit(126);
    ::execlp("storescp", "storescp", "-od", out.c_str(), std::to_string(port).c_str(), static_cast<char*>(nullptr));
    std::_Exit(127);
  }
  for (int i = 0; i < 50; ++i) {
    if (vigil::test::run_command("echoscu 127.0.0.1 " + std::to_string(port) + " >/dev/null 2>&1").status == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return pid;
}

struct Samples {
  std::vector<double> vigil, storescp, orthanc;
};

using Sender = std::function<double(int port, const std::string& called_ae)>;

// One round of a load: the same sends to each receiver in turn, each started fresh. Each send
// starts with no dirty pages left by the one before (sync): storescp leaves its 157 MB to the
// kernel's background writeback, which would otherwise slow whoever comes next.
void measure_round(vigil::test::TempDir& dir, const std::string& tag, const Sender& send, Samples& samples) {
  {
    const int port = vigil::test::free_port();
    vigil::test::Node node(dir.file("vigil-" + tag), port, "--pipeline-modality NONE");
    ::sync();
    samples.vigil.push_back(send(port, "VIGIL"));
    node.kill(SIGTERM);
  }
  {
    const int port = vigil::test::free_port();
    const pid_t scp = start_storescp(dir.file("storescp-" + tag), port);
    ::sync();
    samples.storescp.push_back(send(port, "STORESCP"));
    ::kill(scp, SIGTERM);
    ::waitpid(scp, nullptr, 0);
  }
  {
    vigil::test::Orthanc orthanc(dir.file("orthanc-" + tag));
    ::sync();
    samples.orthanc.push_back(send(orthanc.dicom_port(), "ORTHANC"));
  }
}

void print_samples(const Samples& samples, int instances) {
  const double v = median(samples.vigil), s = median(samples.storescp), o = median(samples.orthanc);
  std::printf("vigil serve (fsync on)  %6.2f s  %6.0f instances/s\n", v, instances / v);
  std::printf("DCMTK storescp          %6.2f s  %6.0f instances/s\n", s, instances / s);
  std::printf("Orthanc 1.10            %6.2f s  %6.0f instances/s\n", o, instances / o);
  std::printf("ratio throughput vigil/storescp: %.3f (target >= 1)\n", s / v);
  std::printf("ratio throughput vigil/Orthanc:  %.3f\n", o / v);
}

// Latency: last instance received -> SR stored in Orthanc, by stage (summary.json's timings);
// "other" is export, queueing and the stable-age wait.
bool measure_latency(vigil::test::TempDir& dir, const std::string& tag, const std::string& study,
                     const std::string& models) {
  vigil::test::Orthanc pacs(dir.file("orthanc-latency-" + tag));
  const int port = vigil::test::free_port();
  vigil::test::Node node(dir.file("vigil-latency-" + tag), port,
                         models + " --result-dest ORTHANC@127.0.0.1:" + std::to_string(pacs.dicom_port()));
  if (send_seconds(study, port, "VIGIL") < 0) return std::fprintf(stderr, "send failed\n"), false;
  const auto received = Clock::now();
  double sr_at = -1;
  while (seconds_since(received) < 600) {
    bool found = false;
    for (const auto& id : pacs.get_json("/instances"))
      if (pacs.get_json("/instances/" + id.get<std::string>() + "/simplified-tags")["SOPClassUID"] ==
          "1.2.840.10008.5.1.4.1.1.88.34")
        found = true;
    if (found) {
      sr_at = seconds_since(received);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::printf("\nlatency (%s), last instance -> SR in Orthanc: %.2f s (includes the 1 s stable age + up to 0.2 s "
              "tracker tick)\n", models.c_str(), sr_at);
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir.file("vigil-latency-" + tag + "/results")))
    if (e.path().filename() == "summary.json") {
      std::ifstream in(e.path());
      const auto summary = nlohmann::json::parse(in);
      double total = 0;
      for (const auto& [stage, secs] : summary["timings_s"].items()) {
        std::printf("  %-21s %6.2f s\n", stage.c_str(), secs.get<double>());
        total += secs.get<double>();
      }
      std::printf("  %-21s %6.2f s (export to the PACS, queueing and the stable-age wait)\n", "other", sr_at - total);
    }
  return sr_at >= 0;
}

}  // namespace

int main() {
  std::setvbuf(stdout, nullptr, _IONBF, 0);  // children are forked: nothing buffered to duplicate
  // Output piped into `head` must not kill the benchmark before its destructors stop the servers
  // it started (Orthanc and vigil serve would be left running).
  ::signal(SIGPIPE, SIG_IGN);
  vigil::test::TempDir dir("node-bench");
  std::ofstream(dir.file("synth.json")) << R"({"lesions_per_study": [3, 3], "p_no_lesion": 0, "slices": [300, 300]})";
  if (vigil::test::run_vigil("synth --out " + dir.file("in") + " --studies 1 --seed 88 --config " + dir.file("synth.json")).status)
    return std::fprintf(stderr, "synth failed\n"), 1;
  const std::string study = dir.file("in/study_0000/dicom");
  const int n = 300, reps = 3;
  std::printf("load: storescu, one association, %d instances of 512x512 CT (%.0f MB)\n", n,
              n * 512.0 * 512 * 2 / 1e6);

  // The same files split round-robin into 4 folders (hard links) for the concurrent load.
  constexpr int kSenders = 4;
  std::vector<std::string> parts;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(study)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (int p = 0; p < kSenders; ++p) {
    parts.push_back(dir.file("part-" + std::to_string(p)));
    std::filesystem::create_directories(parts.back());
  }
  for (std::size_t f = 0; f < files.size(); ++f)
    std::filesystem::create_hard_link(files[f], parts[f % kSenders] + "/" + files[f].filename().string());

  Samples one, concurrent;
  for (int r = 0; r < reps; ++r) {
    const std::string round = std::to_string(r);
    measure_round(dir, "1-" + round, [&](int port, const std::string& called) { return send_seconds(study, port, called); },
                  one);
    measure_round(dir, "4-" + round,
                  [&](int port, const std::string& called) { return send_concurrently_seconds(parts, port, called); },
                  concurrent);
  }
  print_samples(one, n);
  std::printf("\nload: the same %d instances from %d storescu processes at once (one association each; storescp serves "
              "one association at a time)\n", n, kSenders);
  print_samples(concurrent, n);

  // Latency with the networks `vigil serve` ships with (its default), then with the classical
  // detector alone (--no-models, the figure recorded before 2026-11-27).
  if (!std::filesystem::exists(std::string(VIGIL_MODELS_DIR) + "/classifier/manifest.json"))
    std::printf("\n(no shipped weights in %s: the networks' latency is skipped)\n", VIGIL_MODELS_DIR);
  else if (!measure_latency(dir, "networks", study, std::string("--models ") + VIGIL_MODELS_DIR))
    return 1;
  if (!measure_latency(dir, "classical", study, "--no-models")) return 1;
  return 0;
}
