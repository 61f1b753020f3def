// Training patches from synthetic studies: lesion-centred patches hold the lesion, labels sit on
// the bright voxels they label, augmentation moves image and label together, and a seed fixes it all.
#include <gtest/gtest.h>

#include <numeric>

#include "core/error.h"
#include "models/training/segmentation_patches.h"

namespace vigil::models {
namespace {

synthetic::SynthConfig small_config() {
  synthetic::SynthConfig c;
  c.matrix = 160;
  c.pixel_spacing_mm = {1.6, 2.0};
  c.slice_thickness_mm = {2.0, 2.5};
  c.slices = {60, 70};
  c.p_no_lesion = 0;
  c.lesions_per_study = {2, 4};
  c.lesion_diameter_mm = {8, 20};
  c.p_solid = 1.0;  // solid: clearly brighter than lung, so alignment is testable by intensity
  c.p_juxtavascular = c.p_juxtapleural = 0;  // in parenchyma: lung around them, not chest wall
  return c;
}

TEST(SegmentationPatches, LesionCentredPatchesHoldTheLesionAndLabelsSitOnIt) {
  PatchOptions o;
  o.patch_zyx = {32, 32, 32};
  o.p_lesion_centred = 1.0;
  for (const std::uint64_t seed : {11u, 12u, 13u}) {
    const auto study = synthetic::generate_study(small_config(), seed, 0);
    std::mt19937_64 rng(seed);
    const auto patches = sample_patches(study, o, 6, rng);
    ASSERT_EQ(patches.size(), 6u);
    for (const auto& p : patches) {
      ASSERT_EQ(p.image.size(), 32u * 32u * 32u);
      const std::size_t labelled = std::accumulate(p.label.begin(), p.label.end(), std::size_t(0));
      EXPECT_GT(labelled, 20u) << "seed " << seed << ": a lesion-centred patch without its lesion";
      // Solid lesions in lung (about -850 HU, 0.1 after windowing): labels sit on bright voxels
      // (all but the partial-volume rim); labels shifted off the lesion would sit on lung.
      std::size_t bright = 0;
      for (std::size_t v = 0; v < p.image.size(); ++v) bright += p.label[v] && p.image[v] > 0.3f;
      EXPECT_GE(double(bright), 0.8 * double(labelled)) << "seed " << seed;
      for (float v : p.image) ASSERT_TRUE(v >= 0.0f && v <= 1.0f);
    }
  }
}

TEST(SegmentationPatches, AugmentationMovesImageAndLabelTogether) {
  // An asymmetric bright block, labelled: after any flips and turns, the labelled voxels are still
  // exactly the bright ones.
  TrainingPatch base;
  base.size_zyx = {8, 12, 12};
  base.image.assign(8 * 12 * 12, 0.1f);
  base.label.assign(8 * 12 * 12, 0);
  for (int z = 1; z < 4; ++z)
    for (int y = 2; y < 9; ++y)
      for (int x = 0; x < 3; ++x) {
        const std::size_t v = (std::size_t(z) * 12 + y) * 12 + x;
        base.image[v] = 0.9f;
        base.label[v] = 1;
      }
  AugmentOptions o;
  o.intensity_scale = o.intensity_shift = o.noise_sigma_max = 0;  // geometry only
  int changed = 0;
  for (std::uint64_t seed = 0; seed < 16; ++seed) {
    TrainingPatch p = base;
    std::mt19937_64 rng(seed);
    augment(p, o, rng);
    changed += p.label != base.label;
    for (std::size_t v = 0; v < p.image.size(); ++v) ASSERT_EQ(p.label[v] == 1, p.image[v] > 0.5f) << seed;
    EXPECT_EQ(std::accumulate(p.label.begin(), p.label.end(), 0), 3 * 7 * 3);
  }
  EXPECT_GE(changed, 8) << "flips and turns should move the block in most draws";
}

TEST(SegmentationPatches, TheSameSeedGivesTheSamePatchesAndOddStacksAreRefused) {
  const auto study = synthetic::generate_study(small_config(), 21, 0);
  PatchOptions o;
  o.patch_zyx = {16, 24, 24};
  std::mt19937_64 a(5), b(5);
  auto pa = sample_patches(study, o, 3, a), pb = sample_patches(study, o, 3, b);
  AugmentOptions augment_options;
  for (std::size_t n = 0; n < pa.size(); ++n) {
    augment(pa[n], augment_options, a);
    augment(pb[n], augment_options, b);
    EXPECT_EQ(pa[n].image, pb[n].image);
    EXPECT_EQ(pa[n].label, pb[n].label);
  }
  synthetic::SynthConfig tilted = small_config();
  tilted.variant = synthetic::Variant::kGantryTilt;
  std::mt19937_64 rng(1);
  EXPECT_THROW(sample_patches(synthetic::generate_study(tilted, 22, 0), o, 1, rng), Error);
}

}  // namespace
}  // namespace vigil::models
