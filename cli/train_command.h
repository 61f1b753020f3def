#pragma once
// `vigil train segmenter|classifier --config FILE --out DIR`: trains one network on synthetic
// studies (models/training/trainer.h) and, where the build has the manifest code, packages OUT as
// a model folder (manifest.json pinning weights.pt by SHA-256).
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "models/training/trainer.h"

namespace vigil::cli {

struct TrainArgs {
  models::TrainConfig config;
  std::vector<double> spacing_mm{1.0, 1.0, 1.0};
  std::vector<int> patch_zyx{32, 32, 32};
  std::string model_version = "0.1.0";
  double max_minutes = 0;
  std::string config_file;  ///< recorded in the manifest's training description
};

/// Adds `train` to `app`; the options' values land in `args`.
CLI::App* add_train_command(CLI::App& app, TrainArgs& args);

int run_train(TrainArgs args);

}  // namespace vigil::cli
