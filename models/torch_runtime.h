#pragma once
// LibTorch's process-wide settings, decided once: intra-op threads and the device models run on.
// No torch header here: other folders include this file.

#include <string>

namespace vigil::models {

struct TorchRuntime {
  std::string version;        ///< LibTorch version, e.g. "2.11.0"
  bool cuda_available = false;
  int cuda_devices = 0;
  int threads = 0;            ///< intra-op threads now in force
};

/// Sets LibTorch's intra-op thread count (0 = all cores; it defaults to one thread here) and
/// reports the runtime.
TorchRuntime configure_torch(unsigned threads = 0);

}  // namespace vigil::models
