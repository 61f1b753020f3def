// libvigil_torch.so's entry point (cli/torch_plugin.h): the LibTorch functions `vigil` calls.
#include "cli/torch_plugin.h"

extern "C" __attribute__((visibility("default"))) const vigil::cli::TorchPlugin* vigil_torch_plugin(int abi) {
  static const vigil::cli::TorchPlugin plugin{&vigil::models::load_torch_lesion_models,
                                              &vigil::models::configure_torch, &vigil::cli::run_train};
  return abi == vigil::cli::kTorchPluginAbi ? &plugin : nullptr;
}
