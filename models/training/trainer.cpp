#include "models/training/trainer.h"

#include <sys/stat.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <exception>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "core/error.h"
#include "models/checked_load.h"
#include "models/classifier3d.h"
#include "models/synthetic/synthetic_study.h"
#include "models/torch_runtime.h"
#include "models/training/classifier_samples.h"
#include "models/training/segmentation_patches.h"
#include "models/unet3d.h"

namespace vigil::models {
namespace {

using Samples = std::vector<TrainingPatch>;

// Studies made by worker threads in index order of request; the trainer asks for indices in
// increasing order and releases the ones it no longer mixes. What a study yields depends on its
// index alone, so the batches never depend on the thread count.
class StudyStream {
 public:
  StudyStream(std::function<Samples(int)> make, int first, int workers, int lookahead)
      : make_(std::move(make)), next_(first), lowest_(first), lookahead_(lookahead) {
    for (int w = 0; w < workers; ++w) threads_.emplace_back([this] { work(); });
  }
  ~StudyStream() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    changed_.notify_all();
    for (auto& t : threads_) t.join();
  }
  const Samples& get(int index) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return done_.count(index) || error_; });
    if (error_) std::rethrow_exception(error_);
    return done_.at(index);
  }
  void release_before(int index) {
    {
      std::lock_guard lock(mutex_);
      lowest_ = std::max(lowest_, index);
      done_.erase(done_.begin(), done_.lower_bound(index));
    }
    changed_.notify_all();
  }

 private:
  void work() {
    for (;;) {
      int index = 0;
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return stop_ || next_ < lowest_ + lookahead_; });
        if (stop_) return;
        index = next_++;
      }
      try {
        Samples samples = make_(index);
        std::lock_guard lock(mutex_);
        done_.emplace(index, std::move(samples));
      } catch (...) {
        std::lock_guard lock(mutex_);
        if (!error_) error_ = std::current_exception();
      }
      changed_.notify_all();
    }
  }

  std::function<Samples(int)> make_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<int, Samples> done_;
  int next_, lowest_, lookahead_;
  bool stop_ = false;
  std::exception_ptr error_;
  std::vector<std::thread> threads_;
};

void make_folder(const std::string& path) {
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) throw Error(ErrorCode::kIo, path + ": cannot create folder");
}

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// Saved to a temporary name first: a crash mid-write never leaves a torn checkpoint.
template <typename Object>
void save_atomically(const Object& object, const std::string& path) {
  const std::string tmp = path + ".tmp";
  torch::save(object, tmp);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) throw Error(ErrorCode::kIo, path + ": cannot write");
}

void check(const TrainConfig& c) {
  const auto bad = [](const std::string& why) { throw Error(ErrorCode::kInvalidArgument, "train: " + why); };
  if (c.model != "segmenter" && c.model != "classifier") bad("model must be segmenter or classifier, not '" + c.model + "'");
  if (c.out.empty()) bad("an output folder is required");
  if (c.steps < 1 || c.batch < 1 || c.workers < 1 || c.samples_per_study < 1 || c.pool_studies < 1 ||
      c.steps_per_study < 1 || c.checkpoint_every < 1)
    bad("steps, batch, workers, samples_per_study, pool_studies, steps_per_study and checkpoint_every must be >= 1");
  if (!(c.learning_rate > 0) || c.weight_decay < 0) bad("learning_rate must be > 0 and weight_decay >= 0");
  if (c.slices_min < 16 || c.slices_max < c.slices_min || c.matrix < 128) bad("need matrix >= 128 and 16 <= slices_min <= slices_max");
  if (c.device != "auto" && c.device != "cpu" && c.device != "cuda") bad("device must be auto, cpu or cuda");
  if (c.model == "segmenter") {
    const int factor = 1 << (c.levels - 1);
    for (int s : c.patch_zyx)
      if (s % factor != 0) bad("segmenter patch sizes must be divisible by 2^(levels-1) = " + std::to_string(factor));
  }
}

double learning_rate_at(const TrainConfig& c, int step) {
  if (step < c.warmup_steps) return c.learning_rate * (step + 1) / c.warmup_steps;
  const double t = double(step - c.warmup_steps) / std::max(1, c.steps - c.warmup_steps);
  return c.learning_rate * 0.5 * (1.0 + std::cos(M_PI * std::min(1.0, t)));
}

synthetic::SynthConfig study_config(const TrainConfig& c) {
  synthetic::SynthConfig s;
  s.matrix = c.matrix;
  s.slices = {double(c.slices_min), double(c.slices_max)};
  s.lesions_per_study = {1, 6};  // every study teaches something about lesions
  s.p_no_lesion = 0.05;
  return s;
}

