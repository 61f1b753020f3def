// `vigil eval` as a user runs it: synthetic studies with ground truth in, eval.json (with a
// top-level cpm) and froc.png out; a study with broken ground truth is reported and the others
// still scored; --no-models scores the classical detector and says so.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/command.h"
#include "tests/support/test_paths.h"

namespace {

using vigil::test::CommandResult;

struct EvalSet {
  std::string root;
  int lesions = 0;
};

// Two small held-out studies (seeds far from the training seeds) written by `vigil synth`; seed
// 9401 gives them six lesions of 5.7-12.5 mm (9400 gave none, which left the lesion checks empty).
const EvalSet& eval_set() {
  static const EvalSet set = [] {
    static const vigil::test::TempDir dir("eval");  // removed at exit
    EvalSet s{dir.path()};
    const CommandResult r = vigil::test::run_vigil("synth --out " + s.root + "/data --studies 2 --seed 9401 --slices 50:60");
    if (r.status != 0) return s;
    for (const char* study : {"study_0000", "study_0001"}) {
      std::ifstream in(s.root + "/data/" + study + "/truth.json");
      s.lesions += int(nlohmann::json::parse(in)["lesions"].size());
    }
    return s;
  }();
  return set;
}

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

TEST(EvalCli, WritesEvalJsonWithCpmAndAFrocPlot) {
  const EvalSet& s = eval_set();
  ASSERT_GT(s.lesions, 0) << "the synthetic set has no lesion to evaluate";
  const CommandResult r = vigil::test::run_vigil("eval --data " + s.root + "/data --out " + s.root + "/out");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("CPM"), std::string::npos) << r.out;
  const auto j = read_json(s.root + "/out/eval.json");
  ASSERT_TRUE(j.contains("cpm"));
  EXPECT_GE(j["cpm"].get<double>(), 0.0);
  EXPECT_LE(j["cpm"].get<double>(), 1.0);
  EXPECT_EQ(j["studies"], 2);
  EXPECT_EQ(j["froc"]["lesions"], s.lesions);
  EXPECT_EQ(j["lesion_outcomes"].size(), std::size_t(s.lesions));
  EXPECT_EQ(j["froc"]["sensitivity_at_fp_per_study"].size(), 7u);
  EXPECT_NE(j["algorithm"].get<std::string>().find("classifier"), std::string::npos) << j["algorithm"];
  EXPECT_NE(j["notice"].get<std::string>().find("Synthetic"), std::string::npos);
  // Candidate recall counts the lesions >= 4 mm that the candidate list (before NMS) hits; every
  // lesion a scored mark hits was hit by that list, since the marks are what is left of it.
  int lesions_4mm = 0, with_candidate = 0;
  for (const auto& l : j["lesion_outcomes"]) {
    if (l["best_probability"].get<double>() > 0) {
      EXPECT_TRUE(l["has_candidate"].get<bool>()) << l;
    }
    if (l["diameter_mm"].get<double>() >= 4.0) ++lesions_4mm, with_candidate += l["has_candidate"].get<bool>();
  }
  EXPECT_EQ(j["candidate_recall_4mm_and_larger"]["lesions"], lesions_4mm);
  EXPECT_EQ(j["candidate_recall_4mm_and_larger"]["with_candidate"], with_candidate);
  EXPECT_GT(with_candidate, 0);
  EXPECT_NE(r.out.find("candidates: " + std::to_string(with_candidate) + " of " + std::to_string(lesions_4mm)), std::string::npos)
      << r.out;
  std::ifstream png(s.root + "/out/froc.png", std::ios::binary);
  char magic[8] = {};
  png.read(magic, 8);
  EXPECT_EQ(std::string(magic + 1, 3), "PNG");
}

TEST(EvalCli, BrokenGroundTruthIsReportedAndTheOtherStudiesScored) {
  const EvalSet& s = eval_set();
  const std::string data = s.root + "/broken";
  ASSERT_EQ(vigil::test::run_command("mkdir -p " + data + " && cp -r " + s.root + "/data/study_0000 " + data +
                                     "/ && mkdir -p " + data + "/study_0009/dicom && echo '{not json' > " + data +
                                     "/study_0009/truth.json").status, 0);
  const CommandResult r = vigil::test::run_vigil("eval --no-models --data " + data + " --out " + s.root + "/broken-out");
  EXPECT_EQ(r.status, 1) << r.out;  // some inputs failed, the rest scored
  const auto j = read_json(s.root + "/broken-out/eval.json");
  EXPECT_EQ(j["studies"], 1);
  ASSERT_EQ(j["failed"].size(), 1u);
  EXPECT_NE(j["failed"][0].get<std::string>().find("study_0009"), std::string::npos) << j["failed"];
  EXPECT_NE(j["failed"][0].get<std::string>().find("truth.json"), std::string::npos) << j["failed"];
  EXPECT_NE(j["algorithm"].get<std::string>().find("candidate detector"), std::string::npos) << j["algorithm"];
}

TEST(EvalCli, FolderWithoutStudiesIsInputMissing) {
  const vigil::test::TempDir empty("eval-empty");
  EXPECT_EQ(vigil::test::run_vigil("eval --data " + empty.path() + " --out " + empty.file("out")).status, 3);
}

}  // namespace
