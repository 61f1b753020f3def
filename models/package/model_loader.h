#pragma once
// Loads a model folder onto a device: manifest checked, weights verified against the SHA-256 the
// manifest pins, then the TorchScript module (Vigil's own or one exported elsewhere, e.g. MONAI).
// Includes LibTorch: for models/, its tests and benchmarks only.
#include <torch/script.h>

#include <string>

#include "models/package/model_manifest.h"

namespace vigil::models {

struct LoadedModel {
  ModelManifest manifest;
  torch::jit::Module module;  ///< in eval mode, on the requested device
};

/// Throws vigil::Error: from read_manifest and verified_weights_path, and kInvalidArgument naming
/// the model and the file when the weights are not a loadable TorchScript file.
LoadedModel load_model(const std::string& folder, const torch::Device& device = torch::kCPU);

}  // namespace vigil::models
