// Catalog behaviour on folders and DICOMDIRs the test writes itself.
#include "dicom/catalog.h"

#include <dcmtk/dcmdata/dcddirif.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/support/series_writer.h"
#include "tests/support/test_paths.h"

namespace vigil::dicom {
namespace {

using test::TempDir;

test::SeriesSpec spec_with(const std::string& series_uid, int slices) {
  test::SeriesSpec s;
  s.series_uid = series_uid;
  s.positions = test::regular_positions({0, 0, 0}, s.orientation, 2.0, slices);
  return s;
}

// A DICOMDIR (PS3.10) listing only the DATA folder; OTHER holds a series it does not list.
std::string write_dicomdir_fixture(const TempDir& dir) {
  test::write_series(spec_with("1.2.826.0.1.3680043.10.1432.7.1", 5), dir.file("DATA"),
                     {"IM1", "IM2", "IM3", "IM4", "IM5"});
  test::write_series(spec_with("1.2.826.0.1.3680043.10.1432.7.2", 2), dir.file("OTHER"), {"IM1", "IM2"});
  DicomDirInterface ddir;
  EXPECT_TRUE(ddir.createNewDicomDir(DicomDirInterface::AP_GeneralPurpose, dir.file("DICOMDIR").c_str(), "VIGIL")
                  .good());
  for (const char* name : {"DATA/IM1", "DATA/IM2", "DATA/IM3", "DATA/IM4", "DATA/IM5"})
    EXPECT_TRUE(ddir.addDicomFile(name, dir.path().c_str()).good()) << name;
  EXPECT_TRUE(ddir.writeDicomDir().good());
  return dir.file("DICOMDIR");
}

TEST(Catalog, ADicomdirPathCatalogsExactlyTheFilesItLists) {
  TempDir dir("dicomdir");
  const Catalog c = scan_catalog(write_dicomdir_fixture(dir));
  ASSERT_EQ(c.studies.size(), 1u);
  ASSERT_EQ(c.studies[0].series.size(), 1u);
  EXPECT_EQ(c.studies[0].series[0].series_instance_uid, "1.2.826.0.1.3680043.10.1432.7.1");
  EXPECT_EQ(c.studies[0].series[0].instances.size(), 5u);
}

TEST(Catalog, AFolderScanFindsEverySeriesAndSkipsTheDicomdirIndex) {
  TempDir dir("dicomdir-folder");
  write_dicomdir_fixture(dir);
  const Catalog c = scan_catalog(dir.path());
  ASSERT_EQ(c.studies.size(), 1u);
  EXPECT_EQ(c.studies[0].series.size(), 2u);
  ASSERT_EQ(c.skipped.size(), 1u);
  EXPECT_NE(c.skipped[0].reason.find("DICOMDIR index"), std::string::npos);
  EXPECT_FALSE(c.skipped[0].not_dicom);
}

TEST(Catalog, StudiesAndSeriesAreGroupedAndPatientIdentityIsHashed) {
  TempDir dir("grouping");
  auto a = spec_with("1.2.826.0.1.3680043.10.1432.8.1", 3);
  auto b = spec_with("1.2.826.0.1.3680043.10.1432.8.2", 2);
  b.study_uid = "1.2.826.0.1.3680043.10.1432.8";
  test::write_series(a, dir.file("a"));
  test::write_series(b, dir.file("b"));
  const Catalog c = scan_catalog(dir.path());
  ASSERT_EQ(c.studies.size(), 2u);
  for (const auto& study : c.studies) {
    EXPECT_EQ(study.patient_key.size(), 12u);
    EXPECT_EQ(study.patient_key.find("VIGIL"), std::string::npos);
  }
  EXPECT_EQ(c.studies[0].patient_key, c.studies[1].patient_key);  // same patient, two studies
  EXPECT_EQ(c.files_seen, 5u);
}

}  // namespace
}  // namespace vigil::dicom
