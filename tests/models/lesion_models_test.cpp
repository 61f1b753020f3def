// Model folders of Vigil's own networks (weights + manifest, hash pinned) load back into the same
// network; the shipped weights load, and on held-out synthetic studies (seeds never used in
// training, several of them) the classifier ranks lesions above the detector's other candidates
// and the segmenter outlines lesions of 8 mm and more.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/error.h"
#include "models/classifier3d.h"
#include "models/detection/candidate_search.h"
#include "models/background_models.h"
#include "models/lesion_models.h"
#include "models/package/model_loader.h"
#include "models/training/study_volume.h"
#include "tests/models/temp_folder.h"

namespace vigil::models {
namespace {

using test::TempFolder;

ModelManifest classifier_manifest(const std::string& folder, int base, int levels) {
  ModelManifest m;
  m.name = "test-classifier";
  m.version = "0.0.1";
  m.kind = "classifier";
  m.format = "vigil-classifier3d";
  m.weights = "weights.pt";
  m.sha256 = sha256_of_file(folder + "/weights.pt");
  m.patch_size_zyx = {16, 16, 16};
  m.outputs = {"lesion_logit"};
  m.architecture = {base, levels};
  m.training_data = "none: random weights";
  m.intended_use = "tests";
  return m;
}

TEST(VigilModelFolder, WeightsLoadBackIntoTheSameNetwork) {
  const TempFolder temp;
  const std::string& folder = temp;
  torch::manual_seed(7);
  Classifier3d net(Classifier3dOptions{1, 4, 3});
  net->eval();
  torch::save(net, folder + "/weights.pt");
  write_manifest(classifier_manifest(folder, 4, 3), folder);
  const LoadedModel loaded = load_model(folder);
  EXPECT_EQ(loaded.manifest.architecture.levels, 3);
  const torch::Tensor x = torch::rand({2, 1, 16, 16, 16});
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::allclose(loaded.predict(x), net->forward(x)));
}

TEST(VigilModelFolder, ArchitectureThatDoesNotMatchTheWeightsIsRefused) {
  const TempFolder temp;
  const std::string& folder = temp;
  Classifier3d net(Classifier3dOptions{1, 4, 3});
  torch::save(net, folder + "/weights.pt");
  write_manifest(classifier_manifest(folder, 8, 3), folder);  // says 8 channels, weights have 4
  try {
    load_model(folder);
    FAIL() << "loaded weights into the wrong network";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("test-classifier"), std::string::npos) << e.what();
  }
}

TEST(VigilModelFolder, MissingArchitectureIsAManifestError) {
  const TempFolder temp;
  const std::string& folder = temp;
  Classifier3d net(Classifier3dOptions{1, 4, 3});
  torch::save(net, folder + "/weights.pt");
  write_manifest(classifier_manifest(folder, 4, 3), folder);
  std::ifstream in(folder + "/manifest.json");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  const auto at = text.find("\"architecture\"");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, text.find('}', at) + 2 - at, "");
  std::ofstream(folder + "/manifest.json") << text;
  try {
    read_manifest(folder);
    FAIL() << "accepted a manifest without its architecture";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("architecture"), std::string::npos) << e.what();
  }
}

// Held-out studies: seeds far from the training seeds (models/configs: 2026112x).
synthetic::SynthConfig held_out_config() {
  synthetic::SynthConfig c;
  c.slices = {70, 90};
  c.p_no_lesion = 0;
  c.lesions_per_study = {3, 6};
  return c;
}

// The shipped models copied, with one change to one manifest.
void copy_models_changing(const std::string& folder, const std::string& model,
                          const std::function<void(nlohmann::json&)>& change) {
  test::copy_tree(VIGIL_MODELS_DIR, folder);
  nlohmann::json m = nlohmann::json::parse(std::ifstream(folder + "/" + model + "/manifest.json"));
  change(m);
  std::ofstream(folder + "/" + model + "/manifest.json") << m.dump(2);
}

// The networks of FOLDER, loaded on the CPU in the background.
std::unique_ptr<LesionModels> in_background(const std::string& folder) {
  return load_in_background(folder, [folder] { return load_torch_lesion_models(folder, false); });
}

// Hashes are checked before load_in_background returns: nothing unverified is loaded.
TEST(LesionModelsLoading, AWrongWeightHashIsRefusedAtOnce) {
  const TempFolder folder;
  copy_models_changing(folder.path, "classifier", [](nlohmann::json& m) { m["sha256"] = std::string(64, '0'); });
  try {
    const auto models = in_background(folder.path);
    FAIL() << "loaded weights whose hash the manifest does not pin";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(std::string(64, '0')), std::string::npos) << e.what();
  }
}

