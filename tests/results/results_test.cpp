// `vigil run` end to end on synthetic studies (two seeds): every object passes dciodvfy, the SR
// passes PixelMed's validator, and highdicom/pydicom read back the same measurements and masks.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "core/error.h"
#include "dicom/catalog.h"
#include "dicom/seg_writer.h"
#include "dicom/source_series.h"
#include "dicom/sr_reader.h"
#include "dicom/sr_writer.h"
#include "tests/support/command.h"
#include "tests/support/series_writer.h"
#include "tests/support/test_paths.h"

namespace {

using nlohmann::json;
using vigil::test::TempDir;

json read_json(const std::string& path) {
  std::ifstream in(path);
  return json::parse(in);
}

// A small synthetic chest CT that always has lesions: quick to analyse, still a real series.
std::string synthesize(const TempDir& dir, int seed) {
  const std::string config = dir.file("synth.json");
  std::ofstream(config) << R"({"lesions_per_study": [3, 5], "p_no_lesion": 0, "slices": [50, 50], "matrix": 256,
                             "pixel_spacing_mm": [1.2, 1.3], "slice_thickness_mm": [2.5, 2.5]})";
  const auto r = vigil::test::run_vigil("synth --out " + dir.file("in") + " --studies 1 --seed " +
                                        std::to_string(seed) + " --config " + config);
  EXPECT_EQ(r.status, 0);
  return dir.file("in");
}

std::string only_study_folder(const std::string& out) {
  std::vector<std::string> folders;
  for (const auto& e : std::filesystem::directory_iterator(out))
    if (e.is_directory()) folders.push_back(e.path().string());
  EXPECT_EQ(folders.size(), 1u);
  return folders.empty() ? std::string() : folders.front();
}

void expect_near_relative(double a, double b, double relative, const std::string& what) {
  EXPECT_NEAR(a, b, relative * std::max(1.0, std::abs(b))) << what;
}

class ResultsRun : public ::testing::TestWithParam<int> {};

