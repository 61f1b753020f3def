// Training: classifier samples put positives on lesions and negatives away from them (several
// seeds); a short run writes weights and checkpoints, and a resumed run ends where an uninterrupted
// one does; the weights load back through a model folder into the same network.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "core/error.h"
#include "models/classifier3d.h"
#include "models/training/classifier_samples.h"
#include "models/training/trainer.h"
#include "models/unet3d.h"
#include "tests/models/temp_folder.h"

namespace vigil::models {
namespace {

synthetic::SynthConfig small_config() {
  synthetic::SynthConfig c;
  c.matrix = 192;
  c.pixel_spacing_mm = {1.4, 1.8};
  c.slice_thickness_mm = {1.5, 2.5};
  c.slices = {50, 60};
  c.p_no_lesion = 0;
  c.lesions_per_study = {2, 4};
  c.lesion_diameter_mm = {6, 20};
  return c;
}

TEST(ClassifierSamples, PositivesAtLesionsNegativesAwayAcrossSeeds) {
  ClassifierSampleOptions o;
  synthetic::SynthConfig config = small_config();
  config.p_solid = 1.0;  // solid lesions: their centres are dense whatever the jitter
  for (const std::uint64_t seed : {21u, 22u, 23u}) {
    const auto study = synthetic::generate_study(config, seed, 0, 0, true);
    std::mt19937_64 rng(seed);
    const auto samples = classifier_samples(study, o, rng, kernels::Backend::kCpu);
    std::size_t positives = 0, negatives = 0, dense_positives = 0;
    for (const auto& s : samples) {
      ASSERT_EQ(s.label.size(), 1u);
      ASSERT_EQ(s.image.size(), 32u * 32u * 32u);
      if (!s.label[0]) {
        ++negatives;
        continue;
      }
      ++positives;
      // Mean of the central 3x3x3 voxels above -500 HU (windowed: (1000 - 500) / 1400).
      double sum = 0;
      for (int z = 15; z <= 17; ++z)
        for (int y = 15; y <= 17; ++y)
          for (int x = 15; x <= 17; ++x) sum += s.image[(std::size_t(z) * 32 + y) * 32 + x];
      dense_positives += sum / 27 > 500.0 / 1400.0;
    }
    EXPECT_GE(positives, study.lesions.size() * std::size_t(o.jittered_per_lesion)) << "seed " << seed;
    EXPECT_GT(negatives, 5u) << "seed " << seed << ": the detector's false positives are the negatives";
    EXPECT_GE(double(dense_positives), 0.8 * double(positives)) << "seed " << seed << ": positives off their lesions";
  }
}

// The hard-lesion option adds its extra jittered positives to exactly the small lesions beside a
// vessel or the pleura; everything else (the detector's hits and negatives) stays as it was.
TEST(ClassifierSamples, SmallJuxtaLesionsGetTheExtraPositives) {
  synthetic::SynthConfig config = small_config();
  config.lesion_diameter_mm = {4, 9};
  config.p_juxtavascular = 0.5, config.p_juxtapleural = 0.4;
  std::size_t hard_seen = 0;
  for (const std::uint64_t seed : {41u, 42u, 43u}) {
    const auto study = synthetic::generate_study(config, seed, 0, 0, true);
    std::size_t hard = 0;
    for (const auto& l : study.lesions) hard += l.diameter_mm <= 6.0 && l.placement != "parenchyma";
    hard_seen += hard;
    const auto count = [&](int extra) {
      ClassifierSampleOptions o;
      o.hard_lesion_extra = extra;
      std::mt19937_64 rng(seed);
      std::size_t positives = 0, negatives = 0;
      for (const auto& s : classifier_samples(study, o, rng, kernels::Backend::kCpu)) (s.label[0] ? positives : negatives)++;
      return std::pair{positives, negatives};
    };
    const auto plain = count(0), more = count(5);
    EXPECT_EQ(more.first, plain.first + 5 * hard) << "seed " << seed;
    EXPECT_EQ(more.second, plain.second) << "seed " << seed;
  }
  EXPECT_GT(hard_seen, 0u) << "no small lesion beside a vessel or the pleura in these studies: the test checks nothing";
}

TEST(ClassifierSamples, StudyWithoutLungMaskIsRefused) {
  const auto study = synthetic::generate_study(small_config(), 5, 0, 0, false);
  std::mt19937_64 rng(5);
  EXPECT_THROW(classifier_samples(study, {}, rng, kernels::Backend::kCpu), Error);
}

TrainConfig tiny(const std::string& model, const std::string& out) {
  TrainConfig c;
  c.model = model;
  c.out = out;
  c.seed = 3;
  c.steps = 4;
  c.batch = 2;
  c.warmup_steps = 1;
  c.checkpoint_every = 2;
  c.device = "cpu";
  c.threads = 1;
  c.samples_per_study = 6;
  c.pool_studies = 1;
  c.steps_per_study = 2;
  c.matrix = 160;
  c.slices_min = 24, c.slices_max = 30;
  c.base_channels = 4;
  c.levels = model == "segmenter" ? 3 : 2;
  c.patch_zyx = model == "segmenter" ? std::array<int, 3>{16, 16, 16} : std::array<int, 3>{16, 16, 16};
  return c;
}

std::vector<torch::Tensor> parameters_of(const std::string& weights, int base, int levels) {
  Classifier3d net(Classifier3dOptions{1, base, levels});
  torch::load(net, weights);
  std::vector<torch::Tensor> out;
  for (const auto& p : net->parameters()) out.push_back(p.detach().clone());
  return out;
}

TEST(Trainer, ResumedRunEndsWhereAnUninterruptedOneDoes) {
  const test::TempFolder straight_dir, resumed_dir;
  const std::string &straight = straight_dir.path, &resumed = resumed_dir.path;
  const TrainResult full = train_model(tiny("classifier", straight), [](const TrainProgress&) {});
  EXPECT_EQ(full.steps_done, 4);
  EXPECT_TRUE(std::ifstream(straight + "/checkpoint/model.pt").good());
  EXPECT_TRUE(std::ifstream(straight + "/training_log.csv").good());

  // A crash right after the step-2 checkpoint (the progress report throws), then a resume.
  struct Crash {};
  EXPECT_THROW(train_model(tiny("classifier", resumed), [](const TrainProgress& p) { if (p.step == 2) throw Crash{}; }, 2),
               Crash);
  TrainConfig rest = tiny("classifier", resumed);
  rest.resume = true;
  const TrainResult second = train_model(rest, [](const TrainProgress&) {});
  EXPECT_EQ(second.steps_done, 4);
  // Same studies, batches, optimiser state and schedule: the same weights.
  const auto a = parameters_of(full.weights_path, 4, 2);
  const auto b = parameters_of(second.weights_path, 4, 2);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::allclose(a[i], b[i], 1e-4, 1e-5)) << "parameter " << i;
}

TEST(Trainer, SameSeedSameWeights) {
  const test::TempFolder one, two;
  const auto w1 = parameters_of(train_model(tiny("classifier", one), [](const TrainProgress&) {}).weights_path, 4, 2);
  const auto w2 = parameters_of(train_model(tiny("classifier", two), [](const TrainProgress&) {}).weights_path, 4, 2);
  for (std::size_t i = 0; i < w1.size(); ++i) EXPECT_TRUE(torch::allclose(w1[i], w2[i], 1e-5, 1e-6)) << i;
}

TEST(Trainer, SegmenterLossFallsOnLesionPatches) {
  const test::TempFolder out;
  TrainConfig c = tiny("segmenter", out);
  c.steps = 30;
  c.batch = 2;
  c.learning_rate = 3e-3;
  c.steps_per_study = 30;  // one study: the loss must fall on data it keeps seeing
  std::vector<double> losses;
  train_model(c, [&](const TrainProgress& p) { losses.push_back(p.loss); }, 10);
  ASSERT_EQ(losses.size(), 3u);
  EXPECT_LT(losses.back(), losses.front());
}

TEST(Trainer, BadConfigsAreRefusedWithTheReason) {
  const test::TempFolder unknown_dir, odd_dir, missing_dir;
  TrainConfig c = tiny("classifier", unknown_dir);
  c.model = "detector";
  try {
    train_model(c, [](const TrainProgress&) {});
    FAIL() << "accepted an unknown model";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("segmenter or classifier"), std::string::npos) << e.what();
  }
  TrainConfig odd = tiny("segmenter", odd_dir);
  odd.patch_zyx = {18, 16, 16};
  EXPECT_THROW(train_model(odd, [](const TrainProgress&) {}), Error);
  TrainConfig missing = tiny("classifier", missing_dir);
  missing.init_weights = "/nonexistent/weights.pt";
  EXPECT_THROW(train_model(missing, [](const TrainProgress&) {}), Error);
}

TEST(Trainer, InitWeightsOfAnotherWidthAreRefused) {
  const test::TempFolder narrow_dir, wide_dir;
  TrainConfig narrow = tiny("classifier", narrow_dir);
  narrow.steps = 1;
  const TrainResult saved = train_model(narrow, [](const TrainProgress&) {});
  TrainConfig wide = tiny("classifier", wide_dir);
  wide.base_channels = 8;
  wide.init_weights = saved.weights_path;
  try {
    train_model(wide, [](const TrainProgress&) {});
    FAIL() << "started from weights of a 4-channel network in an 8-channel one";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("does not fit the network"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace vigil::models
