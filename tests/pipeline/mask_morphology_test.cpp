// The lung mask's own morphology against ITK's filters for the same operation: the separable
// distance transform vs SignedMaurerDistanceMapImageFilter (squared, image spacing, outside the
// mask), and the parallel per-slice hole filling vs BinaryFillholeImageFilter slice by slice.
#include <gtest/gtest.h>
#include <itkBinaryFillholeImageFilter.h>
#include <itkImage.h>
#include <itkSignedMaurerDistanceMapImageFilter.h>
#include <itkSliceBySliceImageFilter.h>

#include <cmath>
#include <random>

#include "pipeline/distance_map.h"
#include "pipeline/slice_fill.h"
#include "tests/pipeline/itk_test_image.h"

namespace vigil::pipeline {
namespace {

using Mask = itk::Image<std::uint8_t, 3>;

using test::to_itk;

// Random balls and scattered voxels: masks with thin walls, enclosed holes and lone voxels.
std::vector<std::uint8_t> random_mask(const Geometry& g, unsigned seed, int balls, double density) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<std::uint8_t> m(g.voxel_count(), 0);
  for (int b = 0; b < balls; ++b) {
    const double c[3] = {u(rng) * g.size[0], u(rng) * g.size[1], u(rng) * g.size[2]};
    const double r = 1.0 + 5.0 * u(rng);
    const bool shell = u(rng) < 0.5;  // a hollow ball: a hole in every slice through it
    for (std::size_t k = 0; k < g.size[2]; ++k)
      for (std::size_t j = 0; j < g.size[1]; ++j)
        for (std::size_t i = 0; i < g.size[0]; ++i) {
          const double d = std::hypot(i - c[0], j - c[1], k - c[2]);
          if (d <= r && (!shell || d >= r - 1.5)) m[i + g.size[0] * (j + g.size[1] * k)] = 1;
        }
  }
  for (auto& v : m)
    if (u(rng) < density) v = 1;
  return m;
}

std::vector<float> itk_squared_distance(const std::vector<std::uint8_t>& mask, const Geometry& g) {
  auto distance = itk::SignedMaurerDistanceMapImageFilter<Mask, itk::Image<float, 3>>::New();
  distance->SetInput(to_itk(mask, g));
  distance->SetBackgroundValue(0);
  distance->SetInsideIsPositive(false);
  distance->SetSquaredDistance(true);
  distance->SetUseImageSpacing(true);
  distance->Update();
  const float* d = distance->GetOutput()->GetBufferPointer();
  return {d, d + mask.size()};
}

TEST(DistanceMap, MatchesItkMaurerOutsideTheMaskOnAnisotropicGrids) {
  for (unsigned seed : {1u, 2u, 3u}) {
    Geometry g;
    g.size = {31u + seed * 7, 23u + seed * 3, 17u + seed};
    g.spacing_mm = {0.7 * seed, 1.4, 2.5 / seed};
    const auto mask = random_mask(g, seed, 4, seed == 3 ? 0.0 : 0.002);
    const auto ours = squared_distance_mm2(mask, g);
    const auto itk = itk_squared_distance(mask, g);
    std::size_t outside = 0;
    for (std::size_t v = 0; v < mask.size(); ++v) {
      if (mask[v]) {
        EXPECT_EQ(ours[v], 0.0f) << v;
        continue;
      }
      ++outside;
      ASSERT_NEAR(ours[v], itk[v], 1e-4 * std::max(1.0f, itk[v])) << "seed " << seed << " voxel " << v;
    }
    EXPECT_GT(outside, mask.size() / 2) << "the test must measure distances, not only the mask";
  }
}

TEST(DistanceMap, EmptyMasksAreInfinitelyFarAndOneVoxelGivesTheBallExactly) {
  Geometry g;
  g.size = {9, 8, 7};
  g.spacing_mm = {0.5, 1.0, 2.0};
  std::vector<std::uint8_t> mask(g.voxel_count(), 0);
  for (float d : squared_distance_mm2(mask, g)) EXPECT_TRUE(std::isinf(d));
  mask[4 + 9 * (3 + 8 * 2)] = 1;
  const auto d = squared_distance_mm2(mask, g);
  const auto within = within_mm(mask, g, 2.0);
  for (std::size_t k = 0; k < 7; ++k)
    for (std::size_t j = 0; j < 8; ++j)
      for (std::size_t i = 0; i < 9; ++i) {
        const double dx = (double(i) - 4) * 0.5, dy = (double(j) - 3) * 1.0, dz = (double(k) - 2) * 2.0;
        const double exact = dx * dx + dy * dy + dz * dz;
        const std::size_t v = i + 9 * (j + 8 * k);
        EXPECT_FLOAT_EQ(d[v], float(exact)) << i << "," << j << "," << k;
        EXPECT_EQ(within[v], exact <= 4.0) << i << "," << j << "," << k;
      }
}

// within_mm caps its distances at the radius (a few voxels: the lung closing, the search margin);
// the voxels it selects must be exactly those the full transform puts within the radius, also for
// radii that land on voxel distances and for a reach beyond the cap (the full transform then).
TEST(DistanceMap, WithinMmSelectsExactlyWhatTheFullTransformPutsWithinTheRadius) {
  for (unsigned seed : {1u, 2u, 3u}) {
    Geometry g;
    g.size = {41u + seed * 5, 29u + seed * 3, 19u + seed};
    g.spacing_mm = {0.5 * seed, 1.0, 2.5 / seed};
    const auto mask = random_mask(g, seed, 4, 0.01);
    const auto d = squared_distance_mm2(mask, g);
    for (double mm : {0.3, 1.0, 2.0, 2.5, 4.0, 7.3, 12.0, 30.0}) {
      const auto within = within_mm(mask, g, mm);
      std::size_t grown = 0;
      for (std::size_t v = 0; v < mask.size(); ++v) {
        ASSERT_EQ(within[v], mask[v] != 0 || d[v] <= float(mm * mm)) << "seed " << seed << " radius " << mm << " voxel " << v;
        grown += within[v] && !mask[v];
      }
      if (mm >= 1.0) {
        EXPECT_GT(grown, 0u) << "seed " << seed << " radius " << mm;
      }
    }
  }
}

TEST(SliceFill, MatchesItkBinaryFillholeSliceBySlice) {
  for (unsigned seed : {4u, 5u, 6u}) {
    Geometry g;
    g.size = {40u + seed, 33u, 9u};
    const auto mask = random_mask(g, seed, 12, 0.05);
    using Slice = itk::Image<std::uint8_t, 2>;
    auto fill = itk::BinaryFillholeImageFilter<Slice>::New();
    fill->SetForegroundValue(1);
    auto per_slice = itk::SliceBySliceImageFilter<Mask, Mask>::New();
    per_slice->SetFilter(fill);
    per_slice->SetDimension(2);
    per_slice->SetInput(to_itk(mask, g));
    per_slice->Update();
    const std::uint8_t* expected = per_slice->GetOutput()->GetBufferPointer();
    const auto ours = fill_holes_per_slice(mask, g.size);
    std::size_t filled = 0;
    for (std::size_t v = 0; v < mask.size(); ++v) {
      ASSERT_EQ(ours[v], expected[v]) << "seed " << seed << " voxel " << v;
      filled += ours[v] && !mask[v];
    }
    EXPECT_GT(filled, 0u) << "the masks must have holes to fill";
  }
}

}  // namespace
}  // namespace vigil::pipeline
