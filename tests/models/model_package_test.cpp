// Model folders: a manifest with the weights' SHA-256 loads a TorchScript file written by Python
// (as a model exported elsewhere would be); tampered weights, malformed manifests and missing
// folders are refused with errors that name the file, the field or both hashes.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "core/error.h"
#include "models/package/model_loader.h"
#include "tests/models/python_model.h"
#include "tests/models/temp_folder.h"

namespace vigil::models {
namespace {

class ModelFolder : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(test::export_pointwise_net(dir_ + "/net.pt", 2));
    manifest_ = {{"name", "test-pointwise"},
                 {"version", "1.2.3"},
                 {"kind", "segmenter"},
                 {"format", "torchscript"},
                 {"weights", "net.pt"},
                 {"sha256", sha256_of_file(dir_ + "/net.pt")},
                 {"input_spacing_mm", {0.8, 0.8, 1.0}},
                 {"intensity_window_hu", {-1000, 400}},
                 {"patch_size_zyx", {32, 64, 64}},
                 {"outputs", {"background", "lesion"}},
                 {"training_data", "none: a test network"},
                 {"intended_use", "tests only"}};
  }
  void write_manifest(const nlohmann::json& j) { std::ofstream(dir_ + "/manifest.json") << j.dump(2); }
  // The error message when loading, or "" when it loads.
  std::string load_error() {
    try {
      load_model(dir_);
      return "";
    } catch (const Error& e) {
      return e.what();
    }
  }
  const test::TempFolder folder_;
  const std::string& dir_ = folder_.path;
  nlohmann::json manifest_;
};

TEST_F(ModelFolder, ManifestPinnedWeightsLoadAndRun) {
  write_manifest(manifest_);
  // The hash agrees with an independent implementation (coreutils).
  FILE* pipe = ::popen(("sha256sum " + dir_ + "/net.pt").c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  char line[128] = {};
  ASSERT_NE(std::fgets(line, sizeof line, pipe), nullptr);
  ::pclose(pipe);
  EXPECT_EQ(std::string(line).substr(0, 64), manifest_["sha256"].get<std::string>());

  const LoadedModel m = load_model(dir_);
  EXPECT_EQ(m.manifest.name, "test-pointwise");
  EXPECT_EQ(m.manifest.patch_size_zyx, (std::array<int, 3>{32, 64, 64}));
  EXPECT_EQ(m.manifest.outputs.size(), 2u);
  const torch::Tensor out = m.predict(torch::rand({1, 1, 4, 4, 4}));
  EXPECT_EQ(out.sizes(), torch::IntArrayRef({1, 2, 4, 4, 4}));
}

TEST_F(ModelFolder, TamperedWeightsAreRefusedNamingBothHashes) {
  write_manifest(manifest_);
  std::ofstream(dir_ + "/net.pt", std::ios::app) << '\0';  // one byte more
  const std::string error = load_error();
  EXPECT_NE(error.find("refusing"), std::string::npos) << error;
  EXPECT_NE(error.find(dir_ + "/net.pt"), std::string::npos) << error;
  EXPECT_NE(error.find(manifest_["sha256"].get<std::string>()), std::string::npos) << error;
  EXPECT_NE(error.find(sha256_of_file(dir_ + "/net.pt")), std::string::npos) << error;
}

TEST_F(ModelFolder, MalformedManifestsNameTheField) {
  const std::vector<std::pair<std::string, nlohmann::json>> cases = {
      {"sha256", nullptr},             // missing
      {"sha256", "abc"},               // not 64 hex digits
      {"kind", "detector"},            // unknown kind
      {"format", "onnx"},              // a format Vigil does not load
      {"weights", "../net.pt"},        // outside the folder
      {"patch_size_zyx", {32, 64}},    // wrong length
      {"intensity_window_hu", {400, -1000}},
      {"outputs", nlohmann::json::array()},
      {"operating_threshold", 1.5},
      {"test_time_augmentation", "rotations"}};
  for (const auto& [field, value] : cases) {
    nlohmann::json m = manifest_;
    if (value.is_null()) m.erase(field);
    else m[field] = value;
    write_manifest(m);
    const std::string error = load_error();
    EXPECT_NE(error.find("'" + field + "'"), std::string::npos) << field << ": " << error;
    EXPECT_NE(error.find(dir_ + "/manifest.json"), std::string::npos) << error;
  }
  std::ofstream(dir_ + "/manifest.json") << "{ not json";
  EXPECT_NE(load_error().find("not valid JSON"), std::string::npos);
}

TEST_F(ModelFolder, MissingManifestOrUnloadableWeightsAreErrors) {
  EXPECT_NE(load_error().find("no model manifest"), std::string::npos);
  // Pinned correctly, but not TorchScript.
  std::ofstream(dir_ + "/net.pt", std::ios::trunc) << "not a model";
  manifest_["sha256"] = sha256_of_file(dir_ + "/net.pt");
  write_manifest(manifest_);
  EXPECT_NE(load_error().find("not a loadable TorchScript file"), std::string::npos) << load_error();
}

}  // namespace
}  // namespace vigil::models
