#pragma once
// Loads a model folder onto a device: manifest checked, weights verified against the SHA-256 the
// manifest pins, then the network: a TorchScript module (Vigil's own or one exported elsewhere,
// e.g. MONAI) or one of Vigil's C++ networks rebuilt from the manifest and filled from the weights.
// Includes LibTorch: for models/, its tests and benchmarks only.
#include <torch/torch.h>

#include <string>

#include "models/package/model_manifest.h"
#include "models/sliding_window.h"

namespace vigil::models {

struct LoadedModel {
  ModelManifest manifest;
  torch::Device device = torch::kCPU;
  /// The network in eval mode on `device`: a float N x 1 x D x H x W batch in, its outputs out
  /// (N x C x D x H x W for a segmenter, N x 1 logits for a classifier). No gradients are kept.
  Predictor predict;
};

/// Throws vigil::Error: from read_manifest and verified_weights_path, and kInvalidArgument naming
/// the model and the file when the weights do not load into the network the manifest describes.
LoadedModel load_model(const std::string& folder, const torch::Device& device = torch::kCPU);

}  // namespace vigil::models