// Weights that pass the hash check but do not fit the architecture fail in the loading thread:
// the error reaches whoever waits for the networks, every time they ask.
TEST(LesionModelsLoading, WeightsThatDoNotFitAreReportedToWhoeverWaits) {
  const TempFolder folder;
  copy_models_changing(folder.path, "segmenter", [](nlohmann::json& m) {
    m["architecture"]["base_channels"] = m["architecture"]["base_channels"].get<int>() * 2;
  });
  const auto models = in_background(folder.path);
  EXPECT_EQ(models->segmenter().kind, "segmenter");  // the manifests are there at once
  for (int attempt = 0; attempt < 2; ++attempt) {
    try {
      models->wait_until_loaded();
      FAIL() << "weights of another architecture loaded";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("does not fit"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(models->classify(Volume{}, {}), Error);
}

// In the background or at once, the same networks give the same scores.
TEST(LesionModelsLoading, LoadedInTheBackgroundTheNetworksScoreTheSame) {
  const auto study = synthetic::generate_study(held_out_config(), 9401, 0);
  const Volume ct = study_volume(study);
  std::vector<Vec3> centres;
  for (const auto& l : study.lesions) centres.push_back(l.center_mm);
  const auto direct = load_torch_lesion_models(VIGIL_MODELS_DIR, false);
  const auto background = in_background(VIGIL_MODELS_DIR);
  EXPECT_EQ(background->classify(ct, centres), direct->classify(ct, centres));
  EXPECT_EQ(background->device(), "cpu");
}

// Patches go through in batches (four on the CPU, a lone one padded to two): a centre's score and
// mask do not depend on the batch it was in.
TEST(ShippedModels, ResultsDoNotDependOnTheBatch) {
  const auto models = load_torch_lesion_models(VIGIL_MODELS_DIR, false);
  const auto study = synthetic::generate_study(held_out_config(), 9402, 0);
  const Volume ct = study_volume(study);
  std::vector<Vec3> centres;
  for (const auto& l : study.lesions) centres.push_back(l.center_mm);
  const Geometry& g = ct.geometry;
  while (centres.size() < 6) centres.push_back(g.index_to_physical({0.3 * double(g.size[0]) + double(centres.size()), 0.5 * double(g.size[1]), 0.5 * double(g.size[2])}));
  const auto together = models->classify(ct, centres);
  for (std::size_t i = 0; i < centres.size(); ++i)
    EXPECT_NEAR(models->classify(ct, {centres[i]})[0], together[i], 1e-5) << "centre " << i;
  const auto masks = models->segment(ct, {centres[0], centres[1], centres[2]});
  EXPECT_EQ(models->segment(ct, {centres[1]})[0].mask, masks[1].mask);
}

// Node workers share one set of networks. A long pass (the segmenter over 48 windows, seconds on
// a CPU) must not hold up another caller until it ends: callers take turns batch by batch, so the
// second one waits for one batch at most. (On a GPU the pass may end before the second call.)
TEST(ShippedModels, ASecondCallerWaitsForABatchNotForAWholePass) {
  using Clock = std::chrono::steady_clock;
  const auto seconds_since = [](Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); };
  const auto models = load_torch_lesion_models(VIGIL_MODELS_DIR, false);
  const auto study = synthetic::generate_study(held_out_config(), 9403, 0);
  const Volume ct = study_volume(study);
  const Geometry& g = ct.geometry;
  std::vector<Vec3> windows;
  for (int i = 0; i < 48; ++i)
    windows.push_back(g.index_to_physical({0.3 * double(g.size[0]) + 3.0 * (i % 8), 0.4 * double(g.size[1]) + 3.0 * (i / 8),
                                           0.5 * double(g.size[2])}));
  const auto started = Clock::now();
  std::atomic<bool> running{false};
  double pass_s = 0;
  std::thread pass([&] {
    running = true;
    models->segment_windows(ct, windows);
    pass_s = seconds_since(started);
  });
  while (!running) std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the pass is in its batches now
  const auto asked = Clock::now();
  const double p = models->classify(ct, {windows[0]})[0];
  const double waited = seconds_since(asked);
  pass.join();
  EXPECT_TRUE(p >= 0 && p <= 1);
  EXPECT_LT(waited, 0.5 * pass_s) << "the classifier call waited " << waited << " s of a " << pass_s << " s pass";
}

TEST(ShippedModels, ClassifierRanksLesionsAboveOtherCandidatesOnHeldOutStudies) {
  const auto models = load_torch_lesion_models(VIGIL_MODELS_DIR, false);
  EXPECT_EQ(models->classifier().kind, "classifier");
  std::vector<double> positives, negatives;
  for (const std::uint64_t seed : {9101u, 9102u, 9103u}) {
    const auto study = synthetic::generate_study(held_out_config(), seed, 0, 0, true);
    const Volume ct = study_volume(study);
    std::vector<Vec3> lesion_centres, others;
    for (const auto& l : study.lesions) lesion_centres.push_back(l.center_mm);
    for (const auto& c : detection::find_candidates(ct, study.lung_mask, {}, kernels::Backend::kCpu)) {
      bool near = false;
      for (const auto& l : study.lesions) near = near || norm(sub(c.center_mm, l.center_mm)) < l.diameter_mm + 5;
      if (!near) others.push_back(c.center_mm);
    }
    for (double p : models->classify(ct, lesion_centres)) positives.push_back(p);
    for (double p : models->classify(ct, others)) negatives.push_back(p);
  }
  ASSERT_GT(positives.size(), 8u);
  ASSERT_GT(negatives.size(), 30u);
  // The share of (lesion, other) pairs ranked the right way round: the area under the ROC curve.
  double right = 0;
  for (double p : positives)
    for (double n : negatives) right += p > n ? 1.0 : p == n ? 0.5 : 0.0;
  const double auc = right / double(positives.size() * negatives.size());
  EXPECT_GT(auc, 0.85) << positives.size() << " lesions, " << negatives.size() << " other candidates";
}

// With in-plane-flip averaging the classifier cannot tell a CT from its left-right mirror image:
// every candidate scores the same at its mirrored place. Without it, the network alone can.
TEST(ShippedModels, FlipAveragingGivesTheSameScoreToAMirroredCt) {
  // The shipped models twice, their classifier with and without the averaging.
  const TempFolder with, without;
  for (const TempFolder* f : {&with, &without})
    copy_models_changing(f->path, "classifier", [&](nlohmann::json& m) {
      m["test_time_augmentation"] = f == &with ? "in-plane-flips" : "none";
    });
  const auto plain_models = load_torch_lesion_models(without, false), averaged_models = load_torch_lesion_models(with, false);
  const LesionModels &plain = *plain_models, &averaged = *averaged_models;
  for (const std::uint64_t seed : {9301u, 9302u}) {
    const auto study = synthetic::generate_study(held_out_config(), seed, 0);
    const Volume ct = study_volume(study);
    const Geometry& g = ct.geometry;
    Volume mirrored = ct;  // voxel i becomes voxel n - 1 - i, the geometry stays
    for (std::size_t k = 0; k < g.size[2]; ++k)
      for (std::size_t j = 0; j < g.size[1]; ++j)
        for (std::size_t i = 0; i < g.size[0]; ++i)
          mirrored.voxels[i + g.size[0] * (j + g.size[1] * k)] = ct.voxels[(g.size[0] - 1 - i) + g.size[0] * (j + g.size[1] * k)];
    std::vector<Vec3> centres, mirrored_centres;
    for (const auto& l : study.lesions) centres.push_back(l.center_mm);
    centres.push_back(g.index_to_physical({0.4 * double(g.size[0]), 0.5 * double(g.size[1]), 0.5 * double(g.size[2])}));
    // The patch grid runs from -n/2 to n/2 - 1 voxels (1 mm here) about its centre: the mirrored
    // patch is the exact mirror image when the centre is moved one voxel along x first.
    const double step = averaged.classifier().input_spacing_mm[0];
    for (const Vec3& c : centres) {
      Vec3 index = g.physical_to_index(sub(c, scale(g.axis(0), step)));
      index[0] = double(g.size[0] - 1) - index[0];
      mirrored_centres.push_back(g.index_to_physical(index));
    }
    const auto a = averaged.classify(ct, centres), b = averaged.classify(mirrored, mirrored_centres);
    const auto pa = plain.classify(ct, centres), pb = plain.classify(mirrored, mirrored_centres);
    double plain_gap = 0;
    for (std::size_t i = 0; i < centres.size(); ++i) {
      EXPECT_NEAR(a[i], b[i], 1e-4) << "seed " << seed << " centre " << i;
      plain_gap = std::max(plain_gap, std::abs(pa[i] - pb[i]));
    }
    EXPECT_GT(plain_gap, 1e-4) << "the network alone is mirror-symmetric here: the test shows nothing";
  }
}

TEST(ShippedModels, SegmenterOutlinesLesionsOf8MmAndMore) {
  const auto models = load_torch_lesion_models(VIGIL_MODELS_DIR, false);
  std::vector<double> dice;
  for (const std::uint64_t seed : {9201u, 9202u, 9203u}) {
    synthetic::SynthConfig c = held_out_config();
    c.lesion_diameter_mm = {8, 25};
    const auto study = synthetic::generate_study(c, seed, 0);
    const Volume ct = study_volume(study);
    const Geometry& g = ct.geometry;
    std::vector<Vec3> centres;
    for (const auto& l : study.lesions) centres.push_back(l.center_mm);
    const auto masks = models->segment(ct, centres);
    for (std::size_t i = 0; i < masks.size(); ++i) {
      // Dice on the mask's grid: the truth read there by nearest neighbour in the study's grid.
      const auto& m = masks[i];
      std::size_t in_mask = 0, in_truth = 0, both = 0;
      for (std::size_t v = 0; v < m.grid.voxel_count(); ++v) {
        const auto q = g.nearest_voxel(m.grid.voxel_to_physical(v));
        const bool t = q && study.labels[*q] == study.lesions[i].id;
        const bool f = !m.mask.empty() && m.mask[v];
        in_mask += f, in_truth += t, both += f && t;
      }
      dice.push_back(in_mask + in_truth ? 2.0 * double(both) / double(in_mask + in_truth) : 0.0);
    }
  }
  ASSERT_GT(dice.size(), 6u);
  std::sort(dice.begin(), dice.end());
  EXPECT_GT(dice[dice.size() / 2], 0.7) << "median Dice of " << dice.size() << " lesions";
}

}  // namespace
}  // namespace vigil::models