TEST_P(ResultsRun, ObjectsValidateAndIndependentReadersAgree) {
  TempDir dir("results-run");
  const std::string input = synthesize(dir, GetParam());
  const auto run = vigil::test::run_vigil("run " + input + " --out " + dir.file("out"));
  ASSERT_EQ(run.status, 0);
  const std::string study = only_study_folder(dir.file("out"));
  const json summary = read_json(study + "/summary.json");

  // Summary: the documented keys.
  EXPECT_EQ(summary["status"], "succeeded");
  for (const char* key : {"study_instance_uid", "status", "findings", "timings_s", "algorithm", "outputs", "notice"})
    EXPECT_TRUE(summary.contains(key)) << key;
  for (const char* stage : {"ingest", "lung_mask", "candidates", "measurement", "write"})
    EXPECT_TRUE(summary["timings_s"].contains(stage)) << stage;
  const json& findings = summary["findings"];
  ASSERT_GE(findings.size(), 1u) << "the synthetic study has 3-5 lesions; something must be reported";
  for (const auto& f : findings) {
    for (const char* key : {"center_mm", "long_axis_mm", "short_axis_mm", "volume_mm3", "probability", "type"})
      EXPECT_TRUE(f.contains(key)) << key;
    EXPECT_GE(f["long_axis_mm"].get<double>(), f["short_axis_mm"].get<double>());
    EXPECT_GT(f["probability"].get<double>(), 0.0);
    EXPECT_LE(f["probability"].get<double>(), 1.0);
  }

  // Every DICOM object: zero dciodvfy errors. The SR: zero PixelMed errors.
  const auto& dicom_files = summary["outputs"]["dicom"];
  ASSERT_EQ(dicom_files.size(), 3 + findings.size()) << "SR + SEG + one SC per finding + KOS";
  for (const auto& f : dicom_files) {
    const std::string report = vigil::test::dciodvfy(study + "/" + f.get<std::string>());
    EXPECT_EQ(vigil::test::error_lines(report), 0) << f << "\n" << report;
  }
  const std::string pixelmed = vigil::test::pixelmed_sr_validator(study + "/sr.dcm");
  EXPECT_NE(pixelmed.find("Found Root Template TID_1500"), std::string::npos) << pixelmed;
  EXPECT_EQ(vigil::test::error_lines(pixelmed), 0) << pixelmed;

  // highdicom / pydicom read the same numbers back.
  const auto readback = vigil::test::run_test_script("results/readback.py", study);
  ASSERT_EQ(readback.status, 0) << readback.out;
  const json independent = json::parse(readback.out);
  ASSERT_EQ(independent["sr"].size(), findings.size());
  ASSERT_EQ(independent["seg"].size(), findings.size());

  std::set<std::string> source_instances;
  const vigil::dicom::Catalog catalog = vigil::dicom::scan_catalog(input);
  for (const auto& s : catalog.studies.at(0).series)
    for (const auto& h : s.instances) source_instances.insert(h.sop_instance_uid);

  for (std::size_t i = 0; i < findings.size(); ++i) {
    const json& ours = findings[i];
    const json& sr = independent["sr"][i];
    const json& seg = independent["seg"][i];
    const std::string n = "finding " + std::to_string(i + 1);
    EXPECT_EQ(sr["tracking_uid"], ours["tracking_uid"]) << n;
    EXPECT_EQ(seg["tracking_uid"], ours["tracking_uid"]) << n;
    EXPECT_EQ(sr["finding"], "Nodule") << n;
    // Decimal Strings keep 10 significant digits.
    expect_near_relative(sr["long_axis_mm"], ours["long_axis_mm"], 1e-8, n + " long axis");
    expect_near_relative(sr["short_axis_mm"], ours["short_axis_mm"], 1e-8, n + " short axis");
    expect_near_relative(sr["volume_mm3"], ours["volume_mm3"], 1e-8, n + " volume");
    expect_near_relative(sr["probability"], ours["probability"], 1e-8, n + " probability");
    EXPECT_EQ(sr["graphic_type"], "POLYLINE") << n;
    EXPECT_GE(sr["points"].get<int>(), 4) << n;
    EXPECT_TRUE(source_instances.count(sr["referenced_sop_instance_uid"].get<std::string>()))
        << n << ": " << sr["referenced_sop_instance_uid"] << " is not a source instance";
    // The SEG mask is ours: same voxel volume, same centroid.
    expect_near_relative(seg["volume_mm3"], ours["volume_mm3"], 1e-6, n + " SEG volume");
    for (int a = 0; a < 3; ++a)
      EXPECT_NEAR(seg["centroid_mm"][a].get<double>(), ours["center_mm"][a].get<double>(), 1e-3) << n << " axis " << a;
  }

  // Vigil reads its own SR back (the worklist's path).
  const auto report = vigil::dicom::read_measurement_report(study + "/sr.dcm");
  EXPECT_EQ(report.algorithm_version, summary["algorithm"]["version"]);
  ASSERT_EQ(report.findings.size(), findings.size());
  for (std::size_t i = 0; i < findings.size(); ++i) {
    const auto& f = report.findings[i].finding;
    EXPECT_EQ(f.number, findings[i]["number"]);
    EXPECT_EQ(f.tracking_uid, findings[i]["tracking_uid"]);
    EXPECT_EQ(vigil::lesion_type_name(f.type), findings[i]["type"]);
    expect_near_relative(f.probability, findings[i]["probability"], 1e-8, "probability");
    expect_near_relative(f.long_axis_mm, findings[i]["long_axis_mm"], 1e-8, "long axis");
    EXPECT_EQ(report.findings[i].outline_px.front(), report.findings[i].outline_px.back()) << "outline closed";
  }
}

INSTANTIATE_TEST_SUITE_P(TwoSeeds, ResultsRun, ::testing::Values(31, 32));

