#include "models/package/model_loader.h"

#include <torch/script.h>

#include <memory>

#include "core/error.h"
#include "models/classifier3d.h"
#include "models/unet3d.h"

namespace vigil::models {
namespace {

// Holds the network alive inside the returned function; forward without autograd.
template <typename Net>
Predictor predictor_of(Net net) {
  net->eval();
  return [net](const torch::Tensor& x) mutable {
    torch::NoGradGuard no_grad;
    return net->forward(x);
  };
}

// torch::load replaces parameters whatever their shape: compare them with the architecture's.
template <typename Net>
void load_weights(Net& net, const std::string& path, const torch::Device& device, const ModelManifest& m) {
  std::vector<std::pair<std::string, std::vector<std::int64_t>>> expected;
  for (const auto& p : net->named_parameters()) expected.emplace_back(p.key(), p.value().sizes().vec());
  torch::load(net, path, device);
  const auto loaded = net->named_parameters();
  for (const auto& [name, shape] : expected) {
    const auto* p = loaded.find(name);
    if (!p || p->sizes().vec() != shape)
      throw Error(ErrorCode::kInvalidArgument, "model " + m.name + " " + m.version + ": " + path +
                                                   " does not fit the manifest's architecture (base_channels " +
                                                   std::to_string(m.architecture.base_channels) + ", levels " +
                                                   std::to_string(m.architecture.levels) + "): parameter " + name +
                                                   (p ? " has another shape" : " is missing"));
  }
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
      UNet3d net(UNet3dOptions{1, int(m.outputs.size()), m.architecture.base_channels, m.architecture.levels});
      load_weights(net, path, device, m);
      net->to(device);
      loaded.predict = predictor_of(net);
    } else {
      Classifier3d net(Classifier3dOptions{1, m.architecture.base_channels, m.architecture.levels});
      load_weights(net, path, device, m);
      net->to(device);
      loaded.predict = predictor_of(net);
    }
  } catch (const c10::Error& e) {
    const std::string what = m.format == "torchscript" ? " is not a loadable TorchScript file: " : " does not load as " + m.format + ": ";
    throw Error(ErrorCode::kInvalidArgument, "model " + m.name + " " + m.version + ": " + path + what + e.what_without_backtrace());
  }
  return loaded;
}

}  // namespace vigil::models
