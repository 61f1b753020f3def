// `vigil inspect` as a user runs it: the real binary, its JSON keys and its exit statuses.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/command.h"
#include "tests/support/test_paths.h"

namespace {

using vigil::test::CommandResult;

CommandResult run(const std::string& args) { return vigil::test::run_vigil(args); }

}  // namespace

TEST(InspectCli, JsonHasTheStableKeysAndGeometryFindingCodes) {
  const CommandResult r = run("inspect --json " + vigil::test::real_data("ge-head-ct-tilt-varspacing"));
  ASSERT_EQ(r.status, 0);
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["studies"].size(), 1u);
  const auto& s = j["studies"][0]["series"][0];
  for (const char* key : {"series_instance_uid", "modality", "slices", "size", "spacing_mm", "origin_mm", "direction",
                          "transfer_syntax", "geometry_findings"})
    EXPECT_TRUE(s.contains(key)) << key;
  EXPECT_EQ(s["modality"], "CT");
  EXPECT_EQ(s["slices"], 28);
  EXPECT_EQ(s["direction"].size(), 9u);
  EXPECT_EQ(s["size"][0], 512);
  EXPECT_EQ(s["transfer_syntax"], "1.2.840.10008.1.2.1");
  const auto codes = s["geometry_findings"].get<std::vector<std::string>>();
  EXPECT_NE(std::find(codes.begin(), codes.end(), "gantry_tilt"), codes.end());
  EXPECT_NE(std::find(codes.begin(), codes.end(), "uneven_spacing"), codes.end());
  EXPECT_NE(j["notice"].get<std::string>().find("Research use only"), std::string::npos);
}

TEST(InspectCli, SeriesWithoutImagesAreNoImageNotRefused) {
  const CommandResult r = run("inspect --json " + vigil::test::real_data("sr-seg-reference"));
  ASSERT_EQ(r.status, 0);
  int sr = 0;
  const auto report = nlohmann::json::parse(r.out);
  for (const auto& study : report["studies"])
    for (const auto& s : study["series"])
      if (s["modality"] == "SR") {
        EXPECT_EQ(s["volume"], "no_image");
        ++sr;
      }
  EXPECT_GE(sr, 1);
}

TEST(InspectCli, TableNamesSeriesFindingsAndSkippedFiles) {
  const CommandResult r = run("inspect " + vigil::test::real_data("edge-cases"));
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("Skipped files"), std::string::npos);
  EXPECT_NE(r.out.find("MR_truncated.dcm"), std::string::npos);
  // Patient names never appear; only a hash key.
  EXPECT_EQ(r.out.find("CompressedSamples"), std::string::npos);
  EXPECT_NE(r.out.find("patient#"), std::string::npos);
}

TEST(InspectCli, DecodeReportsValueRangesAndSucceedsOnRealChestCt) {
  const CommandResult r = run("inspect --decode --json " + vigil::test::real_data("lidc0314-chest-ct-nodule"));
  ASSERT_EQ(r.status, 0);
  const auto j = nlohmann::json::parse(r.out);
  const auto& d = j["studies"][0]["series"][0]["decoded"];
  EXPECT_TRUE(d["ok"].get<bool>());
  EXPECT_LT(d["min"].get<double>(), -900);
  EXPECT_GT(d["max"].get<double>(), 500);
}

TEST(DevicesCli, ReportsTheBackendAndFallsBackToCpuWithoutAGpu) {
  const CommandResult r = run("devices");
  ASSERT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("CUDA devices: "), std::string::npos);
  // Either a device is present and used, or the CPU is: never neither.
  EXPECT_TRUE(r.out.find("kernels run on: cpu") != std::string::npos ||
              r.out.find("kernels run on: cuda") != std::string::npos)
      << r.out;
  // The networks: LibTorch's CUDA backend is loaded at run time, so with a device they run on it
  // and without one `vigil` says why they run on the CPU.
  const bool gpu = r.out.find("kernels run on: cuda") != std::string::npos;
  EXPECT_NE(r.out.find(gpu ? ") run on: cuda" : ") run on: cpu ("), std::string::npos) << r.out;
}

// `vigil` links LibTorch's CPU library only; its CUDA library (about 235 MiB resident once loaded)
// is opened at run time only where a device is. A process on a machine without one never maps it.
TEST(DevicesCli, WithoutAGpuLibTorchsCudaLibraryIsNeverLoaded) {
  const CommandResult devices = run("devices");
  if (devices.out.find("kernels run on: cuda") != std::string::npos) GTEST_SKIP() << "a CUDA device is present";
  // LD_DEBUG=files lists every object the loader opens, dlopen included.
  const CommandResult r = vigil::test::run_command("LD_DEBUG=files " + std::string(VIGIL_BINARY) + " devices 2>&1");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("libtorch_cpu.so"), std::string::npos) << "LD_DEBUG output not seen";
  EXPECT_EQ(r.out.find("libtorch_cuda.so"), std::string::npos);
}

// LibTorch is a plugin that `vigil` loads when a command needs the networks (cli/torch_plugin.h):
// a command that needs none never maps it (linked in, its initialisers cost 0.5 s at every start).
TEST(DevicesCli, CommandsWithoutNetworksNeverLoadLibTorch) {
  vigil::test::TempDir empty("cli-no-torch");
  const std::vector<std::string> commands{"--version", "inspect " + empty.path(),
                                         "run " + empty.path() + " --no-models --out " + empty.file("out")};
  for (const std::string& args : commands) {
    const CommandResult r = vigil::test::run_command("LD_DEBUG=files " + std::string(VIGIL_BINARY) + " " + args + " 2>&1");
    EXPECT_NE(r.out.find("libc.so"), std::string::npos) << args << ": LD_DEBUG output not seen";
    EXPECT_EQ(r.out.find("libtorch"), std::string::npos) << args;
  }
}

// A plugin that cannot be loaded is an error naming its file and the loader's reason.
TEST(DevicesCli, ALibTorchPluginThatCannotBeLoadedIsNamed) {
  if (run("devices").out.find("networks") == std::string::npos) GTEST_SKIP() << "a build without LibTorch";
  const CommandResult r = vigil::test::run_command("VIGIL_TORCH_PLUGIN=/nonexistent/libvigil_torch.so " +
                                                   std::string(VIGIL_BINARY) + " devices 2>&1");
  EXPECT_NE(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("/nonexistent/libvigil_torch.so"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("No such file"), std::string::npos) << r.out;
}

TEST(InspectCli, ExitStatusesSayWhatHappened) {
  EXPECT_EQ(run("inspect /nonexistent/folder").status, 3);
  vigil::test::TempDir empty("cli-empty");
  EXPECT_EQ(run("inspect " + empty.path()).status, 4);
  EXPECT_EQ(run("inspect").status, 2);
  EXPECT_EQ(run("frobnicate").status, 2);
  EXPECT_EQ(run("--version").status, 0);
}
