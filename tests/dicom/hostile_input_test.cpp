// Bad input never stops a scan, never crashes, and always gives an error naming the file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include <dcmtk/dcmdata/dcfilefo.h>

#include "core/error.h"
#include "dicom/catalog.h"
#include "dicom/header_parser.h"
#include "dicom/volume_reader.h"
#include "tests/support/series_writer.h"
#include "tests/support/test_paths.h"

namespace vigil::dicom {
namespace {

using test::TempDir;

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST(HostileInput, GarbageFilesAreSkippedWithReasonsAndGoodSeriesStillRead) {
  TempDir dir("hostile");
  test::SeriesSpec spec;
  spec.positions = test::regular_positions({0, 0, 0}, spec.orientation, 2.0, 4);
  const auto good = test::write_series(spec, dir.file("good"));
  const std::string valid = read_bytes(good[0]);

  std::mt19937 rng(11);
  std::string random(4096, '\0');
  for (auto& c : random) c = static_cast<char>(rng());
  write_bytes(dir.file("empty.dcm"), "");
  write_bytes(dir.file("notes.txt"), "Patient is fine.\n");
  write_bytes(dir.file("random.bin"), random);
  write_bytes(dir.file("dicm_random.dcm"), std::string(128, '\0') + "DICM" + random);
  write_bytes(dir.file("header_cut.dcm"), valid.substr(0, 300));
  write_bytes(dir.file("bad_length.dcm"), valid.substr(0, 132) + std::string("\x02\x00\x00\x00UL\x04\x00", 8) +
                                              "\xff\xff\xff\x7f" + valid.substr(144));
  std::filesystem::create_directories(dir.file("sub/deeper"));
  write_bytes(dir.file("sub/deeper/zero.dcm"), "");

  Catalog catalog;
  ASSERT_NO_THROW(catalog = scan_catalog(dir.path()));
  EXPECT_EQ(catalog.files_seen, 11u);
  EXPECT_GE(catalog.skipped.size(), 6u);
  for (const auto& s : catalog.skipped) {
    EXPECT_NE(s.reason.find(s.path), std::string::npos) << "reason must name the file: " << s.reason;
  }
  const Series* series = catalog.find_series(spec.series_uid);
  ASSERT_NE(series, nullptr);
  EXPECT_EQ(read_volume(*series).volume.geometry.size[2], 4u);
}

// Old software writes bare data sets (no preamble, no File Meta): they are still read. Other files,
// such as a large volume beside the series, are rejected from their first bytes.
TEST(HostileInput, BareDataSetsAreReadAndOtherFilesRejectedFromTheirFirstBytes) {
  TempDir dir("bare");
  test::SeriesSpec spec;
  spec.positions = test::regular_positions({0, 0, 0}, spec.orientation, 2.0, 2);
  const auto good = test::write_series(spec, dir.file("good"));
  DcmFileFormat file;
  ASSERT_TRUE(file.loadFile(good[0].c_str()).good());
  for (const E_TransferSyntax xfer : {EXS_LittleEndianExplicit, EXS_LittleEndianImplicit}) {
    const std::string bare = dir.file(xfer == EXS_LittleEndianExplicit ? "bare_explicit" : "bare_implicit");
    ASSERT_TRUE(file.getDataset()->saveFile(bare.c_str(), xfer).good());
    ASSERT_NE(read_bytes(bare).substr(128, 4), "DICM");
    const InstanceHeader h = read_instance_header(bare);
    EXPECT_EQ(h.series_instance_uid, spec.series_uid);
    EXPECT_EQ(h.rows, spec.rows);
  }
  write_bytes(dir.file("labels.nrrd"), "NRRD0004\ntype: uint16\n\n" + std::string(4 << 20, '\x01'));
  try {
    read_instance_header(dir.file("labels.nrrd"));
    ADD_FAILURE() << "a NRRD file was read as DICOM";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotDicom);
    EXPECT_NE(std::string(e.what()).find("does not start with a DICOM data element"), std::string::npos) << e.what();
  }
}

TEST(HostileInput, TruncatedPixelDataFailsTheSeriesNamingTheFile) {
  TempDir dir("truncated");
  test::SeriesSpec spec;
  spec.positions = test::regular_positions({0, 0, 0}, spec.orientation, 2.0, 3);
  const auto paths = test::write_series(spec, dir.path());
  const std::string bytes = read_bytes(paths[1]);
  write_bytes(paths[1], bytes.substr(0, bytes.size() - 1000));  // header intact, pixels cut
  const Catalog catalog = scan_catalog(dir.path());
  for (const auto& s : catalog.skipped) EXPECT_NE(s.reason.find("slice_1"), std::string::npos);
  const Series* series = catalog.find_series(spec.series_uid);
  if (series == nullptr || series->instances.size() < 3) {
    SUCCEED() << "the truncated file was rejected at the header stage";
    return;
  }
  try {
    read_volume(*series);
    FAIL() << "a truncated slice must not produce a volume";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("slice_1.dcm"), std::string::npos) << e.what();
  }
}

TEST(HostileInput, EveryPrefixOfAValidFileIsHandled) {
  TempDir dir("prefix");
  test::SeriesSpec spec;
  spec.positions = {{0, 0, 0}};
  const std::string valid = read_bytes(test::write_series(spec, dir.file("src"))[0]);
  for (std::size_t cut = 0; cut < valid.size(); cut += 97) {
    const std::string path = dir.file("cut.dcm");
    write_bytes(path, valid.substr(0, cut));
    try {
      const InstanceHeader h = read_instance_header(path);
      if (h.is_image()) read_volume(*build_catalog({h}).studies[0].series.data());
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
  }
}

TEST(HostileInput, MissingPathIsNotFound) {
  try {
    scan_catalog("/nonexistent/vigil/path");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  }
}

}  // namespace
}  // namespace vigil::dicom
