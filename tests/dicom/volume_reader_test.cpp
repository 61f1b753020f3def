// The volume reader on series the test writes itself with DCMTK: every geometry edge case and
// every encoding, with exact expected voxel values (stored value = i + 2j + 100k).
#include "dicom/volume_reader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "core/error.h"
#include "dicom/catalog.h"
#include "tests/support/series_writer.h"
#include "tests/support/test_paths.h"

namespace vigil::dicom {
namespace {

using test::Encoding;
using test::SeriesSpec;
using test::stored_value;
using test::TempDir;

constexpr std::array<double, 6> kAxial{1, 0, 0, 0, 1, 0};

const Series& only_series(const Catalog& c) {
  EXPECT_EQ(c.studies.size(), 1u);
  EXPECT_EQ(c.studies.at(0).series.size(), 1u);
  return c.studies.at(0).series.at(0);
}

bool has_finding(const VolumeReadResult& r, const std::string& code) {
  return std::any_of(r.findings.begin(), r.findings.end(), [&](const auto& f) { return f.code == code; });
}

SeriesSpec axial_spec(int slices, double spacing = 1.5) {
  SeriesSpec s;
  s.positions = test::regular_positions({-20, 15, 100}, kAxial, spacing, slices);
  return s;
}

void expect_slice_values(const Volume& v, std::size_t k_out, int k_written, double slope = 1, double icpt = -1024) {
  for (std::size_t j = 0; j < v.geometry.size[1]; j += 7)
    for (std::size_t i = 0; i < v.geometry.size[0]; i += 5)
      ASSERT_FLOAT_EQ(v.at(i, j, k_out),
                      static_cast<float>(stored_value(int(i), int(j), k_written) * slope + icpt))
          << "voxel " << i << "," << j << "," << k_out;
}

class Encodings : public ::testing::TestWithParam<Encoding> {};

std::string encoding_name(const ::testing::TestParamInfo<Encoding>& info) {
  static const char* kNames[] = {"ExplicitLittle", "ImplicitLittle", "ExplicitBig", "JpegLossless",
                                 "JpegLs",         "Rle",            "Deflate"};
  return kNames[static_cast<int>(info.param)];
}

TEST_P(Encodings, DecodeToTheStoredValuesInHu) {
  TempDir dir("enc");
  SeriesSpec spec = axial_spec(6);
  spec.encoding = GetParam();
  test::write_series(spec, dir.path());
  const auto result = read_volume(only_series(scan_catalog(dir.path())));
  EXPECT_TRUE(result.findings.empty());
  ASSERT_EQ(result.volume.geometry.size, (std::array<std::size_t, 3>{48, 40, 6}));
  for (int k = 0; k < 6; ++k) expect_slice_values(result.volume, k, k);
}

INSTANTIATE_TEST_SUITE_P(AllWritable, Encodings,
                         ::testing::Values(Encoding::kExplicitLittle, Encoding::kImplicitLittle, Encoding::kExplicitBig,
                                           Encoding::kJpegLossless, Encoding::kJpegLs, Encoding::kRle,
                                           Encoding::kDeflate),
                         encoding_name);

TEST(VolumeReader, ShuffledFileNamesAreOrderedByPositionNotByName) {
  for (unsigned seed : {1u, 2u, 3u}) {
    TempDir dir("shuffle");
    SeriesSpec spec = axial_spec(12);
    std::vector<std::string> names(12);
    std::vector<int> ids(12);
    std::iota(ids.begin(), ids.end(), 0);
    std::shuffle(ids.begin(), ids.end(), std::mt19937(seed));
    for (int k = 0; k < 12; ++k) names[k] = "IM" + std::to_string(ids[k]);
    test::write_series(spec, dir.path(), names);
    const auto result = read_volume(only_series(scan_catalog(dir.path())));
    for (int k = 0; k < 12; ++k) expect_slice_values(result.volume, k, k);
    const Geometry& g = result.volume.geometry;
    EXPECT_NEAR(g.spacing_mm[2], 1.5, 1e-6);
    EXPECT_DOUBLE_EQ(g.spacing_mm[0], 0.8);
    EXPECT_DOUBLE_EQ(g.spacing_mm[1], 0.7);
    EXPECT_NEAR(g.origin_mm[2], 100, 1e-6);
  }
}

TEST(VolumeReader, ReversedSliceOrderGivesAscendingPositions) {
  TempDir dir("reversed");
  SeriesSpec spec = axial_spec(8);
  std::reverse(spec.positions.begin(), spec.positions.end());  // slice k written at the (7-k)th position
  test::write_series(spec, dir.path());
  const auto result = read_volume(only_series(scan_catalog(dir.path())));
  for (int k = 0; k < 8; ++k) expect_slice_values(result.volume, k, 7 - k);
  EXPECT_NEAR(result.volume.geometry.origin_mm[2], 100, 1e-6);
}

TEST(VolumeReader, NonAxialOrientationsKeepTheirDirection) {
  const std::vector<std::array<double, 6>> orientations{
      {0, 1, 0, 0, 0, -1},                               // sagittal
      {1, 0, 0, 0, 0, -1},                               // coronal
      {0.8660254, 0.5, 0, -0.5, 0.8660254, 0}};          // oblique axial
  for (const auto& o : orientations) {
    TempDir dir("orient");
    SeriesSpec spec;
    spec.orientation = o;
    spec.positions = test::regular_positions({5, 6, 7}, o, 2.0, 5);
    test::write_series(spec, dir.path());
    const auto result = read_volume(only_series(scan_catalog(dir.path())));
    const Geometry& g = result.volume.geometry;
    const Vec3 normal = cross({o[0], o[1], o[2]}, {o[3], o[4], o[5]});
    for (int c = 0; c < 3; ++c) {
      EXPECT_NEAR(g.axis(0)[c], o[c], 1e-6);
      EXPECT_NEAR(g.axis(1)[c], o[3 + c], 1e-6);
      EXPECT_NEAR(g.axis(2)[c], normal[c], 1e-6);
    }
    EXPECT_NEAR(g.spacing_mm[2], 2.0, 1e-6);
    for (int k = 0; k < 5; ++k) expect_slice_values(result.volume, k, k);
  }
}

TEST(VolumeReader, GantryTiltIsShearCorrectedWithExactInteriorValues) {
  TempDir dir("tilt");
  const double t = 15.0 * 3.14159265358979 / 180.0;
  SeriesSpec spec;
  spec.orientation = {1, 0, 0, 0, std::cos(t), -std::sin(t)};
  spec.pixel_spacing_mm = {1.0, 1.0};
  for (int k = 0; k < 6; ++k) spec.positions.push_back({0, 0, 1.0 * k});  // stacked along z, plane tilted
  test::write_series(spec, dir.path());
  const auto result = read_volume(only_series(scan_catalog(dir.path())));
  ASSERT_TRUE(has_finding(result, "gantry_tilt"));
  const Volume& v = result.volume;
  EXPECT_NEAR(v.geometry.spacing_mm[2], std::cos(t), 1e-6);
  // Slice k's origin sits k*sin(t) mm along the column axis (towards negative j here): the grid grows
  // by the total drift so nothing is cut, and its origin moves to the lowest shifted slice.
  const double drift_px = 5 * std::sin(t);
  EXPECT_EQ(v.geometry.size[1], 40u + static_cast<std::size_t>(std::ceil(drift_px)));
  const Vec3 first_pixel = v.geometry.index_to_physical({0, 0, 0});
  EXPECT_NEAR(dot(sub(first_pixel, Vec3{0, 0, 0}), Vec3{0, std::cos(t), -std::sin(t)}),
              -std::ceil(drift_px), 1e-6);
  for (int k = 0; k < 6; ++k) {
    // Output row j lies at col-coordinate (j - ceil(drift)) mm from slice 0's origin; slice k's own
    // origin is at -k*sin(t): input row = j - ceil(drift) + k*sin(t).
    for (int j = 0; j < 40; j += 3) {
      const double input_row = j - std::ceil(drift_px) + k * std::sin(t);
      if (input_row < 0 || input_row > 39) continue;
      for (int i = 0; i < 48; i += 6) {
        const double expected = i + 2 * input_row + 100 * k - 1024;  // bilinear is exact on a linear ramp
        ASSERT_NEAR(v.at(i, j, k), expected, 1e-3) << i << "," << j << "," << k;
      }
    }
  }
}

TEST(VolumeReader, UnevenSpacingIsInterpolatedOntoARegularGrid) {
  TempDir dir("uneven");
  SeriesSpec spec;
  for (double z : {0.0, 1.0, 2.0, 3.5, 4.5, 5.5}) spec.positions.push_back({0, 0, z});
  test::write_series(spec, dir.path());
  const auto result = read_volume(only_series(scan_catalog(dir.path())));
  ASSERT_TRUE(has_finding(result, "uneven_spacing"));
  const Volume& v = result.volume;
  ASSERT_EQ(v.geometry.size[2], 6u);  // 0 .. 5 mm at the smallest gap, 1 mm
  EXPECT_NEAR(v.geometry.spacing_mm[2], 1.0, 1e-9);
  // z = 3 mm lies 2/3 of the way from written slice 2 (z=2) to slice 3 (z=3.5).
  EXPECT_NEAR(v.at(4, 4, 3), 4 + 8 + 200 + 100.0 * 2 / 3 - 1024, 1e-3);
  // z = 4 mm lies half-way between slices 3 (z=3.5) and 4 (z=4.5).
  EXPECT_NEAR(v.at(4, 4, 4), 4 + 8 + 350 - 1024, 1e-3);
}

TEST(VolumeReader, MissingSliceIsRefusedWithAClearReasonOrInterpolated) {
  TempDir dir("missing");
  SeriesSpec spec = axial_spec(10, 2.0);
  spec.positions.erase(spec.positions.begin() + 5);
  test::write_series(spec, dir.path());
  const Catalog catalog = scan_catalog(dir.path());
  try {
    read_volume(only_series(catalog));
    FAIL() << "a series with a missing slice must be refused by default";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kGeometry);
    EXPECT_NE(std::string(e.what()).find("missing_slices"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("series "), std::string::npos) << e.what();
  }
  ReadOptions options;
  options.policy.on_missing_slices = GeometryPolicy::Action::kCorrect;
  const auto result = read_volume(only_series(catalog), options);
  ASSERT_EQ(result.volume.geometry.size[2], 10u);
  // Written slice 4 sits at position 4, written slice 5 at position 6: position 5 is their mean.
  EXPECT_NEAR(result.volume.at(3, 3, 5), 3 + 6 + 450 - 1024, 1e-3);
}

TEST(VolumeReader, TwoSeriesInOneFolderAreSeparated) {
  TempDir dir("two");
  SeriesSpec a = axial_spec(5);
  SeriesSpec b = axial_spec(7, 3.0);
  b.series_uid = a.series_uid + ".2";
  b.rows = 24;
  test::write_series(a, dir.path(), {"x1", "x2", "x3", "x4", "x5"});
  test::write_series(b, dir.path(), {"x6", "x7", "x8", "x9", "x10", "x11", "x12"});
  const Catalog catalog = scan_catalog(dir.path());
  ASSERT_EQ(catalog.studies.size(), 1u);
  ASSERT_EQ(catalog.studies[0].series.size(), 2u);
  const auto va = read_volume(*catalog.find_series(a.series_uid));
  const auto vb = read_volume(*catalog.find_series(b.series_uid));
  EXPECT_EQ(va.volume.geometry.size[2], 5u);
  EXPECT_EQ(vb.volume.geometry.size[2], 7u);
  EXPECT_EQ(vb.volume.geometry.size[1], 24u);
  EXPECT_NEAR(vb.volume.geometry.spacing_mm[2], 3.0, 1e-6);
}

TEST(VolumeReader, EnhancedMultiFrameUsesPerFrameFunctionalGroups) {
  for (Encoding enc : {Encoding::kExplicitLittle, Encoding::kJpegLossless}) {
    TempDir dir("enhanced");
    SeriesSpec spec = axial_spec(9, 1.25);
    spec.encoding = enc;
    std::swap(spec.positions[2], spec.positions[6]);  // frames not in spatial order
    spec.slope = 0.5;
    spec.intercept = -100;
    test::write_enhanced_ct(spec, dir.file("enhanced.dcm"));
    const auto result = read_volume(only_series(scan_catalog(dir.path())));
    ASSERT_EQ(result.volume.geometry.size[2], 9u);
    EXPECT_NEAR(result.volume.geometry.spacing_mm[2], 1.25, 1e-6);
    for (int k = 0; k < 9; ++k) {
      const int written = k == 2 ? 6 : k == 6 ? 2 : k;
      expect_slice_values(result.volume, k, written, 0.5, -100);
    }
  }
}

TEST(VolumeReader, PerSliceRescaleIsApplied) {
  TempDir dir("rescale");
  SeriesSpec spec = axial_spec(3);
  spec.slope = 2.5;
  spec.intercept = -3000;
  test::write_series(spec, dir.path());
  const auto result = read_volume(only_series(scan_catalog(dir.path())));
  for (int k = 0; k < 3; ++k) expect_slice_values(result.volume, k, k, 2.5, -3000);
}

TEST(VolumeReader, LocalizerImagesInASeriesAreExcludedAndRecorded) {
  TempDir dir("localizer");
  SeriesSpec spec = axial_spec(6);
  test::write_series(spec, dir.path());
  SeriesSpec scout = spec;
  scout.image_type = "ORIGINAL\\PRIMARY\\LOCALIZER";
  scout.orientation = {1, 0, 0, 0, 0, -1};
  scout.positions = {{0, 0, 0}};
  test::write_series(scout, dir.path(), {"scout.dcm"});
  const auto result = read_volume(only_series(scan_catalog(dir.path())));
  EXPECT_TRUE(has_finding(result, "localizer"));
  EXPECT_EQ(result.volume.geometry.size[2], 6u);
}

}  // namespace
}  // namespace vigil::dicom
