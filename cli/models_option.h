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
};

void add_models_options(CLI::App& cmd, ModelsArgs& args);

/// The networks to use, or nullptr for the classical detector (asked for, or this build has no
/// LibTorch, or the default folder holds no weights: said on stderr). A folder named with --models
/// that does not load is an error (vigil::Error naming it).
std::shared_ptr<const models::LesionModels> load_lesion_models(const ModelsArgs& args);

}  // namespace vigil::cli
