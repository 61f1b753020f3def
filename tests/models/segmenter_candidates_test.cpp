// Segmenter components as a second candidate source (pipeline/segmenter_candidates.h): where the
// windows go, how components become candidates beside the blob ones (a scripted segmenter), and
// what the shipped segmenter finds over whole synthetic lungs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "models/detection/candidate_search.h"
#include "models/detection/patch_sampler.h"
#include "models/lesion_models.h"
#include "models/synthetic/synthetic_study.h"
#include "models/training/study_volume.h"
#include "pipeline/segmenter_candidates.h"
#include "tests/support/synthetic_configs.h"

namespace vigil::pipeline {
namespace {

Geometry box_geometry() {
  Geometry g;
  g.size = {120, 100, 60};
  g.spacing_mm = {1.5, 1.5, 2.0};
  g.origin_mm = {-90, -75, 0};
  return g;
}

// A lung: the box of voxels [20, 80) x [30, 70) x [10, 40).
std::vector<std::uint8_t> box_lung(const Geometry& g) {
  std::vector<std::uint8_t> lung(g.voxel_count(), 0);
  for (std::size_t k = 10; k < 40; ++k)
    for (std::size_t j = 30; j < 70; ++j)
      for (std::size_t i = 20; i < 80; ++i) lung[i + g.size[0] * (j + g.size[1] * k)] = 1;
  return lung;
}

TEST(SegmenterCandidates, WindowsCoverEveryLungVoxelAndOnlyWindowsWithLung) {
  const Geometry g = box_geometry();
  const auto lung = box_lung(g);
  const double step = 30, half = 18;
  const auto centres = segmenter_window_centres(g, lung, step, half);
  ASSERT_FALSE(centres.empty());
  // Every lung voxel is inside some window, with the overlap (half - step/2) to spare.
  for (std::size_t v = 0; v < lung.size(); ++v) {
    if (!lung[v]) continue;
    const Vec3 p = g.voxel_to_physical(v);
    const bool covered = std::any_of(centres.begin(), centres.end(), [&](const Vec3& c) {
      for (int a = 0; a < 3; ++a)
        if (std::abs(p[a] - c[a]) > step / 2 + 1e-6) return false;
      return true;
    });
    ASSERT_TRUE(covered) << "lung voxel " << v << " in no window";
  }
  // No window without lung: each holds a lung voxel within its half-width on every axis.
  for (const Vec3& c : centres) {
    bool lung_inside = false;
    for (std::size_t v = 0; v < lung.size() && !lung_inside; ++v) {
      if (!lung[v]) continue;
      const Vec3 p = g.voxel_to_physical(v);
      lung_inside = std::abs(p[0] - c[0]) <= half + 1e-6 && std::abs(p[1] - c[1]) <= half + 1e-6 &&
                    std::abs(p[2] - c[2]) <= half + 1e-6;
    }
    EXPECT_TRUE(lung_inside) << "window at " << c[0] << ", " << c[1] << ", " << c[2];
  }
  EXPECT_TRUE(segmenter_window_centres(g, std::vector<std::uint8_t>(g.voxel_count(), 0), step, half).empty());
}

// A segmenter that outlines one ball: `radius_mm` around `lesion_mm`, in every window that holds it.
class BallSegmenter final : public models::LesionModels {
 public:
  BallSegmenter(Vec3 lesion_mm, double radius_mm) : lesion_(lesion_mm), radius_(radius_mm) {
    manifest_.kind = "segmenter";
    manifest_.input_spacing_mm = {0.75, 0.75, 0.75};
    manifest_.patch_size_zyx = {48, 48, 48};
  }
  std::vector<double> classify(const Volume&, const std::vector<Vec3>& c) const override { return std::vector<double>(c.size(), 0.5); }
  std::vector<models::LesionMask> segment(const Volume& ct, const std::vector<Vec3>& c, double) const override {
    return segment_windows(ct, c);
  }
  std::vector<models::LesionMask> segment_windows(const Volume& ct, const std::vector<Vec3>& centres) const override {
    detection::PatchGrid grid{manifest_.input_spacing_mm, manifest_.patch_size_zyx, -1000, 400};
    std::vector<models::LesionMask> out;
    for (const Vec3& c : centres) {
      models::LesionMask m{detection::patch_geometry(ct.geometry, c, grid), {}};
      m.mask.assign(m.grid.voxel_count(), 0);
      bool any = false;
      for (std::size_t v = 0; v < m.mask.size(); ++v)
        if (norm(sub(m.grid.voxel_to_physical(v), lesion_)) <= radius_) m.mask[v] = 1, any = true;
      if (!any) m.mask.clear();
      out.push_back(std::move(m));
    }
    windows_ += centres.size();
    return out;
  }
  const models::ModelManifest& classifier() const override { return manifest_; }
  const models::ModelManifest& segmenter() const override { return manifest_; }
  std::string device() const override { return "cpu"; }
  mutable std::size_t windows_ = 0;

