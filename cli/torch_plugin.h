#pragma once
// The part of `vigil` that links LibTorch lives in a plugin, lib/vigil/libvigil_torch.so beside the
// binary's bin/, loaded when a command first needs the networks. Loading LibTorch runs its operator
// registry's initialisers (about half a second of CPU): the commands that need no network, and
// every command's start, no longer pay for it, and `vigil run` loads it while it reads the study.
// Torch-free header: the binary and the plugin both include it.
#include <memory>
#include <string>

#include "cli/train_command.h"
#include "models/lesion_models.h"
#include "models/torch_runtime.h"

namespace vigil::cli {

/// What the plugin offers; one table, handed out by its `vigil_torch_plugin` entry point.
struct TorchPlugin {
  std::unique_ptr<models::LesionModels> (*load_lesion_models)(const std::string& folder, bool use_cuda);
  models::TorchRuntime (*configure_torch)(unsigned threads, bool want_cuda);
  int (*run_train)(TrainArgs args);
};

/// Raised whenever TorchPlugin changes: the entry point refuses a binary that asks for another.
inline constexpr int kTorchPluginAbi = 1;

/// The plugin's file: $VIGIL_TORCH_PLUGIN when set, else ../lib/vigil/libvigil_torch.so from the
/// folder of the running binary.
std::string torch_plugin_path();

/// Loads the plugin once (thread-safe; never unloaded). Throws vigil::Error (kInternal: the
/// installation is broken) naming the file and the loader's reason when it cannot be loaded or
/// comes from another build.
const TorchPlugin& torch_plugin();

}  // namespace vigil::cli
