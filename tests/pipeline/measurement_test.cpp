// RECIST-style size of a voxel mask: the longest in-plane axis over the slices, on ellipsoids of
// random size, in-plane rotation and voxel spacing, where the true axes are known.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "pipeline/lesion_measurement.h"

namespace vigil::pipeline {
namespace {

struct Ellipsoid {
  std::vector<std::size_t> voxels;
  double a, b, c;  // semi-axes in mm: a, b in plane (a >= b), c along the slices
};

// An ellipsoid centred in `g`, its in-plane major axis at `angle` to the i axis.
Ellipsoid ellipsoid(const Geometry& g, double a, double b, double c, double angle) {
  Ellipsoid e{{}, a, b, c};
  const double ci = 0.5 * double(g.size[0] - 1), cj = 0.5 * double(g.size[1] - 1), ck = 0.5 * double(g.size[2] - 1);
  for (std::size_t k = 0; k < g.size[2]; ++k)
    for (std::size_t j = 0; j < g.size[1]; ++j)
      for (std::size_t i = 0; i < g.size[0]; ++i) {
        const double x = (double(i) - ci) * g.spacing_mm[0], y = (double(j) - cj) * g.spacing_mm[1],
                     z = (double(k) - ck) * g.spacing_mm[2];
        const double u = x * std::cos(angle) + y * std::sin(angle), v = -x * std::sin(angle) + y * std::cos(angle);
        if (u * u / (a * a) + v * v / (b * b) + z * z / (c * c) <= 1.0) e.voxels.push_back(i + g.size[0] * (j + g.size[1] * k));
      }
  return e;
}

TEST(LesionMeasurement, LongestSliceAxesOfEllipsoidsMatchTheirInPlaneAxes) {
  for (unsigned seed : {1u, 2u, 3u, 4u, 5u, 6u}) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> major(3.0, 12.0), ratio(0.5, 1.0), angle(0.0, M_PI), pixel(0.6, 0.9),
        slice(0.625, 1.25);
    Geometry g;
    g.spacing_mm = {pixel(rng), 0, slice(rng)};
    g.spacing_mm[1] = g.spacing_mm[0];
    g.size = {64, 64, 48};
    const double a = major(rng), b = a * ratio(rng);
    const Ellipsoid e = ellipsoid(g, a, b, 0.8 * a, angle(rng));
    const SliceAxes axes = longest_slice_axes(g, e.voxels);
    SCOPED_TRACE("seed " + std::to_string(seed) + " a " + std::to_string(a) + " b " + std::to_string(b));
    // Pixels are counted whole, so the digital outline may be up to one pixel longer or shorter.
    EXPECT_NEAR(axes.long_axis_mm, 2 * a, 1.5 * g.spacing_mm[0]);
    EXPECT_NEAR(axes.short_axis_mm, 2 * b, 1.5 * g.spacing_mm[0]);
    EXPECT_LE(axes.short_axis_mm, axes.long_axis_mm);
    // The longest axis lies on a slice through the middle of the ellipsoid.
    const double mid = 0.5 * double(g.size[2] - 1);
    EXPECT_LE(std::abs(double(axes.slice) - mid) * g.spacing_mm[2], 0.35 * 0.8 * a + g.spacing_mm[2]);
    EXPECT_GE(axes.outline_mm.size(), 8u);
    for (const Vec3& p : axes.outline_mm) EXPECT_DOUBLE_EQ(p[2], g.index_to_physical({0, 0, double(axes.slice)})[2]);
  }
}

TEST(LesionMeasurement, EmptyMaskHasNoAxesAndOneVoxelHasOnePixel) {
  Geometry g;
  g.spacing_mm = {0.7, 0.7, 1.0};
  g.size = {8, 8, 4};
  EXPECT_EQ(longest_slice_axes(g, {}).long_axis_mm, 0.0);
  const SliceAxes one = longest_slice_axes(g, {3 + 8 * (4 + 8 * 2)});
  EXPECT_EQ(one.slice, 2u);
  EXPECT_NEAR(one.long_axis_mm, 0.7, 1e-9);
}


// The segmenter can be unsure of a lesion the classifier reports: a mask too small to measure
// (here two voxels) must not drop the finding; the lesion is then measured by region growing.
TEST(LesionMeasurement, ATooSmallMaskFallsBackToRegionGrowingAndTheLesionIsReported) {
  Volume ct;
  ct.geometry.size = {40, 40, 40};
  ct.geometry.spacing_mm = {1.0, 1.0, 1.0};
  ct.voxels.assign(ct.geometry.voxel_count(), -850.0f);
  const Ellipsoid ball = ellipsoid(ct.geometry, 4.0, 4.0, 4.0, 0.0);
  for (std::size_t v : ball.voxels) ct.voxels[v] = 40.0f;
  const double ball_mm3 = double(ball.voxels.size());
  Candidate c;
  c.center_mm = ct.geometry.index_to_physical({19.5, 19.5, 19.5});
  c.radius_mm = 4.0f;
  c.probability = 0.9;
  const std::size_t centre = *ct.geometry.nearest_voxel(c.center_mm);
  for (const auto& mask : {std::vector<std::size_t>{centre, centre + 1}, ball.voxels}) {
    c.mask_voxels = mask;
    const MeasuredLesions m = measure_lesions(ct, {c}, "1.2.3");
    ASSERT_EQ(m.findings.size(), 1u) << mask.size() << "-voxel mask";
    EXPECT_NEAR(m.findings[0].volume_mm3, ball_mm3, 0.05 * ball_mm3) << mask.size() << "-voxel mask";
  }
}

// A part-solid nodule whose candidate sits on its solid core: grown from the core, the threshold
// (halfway between the core and lung) keeps the core only, too small to measure. The lesion must
// still be reported, measured on its ground glass (2026-11-27: a 7 mm part-solid test lesion that
// the classifier scored 0.63 was dropped that way).
TEST(LesionMeasurement, APartSolidNoduleGrownFromItsCoreIsMeasuredOnItsGroundGlass) {
  for (unsigned seed : {1u, 2u, 3u}) {
    Volume ct;
    ct.geometry.size = {48, 48, 40};
    ct.geometry.spacing_mm = {0.6, 0.6, 0.8};
    std::mt19937 rng(seed);
    std::normal_distribution<float> noise(0.0f, 20.0f);
    ct.voxels.resize(ct.geometry.voxel_count());
    const Ellipsoid glass = ellipsoid(ct.geometry, 3.5, 3.5, 3.5, 0.0), core = ellipsoid(ct.geometry, 1.0, 1.0, 1.0, 0.0);
    for (float& v : ct.voxels) v = -850.0f + noise(rng);
    for (std::size_t v : glass.voxels) ct.voxels[v] = -700.0f + noise(rng);
    for (std::size_t v : core.voxels) ct.voxels[v] = 0.0f + noise(rng);
    Candidate c;
    c.center_mm = ct.geometry.index_to_physical({23.5, 23.5, 19.5});
    c.radius_mm = 2.0f;
    c.probability = 0.7;
    c.mask_voxels = {core.voxels.front()};  // the segmenter unsure: one voxel
    const MeasuredLesions m = measure_lesions(ct, {c}, "1.2.3");
    ASSERT_EQ(m.findings.size(), 1u) << "seed " << seed;
    EXPECT_NEAR(m.findings[0].long_axis_mm, 7.0, 1.5) << "seed " << seed;
    EXPECT_LT(m.findings[0].mean_hu, -500) << "seed " << seed << ": measured on the ground glass, not the core";
  }
}

// A small solid nodule touching the chest wall, with no segmenter mask: grown at the halfway
// threshold it flows into the wall (as dense as the nodule) up to the growing's outer bound, and the
// finding's centre and size describe the wall (2026-11-27: a 3.6 mm test nodule was reported as
// 9.8 mm, its centre 2.6 mm off, which also made it a false positive). The finding must stay on
// the nodule.
TEST(LesionMeasurement, ASmallNoduleTouchingTheChestWallIsMeasuredWithoutTheWall) {
  for (unsigned seed : {1u, 2u, 3u}) {
    for (const double diameter : {3.6, 5.0, 6.5}) {
      Volume ct;
      ct.geometry.size = {56, 48, 40};
      ct.geometry.spacing_mm = {0.7, 0.7, 1.0};
      std::mt19937 rng(seed);
      std::normal_distribution<float> noise(0.0f, 25.0f);
      ct.voxels.resize(ct.geometry.voxel_count());
      const Geometry& g = ct.geometry;
      const Vec3 nodule = g.index_to_physical({27.5, 23.5, 19.5});
      const double wall_x = nodule[0] + 0.5 * diameter;  // the wall's surface touches the nodule
      for (std::size_t k = 0; k < g.size[2]; ++k)
        for (std::size_t j = 0; j < g.size[1]; ++j)
          for (std::size_t i = 0; i < g.size[0]; ++i) {
            const Vec3 p = g.index_to_physical({double(i), double(j), double(k)});
            float hu = p[0] >= wall_x ? 40.0f : -850.0f;
            if (norm(sub(p, nodule)) <= 0.5 * diameter) hu = 20.0f;
            ct.voxels[i + g.size[0] * (j + g.size[1] * k)] = hu + noise(rng);
          }
      Candidate c;
      c.center_mm = nodule;
      c.radius_mm = float(std::max(2.0, 0.5 * diameter));  // the blob filter's smallest scale is 2 mm
      c.probability = 0.7;
      const MeasuredLesions m = measure_lesions(ct, {c}, "1.2.3");
      SCOPED_TRACE("seed " + std::to_string(seed) + ", " + std::to_string(diameter) + " mm");
      ASSERT_EQ(m.findings.size(), 1u);
      EXPECT_LE(norm(sub(m.findings[0].center_mm, nodule)), 0.25 * diameter) << "the centre moved into the wall";
      EXPECT_LE(m.findings[0].long_axis_mm, 1.5 * diameter) << "the wall was measured with the nodule";
    }
  }
}

}  // namespace
}  // namespace vigil::pipeline
