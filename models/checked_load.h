#pragma once
// Reading saved weights into one of Vigil's networks. torch's own load replaces each parameter
// with whatever tensor the file holds, whatever its shape; a file written for another width or
// depth would load without complaint and fail (or, worse, run) later. This compares every
// parameter's shape with the network's. Includes LibTorch: for models/ only.
#include <torch/torch.h>

#include <string>

namespace vigil::models {

/// Reads `path` (torch::save of a module) into `net` on `device`. Throws vigil::Error
/// (kInvalidArgument) "`who`: PATH does not fit the network: parameter NAME has another shape"
/// (or "is missing"); torch's own errors (an unreadable file) pass through as c10::Error.
void load_parameters_checked(torch::nn::Module& net, const std::string& path, const torch::Device& device,
                             const std::string& who);

}  // namespace vigil::models