// A batch of `batch` patches drawn from the pool with the step's own generator. The classifier's
// batches are half lesions, half not (negatives outnumber lesions many times over).
std::vector<TrainingPatch> draw_batch(const TrainConfig& c, const std::vector<const Samples*>& pool, int step) {
  std::mt19937_64 rng(c.seed * 0x9E3779B97F4A7C15ull + std::uint64_t(step) * 7919u + 17u);
  std::vector<const TrainingPatch*> positives, negatives, all;
  for (const Samples* s : pool)
    for (const TrainingPatch& p : *s) {
      all.push_back(&p);
      (p.label.size() == 1 && p.label[0] ? positives : negatives).push_back(&p);
    }
  if (all.empty()) throw Error(ErrorCode::kInternal, "train: the studies gave no patches");
  AugmentOptions augment_options;
  std::vector<TrainingPatch> batch;
  for (int n = 0; n < c.batch; ++n) {
    const std::vector<const TrainingPatch*>* from = &all;
    if (c.model == "classifier" && !positives.empty() && !negatives.empty()) from = n % 2 ? &negatives : &positives;
    TrainingPatch p = *(*from)[rng() % from->size()];
    augment(p, augment_options, rng);
    batch.push_back(std::move(p));
  }
  return batch;
}

torch::Tensor image_tensor(const std::vector<TrainingPatch>& batch) {
  const auto& s = batch.front().size_zyx;
  torch::Tensor t = torch::empty({std::int64_t(batch.size()), 1, s[0], s[1], s[2]});
  const std::size_t voxels = batch.front().image.size();
  for (std::size_t n = 0; n < batch.size(); ++n)
    std::copy(batch[n].image.begin(), batch[n].image.end(), t.data_ptr<float>() + n * voxels);
  return t;
}

torch::Tensor label_tensor(const std::vector<TrainingPatch>& batch, bool per_voxel) {
  const auto& s = batch.front().size_zyx;
  const std::size_t per = batch.front().label.size();
  torch::Tensor t = per_voxel ? torch::empty({std::int64_t(batch.size()), s[0], s[1], s[2]})
                              : torch::empty({std::int64_t(batch.size()), 1});
  for (std::size_t n = 0; n < batch.size(); ++n)
    std::copy(batch[n].label.begin(), batch[n].label.end(), t.data_ptr<float>() + n * per);
  return t;
}

// nnU-Net's loss: cross-entropy plus soft Dice of the lesion channel over the batch.
torch::Tensor segmenter_loss(const torch::Tensor& logits, const torch::Tensor& target) {
  const torch::Tensor ce = torch::nn::functional::cross_entropy(logits, target.to(torch::kLong));
  const torch::Tensor p = torch::softmax(logits, 1).select(1, 1);
  const torch::Tensor dice = 1 - (2 * (p * target).sum() + 1) / (p.sum() + target.sum() + 1);
  return ce + dice;
}

