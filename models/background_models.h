#pragma once
// Lesion models whose networks load on a thread of their own. LibTorch's start-up (its operator
// registry, about half a second), its CUDA backend, the CUDA context and the first inference cost
// about a second on a GPU machine: `vigil run` reads the study and finds candidates meanwhile.
// Torch-free: the loading itself is the caller's function (in `vigil`, through the LibTorch plugin).
#include <functional>
#include <memory>
#include <string>

#include "models/lesion_models.h"

namespace vigil::models {

using LesionModelsLoader = std::function<std::unique_ptr<LesionModels>()>;

/// Reads FOLDER/classifier and FOLDER/segmenter's manifests and checks their weights' SHA-256
/// before it returns (throws vigil::Error naming the folder: nothing unverified is loaded), then
/// runs `load` on a thread of its own. The result's classifier() and segmenter() answer at once;
/// everything else waits for `load` and throws what it threw.
std::unique_ptr<LesionModels> load_in_background(const std::string& folder, LesionModelsLoader load);

}  // namespace vigil::models