TEST(Results, StudyWithoutFindingsGetsAReportSayingSo) {
  TempDir dir("results-none");
  vigil::test::SeriesSpec spec;
  spec.positions = vigil::test::regular_positions({-20, -20, 0}, spec.orientation, 2.0, 6);
  vigil::test::write_series(spec, dir.file("ct"));
  const auto catalog = vigil::dicom::scan_catalog(dir.file("ct"));
  const vigil::dicom::SourceSeries source = vigil::dicom::describe_series(catalog.studies.at(0).series.at(0));
  vigil::dicom::ResultInput input;
  input.source = &source;
  input.algorithm.version = "test";
  const std::string sr = dir.file("sr.dcm");
  vigil::dicom::write_measurement_report(input, sr);

  EXPECT_EQ(vigil::test::error_lines(vigil::test::dciodvfy(sr)), 0) << vigil::test::dciodvfy(sr);
  const std::string pixelmed = vigil::test::pixelmed_sr_validator(sr);
  EXPECT_EQ(vigil::test::error_lines(pixelmed), 0) << pixelmed;
  EXPECT_TRUE(vigil::dicom::read_measurement_report(sr).findings.empty());
  const auto dump = vigil::test::run_command("dsrdump +Pl '" + sr + "'");
  EXPECT_NE(dump.out.find("No lesion candidates were found"), std::string::npos) << dump.out;
  EXPECT_NE(dump.out.find("Research use only"), std::string::npos);
  // A SEG needs a segment: none is written, and the caller is told.
  vigil::LabelVolume labels;
  input.labels = &labels;
  EXPECT_FALSE(vigil::dicom::write_segmentation(input, dir.file("seg.dcm")));
  EXPECT_FALSE(std::filesystem::exists(dir.file("seg.dcm")));
}

TEST(Results, ReaderRefusesWhatIsNotAMeasurementReport) {
  EXPECT_THROW(vigil::dicom::read_measurement_report(vigil::test::real_data("sr-seg-reference/pydicom/reportsi.dcm")),
               vigil::Error);
  EXPECT_THROW(vigil::dicom::read_measurement_report(vigil::test::real_data("edge-cases/SOURCE.txt")), vigil::Error);
}

TEST(RunCli, ExitStatusesSayWhatHappened) {
  TempDir dir("run-cli");
  EXPECT_EQ(vigil::test::run_vigil("run /nonexistent/folder --out " + dir.file("out")).status, 3);
  std::filesystem::create_directories(dir.file("empty"));
  EXPECT_EQ(vigil::test::run_vigil("run " + dir.file("empty") + " --out " + dir.file("out")).status, 4);
  EXPECT_EQ(vigil::test::run_vigil("run " + dir.file("empty")).status, 2) << "--out is required";
  EXPECT_EQ(vigil::test::run_vigil("run " + dir.file("empty") + " --out x --pacs nonsense").status, 2);
}

#ifdef VIGIL_MODELS_DIR
// The networks load while the study is read; weights that pass the hash check but do not fit the
// manifest's architecture still end the run with a usage error naming the model, and no results.
TEST(RunCli, WeightsThatDoNotLoadEndTheRunNamingTheModel) {
  TempDir dir("run-bad-weights");
  const std::string input = synthesize(dir, 33);
  const std::string models = dir.file("models");
  std::filesystem::copy(VIGIL_MODELS_DIR, models, std::filesystem::copy_options::recursive);
  json manifest = json::parse(std::ifstream(models + "/segmenter/manifest.json"));
  manifest["architecture"]["base_channels"] = manifest["architecture"]["base_channels"].get<int>() * 2;
  std::ofstream(models + "/segmenter/manifest.json") << manifest.dump(2);
  const auto r = vigil::test::run_command(vigil::test::vigil_binary() + " run " + input + " --out " + dir.file("out") +
                                          " --models " + models + " 2>&1");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("segmenter"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("does not fit"), std::string::npos) << r.out;
  EXPECT_FALSE(std::filesystem::exists(only_study_folder(dir.file("out")) + "/sr.dcm")) << "results from broken weights";
}
#endif

}  // namespace