TrainResult train_unchecked(const TrainConfig& c, const std::function<void(const TrainProgress&)>& report,
                            int report_every) {
  check(c);
  const TorchRuntime runtime = configure_torch(static_cast<unsigned>(std::max(0, c.threads)), c.device != "cpu");
  const bool cuda = c.device == "cuda" || (c.device == "auto" && runtime.cuda_available);
  if (cuda && !runtime.cuda_available)
    throw Error(ErrorCode::kInvalidArgument, "train: device cuda asked for, none present (" + runtime.cuda_note + ")");
  const torch::Device device = cuda ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
  torch::manual_seed(c.seed);
  make_folder(c.out);
  const std::string checkpoint = c.out + "/checkpoint";
  make_folder(checkpoint);

  const bool segmenter = c.model == "segmenter";
  torch::nn::AnyModule model = segmenter ? torch::nn::AnyModule(UNet3d(UNet3dOptions{1, 2, c.base_channels, c.levels}))
                                         : torch::nn::AnyModule(Classifier3d(Classifier3dOptions{1, c.base_channels, c.levels}));
  const std::shared_ptr<torch::nn::Module> net = model.ptr();
  const std::string network = "train " + c.model + " (base_channels " + std::to_string(c.base_channels) + ", levels " +
                              std::to_string(c.levels) + ")";
  if (!c.init_weights.empty()) {
    if (!file_exists(c.init_weights)) throw Error(ErrorCode::kNotFound, "train: " + c.init_weights + ": no such weights file");
    // Read onto the CPU first: the weights may have been saved on any device.
    load_parameters_checked(*net, c.init_weights, torch::kCPU, network + " --init-weights");
  }
  net->to(device);
  torch::optim::AdamW optimizer(net->parameters(), torch::optim::AdamWOptions(c.learning_rate).weight_decay(c.weight_decay));

  int start = 0;
  if (c.resume && file_exists(checkpoint + "/step.txt")) {
    std::ifstream(checkpoint + "/step.txt") >> start;
    load_parameters_checked(*net, checkpoint + "/model.pt", device, network + " --resume");
    torch::serialize::InputArchive optimizer_archive;
    optimizer_archive.load_from(checkpoint + "/optimizer.pt", device);
    optimizer.load(optimizer_archive);
  }

  const synthetic::SynthConfig synth = study_config(c);
  const kernels::Backend backend = kernels::default_backend();
  auto make = [&, synth](int index) {
    const synthetic::SyntheticStudy study = synthetic::generate_study(synth, c.seed, index, 1, !segmenter);
    std::mt19937_64 rng(c.seed * 1000003u + std::uint64_t(index));
    if (segmenter) {
      PatchOptions o;
      o.spacing_mm = c.spacing_mm;
      o.patch_zyx = c.patch_zyx;
      o.window_low_hu = c.window_hu[0], o.window_high_hu = c.window_hu[1];
      return sample_patches(study, o, c.samples_per_study, rng);
    }
    ClassifierSampleOptions o;
    o.grid = {c.spacing_mm, c.patch_zyx, c.window_hu[0], c.window_hu[1]};
    o.hard_lesion_extra = c.hard_lesion_extra;
    Samples samples = classifier_samples(study, o, rng, backend);
    std::shuffle(samples.begin(), samples.end(), rng);
    if (samples.size() > std::size_t(c.samples_per_study)) samples.resize(std::size_t(c.samples_per_study));
    return samples;
  };
  const auto newest_study = [&](int step) { return c.pool_studies - 1 + step / c.steps_per_study; };
  StudyStream stream(make, newest_study(start) - c.pool_studies + 1, c.workers, c.pool_studies + c.workers);

  std::ofstream log(c.out + "/training_log.csv", start > 0 ? std::ios::app : std::ios::trunc);
  if (start == 0) log << "step,loss,learning_rate,seconds\n";
  const auto t0 = std::chrono::steady_clock::now();
  const auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  TrainResult result;
  result.device = cuda ? "cuda" : "cpu";
  result.parameters = parameter_count(*net);
  double loss_sum = 0;
  int loss_count = 0;
  std::deque<double> recent;  // the last tenth of the run (or last 50 steps) for the final loss
  const std::size_t tail = std::size_t(std::max(50, c.steps / 10));
  net->train();
  result.steps_done = start;
  for (int step = start; step < c.steps; ++step) {
    if (c.max_seconds > 0 && elapsed() > c.max_seconds) break;
    const int newest = newest_study(step), oldest = newest - c.pool_studies + 1;
    stream.release_before(oldest);
    std::vector<const Samples*> pool;
    for (int index = oldest; index <= newest; ++index) pool.push_back(&stream.get(index));
    const std::vector<TrainingPatch> batch = draw_batch(c, pool, step);

    torch::manual_seed(c.seed * 1000003u + std::uint64_t(step));  // dropout depends on the step alone: resumable
    const double lr = learning_rate_at(c, step);
    for (auto& group : optimizer.param_groups()) static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
    const torch::Tensor x = image_tensor(batch).to(device);
    const torch::Tensor y = label_tensor(batch, segmenter).to(device);
    optimizer.zero_grad();
    const torch::Tensor logits = model.forward(x);
    const torch::Tensor loss =
        segmenter ? segmenter_loss(logits, y) : torch::nn::functional::binary_cross_entropy_with_logits(logits, y);
    loss.backward();
    optimizer.step();

    const double value = loss.item<double>();
    loss_sum += value, ++loss_count;
    recent.push_back(value);
    if (recent.size() > tail) recent.pop_front();
    result.steps_done = step + 1;
    log << step + 1 << "," << value << "," << lr << "," << elapsed() << "\n";
    const bool last = step + 1 == c.steps || (c.max_seconds > 0 && elapsed() > c.max_seconds);
    if ((step + 1) % c.checkpoint_every == 0 || last) {
      save_atomically(net, checkpoint + "/model.pt");
      save_atomically(optimizer, checkpoint + "/optimizer.pt");
      std::ofstream(checkpoint + "/step.txt.tmp") << step + 1 << "\n";
      std::rename((checkpoint + "/step.txt.tmp").c_str(), (checkpoint + "/step.txt").c_str());
      log.flush();
    }
    if ((step + 1) % report_every == 0 || last) {
      report({step + 1, c.steps, loss_sum / loss_count, lr, elapsed(), result.device});
      loss_sum = 0, loss_count = 0;
    }
  }
  net->eval();
  net->to(torch::kCPU);  // weights readable on machines without a GPU
  result.weights_path = c.out + "/weights.pt";
  save_atomically(net, result.weights_path);
  for (double v : recent) result.final_loss += v / double(recent.size());
  result.seconds = elapsed();
  return result;
}

}  // namespace

TrainResult train_model(const TrainConfig& c, const std::function<void(const TrainProgress&)>& report,
                        int report_every) {
  try {
    return train_unchecked(c, report, report_every);
  } catch (const c10::Error& e) {  // LibTorch's errors never leave models/
    throw Error(ErrorCode::kInvalidArgument, "train " + c.model + ": " + e.what_without_backtrace());
  }
}

}  // namespace vigil::models
