#pragma once
// `--models DIR` / `--no-models` for the commands that detect (run, serve, eval): which trained
// networks the pipeline uses. Default: the weights shipped in the source tree (models/weights).
#include <CLI/CLI.hpp>

#include <memory>
#include <string>

namespace vigil::models {
class LesionModels;
}

namespace vigil::cli {

struct ModelsArgs {
  std::string folder;       ///< empty: the shipped weights
  bool none = false;        ///< the classical detector alone
  bool cpu = false;         ///< keep the networks on the CPU even with a CUDA device
  bool segmenter_candidates = false;  ///< pipeline::AnalysisOptions::segmenter_candidates
};

void add_models_options(CLI::App& cmd, ModelsArgs& args);

/// The networks to use, or nullptr for the classical detector (asked for, or this build has no
/// LibTorch, or the default folder holds no weights: said on stderr). A folder named with --models
/// whose manifests or weight hashes are wrong is an error (vigil::Error naming it). The networks
/// themselves go on loading in the background.
std::shared_ptr<const models::LesionModels> load_lesion_models(const ModelsArgs& args);

/// Waits for load_lesion_models' networks (nothing to wait for when `models` is null); throws the
/// load's vigil::Error, e.g. weights that do not fit the manifest's architecture.
void wait_until_loaded(const models::LesionModels* models);

}  // namespace vigil::cli
