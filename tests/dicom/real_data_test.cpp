// The catalog and reader on real scanner data from ../shared/data/real (never copied here).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>

#include "core/error.h"
#include "dicom/catalog.h"
#include "dicom/header_parser.h"
#include "dicom/pixel_decoder.h"
#include "dicom/volume_reader.h"
#include "tests/support/test_paths.h"

namespace vigil::dicom {
namespace {

using test::real_data;

const Series& series_in(const Catalog& c, const std::string& modality, std::size_t min_instances = 1) {
  for (const auto& st : c.studies)
    for (const auto& s : st.series)
      if (s.modality == modality && s.instances.size() >= min_instances) return s;
  throw std::runtime_error("no " + modality + " series in catalog");
}

bool has(const std::vector<GeometryFinding>& fs, const std::string& code, GeometryFinding::Action action) {
  return std::any_of(fs.begin(), fs.end(), [&](const auto& f) { return f.code == code && f.action == action; });
}

// Decodes frame 0 of one file, whatever its series (localizers and duplicates included).
Volume read_file(const std::string& path) {
  const InstanceHeader h = read_instance_header(path);
  Volume v;
  v.geometry.size = {h.columns, h.rows, 1};
  v.voxels.resize(v.geometry.voxel_count());
  PixelDecoder(h).decode_frame(0, h.frames.at(0).rescale_slope, h.frames.at(0).rescale_intercept, v.voxels.data());
  return v;
}

double mean_abs_diff(const Volume& a, const Volume& b) {
  EXPECT_EQ(a.voxels.size(), b.voxels.size());
  double sum = 0;
  for (std::size_t i = 0; i < a.voxels.size(); ++i) sum += std::abs(a.voxels[i] - b.voxels[i]);
  return sum / static_cast<double>(a.voxels.size());
}

TEST(RealData, CatalogOfEverythingSkipsNonDicomAndCorruptFilesWithReasons) {
  const Catalog c = scan_catalog(test::real_data_dir());
  EXPECT_GT(c.files_seen, 280u);
  EXPECT_GT(c.studies.size(), 15u);
  const auto skipped = [&](const std::string& name) {
    return std::find_if(c.skipped.begin(), c.skipped.end(),
                        [&](const SkippedFile& s) { return s.path.ends_with(name); });
  };
  const auto readme = skipped("real/README.md");
  ASSERT_NE(readme, c.skipped.end());
  EXPECT_TRUE(readme->not_dicom);
  EXPECT_NE(readme->reason.find("not a DICOM file"), std::string::npos);
  const auto truncated = skipped("MR_truncated.dcm");
  ASSERT_NE(truncated, c.skipped.end());
  EXPECT_FALSE(truncated->not_dicom);
  EXPECT_NE(truncated->reason.find("MR_truncated.dcm"), std::string::npos);
  EXPECT_NE(truncated->reason.find("truncated"), std::string::npos);
}

TEST(RealData, LidcChestCtReadsAsARegularHuVolume) {
  const Catalog c = scan_catalog(real_data("lidc0314-chest-ct-nodule"));
  const Series& s = series_in(c, "CT", 90);
  const auto r = read_volume(s);
  EXPECT_TRUE(r.findings.empty());
  const Geometry& g = r.volume.geometry;
  EXPECT_EQ(g.size, (std::array<std::size_t, 3>{512, 512, 96}));
  EXPECT_NEAR(g.spacing_mm[2], 1.0, 0.01);
  EXPECT_NEAR(g.axis(2)[2], 1.0, 1e-6);  // axial, feet to head
  const auto [mn, mx] = std::minmax_element(r.volume.voxels.begin(), r.volume.voxels.end());
  EXPECT_GE(*mn, -1100.0f);  // air (outside the FOV is -1000 here)
  EXPECT_LE(*mx, 3100.0f);
  // Lung parenchyma at the centre of the right lung is near -850 HU on this scan.
  std::size_t air_like = 0;
  for (float v : r.volume.voxels) air_like += (v < -500);
  EXPECT_GT(double(air_like) / r.volume.voxels.size(), 0.3);
}

TEST(RealData, GeHeadCtTiltAndUnevenSpacingAreCorrectedAndReported) {
  const Catalog c = scan_catalog(real_data("ge-head-ct-tilt-varspacing"));
  const auto r = read_volume(series_in(c, "CT"));
  EXPECT_TRUE(has(r.findings, "gantry_tilt", GeometryFinding::Action::kCorrected));
  EXPECT_TRUE(has(r.findings, "uneven_spacing", GeometryFinding::Action::kCorrected));
  const auto tilt = std::find_if(r.findings.begin(), r.findings.end(), [](auto& f) { return f.code == "gantry_tilt"; });
  EXPECT_NE(tilt->detail.find("18.50 deg"), std::string::npos) << tilt->detail;
  const Geometry& g = r.volume.geometry;
  EXPECT_EQ(g.size[0], 512u);
  // 13 x 4.002 + 1.081 + 13 x 6.999 mm along the normal, regridded at the median 4.002 mm.
  EXPECT_NEAR(g.spacing_mm[2], 4.002, 0.01);
  EXPECT_NEAR((g.size[2] - 1) * g.spacing_mm[2], 13 * 4.002 + 1.081 + 13 * 6.999, 4.0);
  // The grid is orthogonal: the k axis is the plane normal, not the z stacking direction.
  EXPECT_NEAR(dot(g.axis(2), cross(g.axis(0), g.axis(1))), 1.0, 1e-9);
}

TEST(RealData, LocalizerAndColourSecondaryCaptureAreRefusedWithReasons) {
  const Catalog c = scan_catalog(real_data("philips-ct-localizer-sc"));
  int refused = 0;
  for (const auto& st : c.studies) {
    for (const auto& s : st.series) {
      try {
        read_volume(s);
      } catch (const Error& e) {
        ++refused;
        const std::string what = e.what();
        EXPECT_TRUE(what.find("localizer") != std::string::npos || what.find("unsupported_image") != std::string::npos ||
                    what.find("missing_geometry") != std::string::npos)
            << what;
      }
    }
  }
  EXPECT_GE(refused, 2);
}

TEST(RealData, TransferSyntaxMatrixDecodesToIdenticalPixels) {
  const Volume reference = read_file(real_data("ts-matrix-mr/1.dcm"));
  for (int n = 2; n <= 9; ++n) {
    const Volume v = read_file(real_data("ts-matrix-mr/" + std::to_string(n) + ".dcm"));
    EXPECT_EQ(mean_abs_diff(reference, v), 0.0) << n << ".dcm";
  }
}

TEST(RealData, JpegTwoThousandLosslessMatchesItsUncompressedTwin) {
  EXPECT_EQ(mean_abs_diff(read_file(real_data("ct-codec-singles/693_UNCR.dcm")),
                          read_file(real_data("ct-codec-singles/693_J2KR.dcm"))),
            0.0);
  // Lossy J2K stays close to its twin: mean error under 1% of a typical 2000 HU range.
  EXPECT_LT(mean_abs_diff(read_file(real_data("ct-codec-singles/693_UNCI.dcm")),
                          read_file(real_data("ct-codec-singles/693_J2KI.dcm"))),
            20.0);
}

TEST(RealData, EveryCompressedCtSingleDecodesToPlausibleHu) {
  for (const char* name : {"CT1_JLSN.dcm", "ELSCINT1_JP2vsJ2K.dcm", "MAROTECH_CT_JP2Lossy.dcm",
                           "TOSHIBA_J2K_OpenJPEGv2Regression.dcm", "TOSHIBA_J2K_SIZ0_PixRep1.dcm",
                           "TOSHIBA_J2K_SIZ1_PixRep0.dcm", "J2K_pixelrep_mismatch.dcm", "bad_sequence.dcm"}) {
    const Volume v = read_file(real_data(std::string("ct-codec-singles/") + name));
    const auto [mn, mx] = std::minmax_element(v.voxels.begin(), v.voxels.end());
    EXPECT_GE(*mn, -3100.0f) << name;
    EXPECT_LE(*mx, 5000.0f) << name;
    EXPECT_GT(*mx - *mn, 500.0f) << name;  // an image, not a constant
    // Air and soft tissue: the median of a CT slice lies between air and bone.
    std::vector<float> sorted = v.voxels;
    std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
    EXPECT_GT(sorted[sorted.size() / 2], -1100.0f) << name;
    EXPECT_LT(sorted[sorted.size() / 2], 300.0f) << name;
  }
}

TEST(RealData, ToshibaSignMismatchPairDecodesIdentically) {
  // The same image, once as an unsigned J2K codestream under Pixel Representation 1 and once as a
  // signed codestream under Pixel Representation 0: either sign flag saying "signed" wins.
  EXPECT_EQ(mean_abs_diff(read_file(real_data("ct-codec-singles/TOSHIBA_J2K_SIZ0_PixRep1.dcm")),
                          read_file(real_data("ct-codec-singles/TOSHIBA_J2K_SIZ1_PixRep0.dcm"))),
            0.0);
}

TEST(RealData, EnhancedCtFramesBecomeAVolume) {
  const Volume v =
      read_volume(build_catalog({read_instance_header(real_data("enhanced-multiframe/eCT_Supplemental.dcm"))})
                      .studies.at(0)
                      .series.at(0))
          .volume;
  EXPECT_EQ(v.geometry.size, (std::array<std::size_t, 3>{512, 512, 2}));
  EXPECT_NEAR(v.geometry.spacing_mm[2], 10.0, 0.01);
}

TEST(RealData, MultiVolumeEnhancedMrIsRefusedAsDuplicatePositions) {
  const Catalog c = scan_catalog(real_data("enhanced-multiframe/Siemens"));
  try {
    read_volume(series_in(c, "MR"));
    FAIL() << "an fMRI series of several time points is not one volume";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kGeometry);
    EXPECT_NE(std::string(e.what()).find("duplicate_positions"), std::string::npos);
  }
}

TEST(RealData, JpegLosslessMrSeriesIsSagittalAndComplete) {
  const Catalog c = scan_catalog(real_data("mr-t1-jpegll-series"));
  const auto r = read_volume(series_in(c, "MR", 90));
  EXPECT_EQ(r.volume.geometry.size, (std::array<std::size_t, 3>{128, 128, 96}));
  EXPECT_NEAR(std::abs(r.volume.geometry.axis(2)[0]), 1.0, 1e-3);  // slices stack left-right
}

}  // namespace
}  // namespace vigil::dicom