 private:
  Vec3 lesion_;
  double radius_;
  models::ModelManifest manifest_;
};

Volume box_volume() {
  Volume ct;
  ct.geometry = box_geometry();
  ct.voxels.assign(ct.geometry.voxel_count(), -800.0f);
  return ct;
}

TEST(SegmenterCandidates, AComponentBecomesOneCandidateUnlessABlobCandidateIsThere) {
  const Volume ct = box_volume();
  const auto lung = box_lung(ct.geometry);
  const Vec3 lesion = ct.geometry.index_to_physical({50, 50, 25});
  const BallSegmenter segmenter(lesion, 3.0);

  std::vector<Candidate> none;
  add_segmenter_candidates(ct, lung, segmenter, none);
  EXPECT_GT(segmenter.windows_, 1u);
  ASSERT_EQ(none.size(), 1u) << "the ball seen by overlapping windows is one candidate";
  EXPECT_LT(norm(sub(none[0].center_mm, lesion)), 0.5);
  EXPECT_NEAR(none[0].radius_mm, 3.0, 0.3);  // the sphere of the component's volume
  EXPECT_LT(none[0].probability, 0);          // not scored yet: the classifier scores it with the rest

  Candidate blob;
  blob.center_mm = add(lesion, {2.0, 0, 0});
  blob.radius_mm = 3;
  std::vector<Candidate> with_blob{blob};
  add_segmenter_candidates(ct, lung, segmenter, with_blob);
  EXPECT_EQ(with_blob.size(), 1u) << "a blob candidate 2 mm away already marks it";

  const BallSegmenter speck(lesion, 1.0);  // about 10 voxels at 0.75 mm: under min_voxels
  std::vector<Candidate> specks;
  add_segmenter_candidates(ct, lung, speck, specks);
  EXPECT_TRUE(specks.empty());
}

#ifdef VIGIL_MODELS_DIR
// The shipped segmenter over whole lungs (held-out seeds): most lesions of 6 mm and more get a
// candidate of their own, and the components stay few.
TEST(ShippedModels, SegmenterCandidatesMarkMostLesionsOverWholeLungs) {
  const auto models = models::load_torch_lesion_models(VIGIL_MODELS_DIR, false);
  int lesions = 0, hit = 0;
  for (const std::uint64_t seed : {9411u, 9412u}) {
    const auto study = synthetic::generate_study(test::small_chest_config(), seed, 0, 0, true);
    const Volume ct = models::study_volume(study);
    std::vector<Candidate> found;
    add_segmenter_candidates(ct, study.lung_mask, *models, found);
    EXPECT_LE(found.size(), 100u) << "seed " << seed;
    for (const auto& l : study.lesions) {
      if (l.diameter_mm < 6) continue;
      ++lesions;
      const bool marked = std::any_of(found.begin(), found.end(), [&](const Candidate& c) {
        return norm(sub(c.center_mm, l.center_mm)) <= l.diameter_mm / 2;
      });
      hit += marked;
      if (!marked) std::printf("[ MISSED   ] seed %d: %s %s %.1f mm\n", int(seed), l.type.c_str(), l.placement.c_str(), l.diameter_mm);
    }
    std::printf("[ SEGCAND  ] seed %d: %zu segmenter candidates\n", int(seed), found.size());
  }
  ASSERT_GE(lesions, 4);
  std::printf("[ SEGCAND  ] lesions >= 6 mm marked: %d/%d\n", hit, lesions);
  EXPECT_GE(double(hit) / lesions, 0.7);
}
#endif

}  // namespace
}  // namespace vigil::pipeline
