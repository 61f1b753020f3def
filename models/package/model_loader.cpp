#include "models/package/model_loader.h"

#include <torch/script.h>

#include <memory>

#include "core/error.h"
#include "models/checked_load.h"
#include "models/classifier3d.h"
#include "models/unet3d.h"

namespace vigil::models {
namespace {

// One of Vigil's own networks with the folder's weights, on `device`, held alive inside the
// returned function; forward without autograd.
template <typename Net>
Predictor vigil_network(Net net, const std::string& path, const torch::Device& device, const ModelManifest& m) {
  load_parameters_checked(*net, path, device,
                          "model " + m.name + " " + m.version + " (manifest architecture: base_channels " +
                              std::to_string(m.architecture.base_channels) + ", levels " +
                              std::to_string(m.architecture.levels) + ")");
  net->to(device);
  net->eval();
  return [net](const torch::Tensor& x) mutable {
    torch::NoGradGuard no_grad;
    return net->forward(x);
  };
}

}  // namespace

LoadedModel load_model(const std::string& folder, const torch::Device& device) {
  LoadedModel loaded{read_manifest(folder), device, {}};
  const ModelManifest& m = loaded.manifest;
  const std::string path = verified_weights_path(m);  // never deserialise unverified bytes
  try {
    if (m.format == "torchscript") {
      auto module = std::make_shared<torch::jit::Module>(torch::jit::load(path, device));
      module->eval();
      loaded.predict = [module](const torch::Tensor& x) {
        torch::NoGradGuard no_grad;
        return module->forward({x}).toTensor();
      };
    } else if (m.format == "vigil-unet3d") {
      loaded.predict = vigil_network(
          UNet3d(UNet3dOptions{1, int(m.outputs.size()), m.architecture.base_channels, m.architecture.levels}), path,
          device, m);
    } else {
      loaded.predict =
          vigil_network(Classifier3d(Classifier3dOptions{1, m.architecture.base_channels, m.architecture.levels}), path,
                        device, m);
    }
  } catch (const c10::Error& e) {
    const std::string what = m.format == "torchscript" ? " is not a loadable TorchScript file: " : " does not load as " + m.format + ": ";
    throw Error(ErrorCode::kInvalidArgument, "model " + m.name + " " + m.version + ": " + path + what + e.what_without_backtrace());
  }
  return loaded;
}

}  // namespace vigil::models
