#include "pipeline/orientation.h"

#include <gtest/gtest.h>

#include <cmath>

#include "dicom/catalog.h"
#include "dicom/volume_reader.h"
#include "tests/support/series_writer.h"
#include "tests/support/test_paths.h"

namespace vigil::pipeline {
namespace {

TEST(CanonicalOrientation, EveryVoxelKeepsItsValueAtItsPatientPosition) {
  const std::vector<std::array<double, 6>> orientations{
      {0, 1, 0, 0, 0, -1},   // sagittal
      {1, 0, 0, 0, 0, -1},   // coronal
      {-1, 0, 0, 0, -1, 0},  // axial, feet first prone-like (both in-plane axes flipped)
      {1, 0, 0, 0, 1, 0}};   // already canonical
  for (const auto& o : orientations) {
    test::TempDir dir("orient");
    test::SeriesSpec spec;
    spec.orientation = o;
    spec.positions = test::regular_positions({5, -6, 7}, o, 2.0, 6);
    test::write_series(spec, dir.path());
    const Volume in = dicom::read_volume(dicom::scan_catalog(dir.path()).studies.at(0).series.at(0)).volume;
    const Volume out = to_canonical_lps(in);
    // Vigil skips the copy exactly when the filter would change nothing.
    const bool unchanged = out.voxels == in.voxels && out.geometry.direction == in.geometry.direction &&
                           out.geometry.origin_mm == in.geometry.origin_mm && out.geometry.size == in.geometry.size;
    EXPECT_EQ(is_canonical_lps(in.geometry), unchanged);
    // Direction is the identity (these acquisitions are not oblique).
    for (int r = 0; r < 3; ++r)
      for (int c = 0; c < 3; ++c) EXPECT_NEAR(out.geometry.direction[r * 3 + c], r == c ? 1.0 : 0.0, 1e-9);
    EXPECT_EQ(out.voxels.size(), in.voxels.size());
    // Same value at the same patient point, for every voxel of the input.
    for (std::size_t k = 0; k < in.geometry.size[2]; ++k)
      for (std::size_t j = 0; j < in.geometry.size[1]; j += 3)
        for (std::size_t i = 0; i < in.geometry.size[0]; i += 3) {
          const Vec3 p = in.geometry.index_to_physical({double(i), double(j), double(k)});
          const Vec3 q = out.geometry.physical_to_index(p);
          const long a = std::lround(q[0]), b = std::lround(q[1]), c = std::lround(q[2]);
          ASSERT_NEAR(q[0], a, 1e-6);
          ASSERT_EQ(out.at(a, b, c), in.at(i, j, k));
        }
  }
}

TEST(CanonicalOrientation, SlightlyObliqueAxialIsCanonicalAndFlippedIsNot) {
  Geometry g;
  const double a = 0.2;  // radians of gantry-like tilt about the patient's x axis
  g.direction = {1, 0, 0, 0, std::cos(a), -std::sin(a), 0, std::sin(a), std::cos(a)};
  EXPECT_TRUE(is_canonical_lps(g));
  g.direction = {1, 0, 0, 0, 1, 0, 0, 0, -1};  // feet-first stack order
  EXPECT_FALSE(is_canonical_lps(g));
  g.direction = {0, 1, 0, 1, 0, 0, 0, 0, 1};  // i and j swapped
  EXPECT_FALSE(is_canonical_lps(g));
}

}  // namespace
}  // namespace vigil::pipeline
