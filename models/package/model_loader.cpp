#include "models/package/model_loader.h"

#include "core/error.h"

namespace vigil::models {

LoadedModel load_model(const std::string& folder, const torch::Device& device) {
  LoadedModel loaded{read_manifest(folder), {}};
  const std::string path = verified_weights_path(loaded.manifest);  // never deserialise unverified bytes
  try {
    loaded.module = torch::jit::load(path, device);
  } catch (const c10::Error& e) {
    throw Error(ErrorCode::kInvalidArgument, "model " + loaded.manifest.name + " " + loaded.manifest.version + ": " +
                                                 path + " is not a loadable TorchScript file: " + e.what_without_backtrace());
  }
  loaded.module.eval();
  return loaded;
}

}  // namespace vigil::models
