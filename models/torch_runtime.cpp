#include "models/torch_runtime.h"

#include <torch/torch.h>

#include "core/parallel.h"

namespace vigil::models {

TorchRuntime configure_torch(unsigned threads) {
  at::set_num_threads(static_cast<int>(threads == 0 ? hardware_threads() : threads));
  TorchRuntime r;
  r.version = TORCH_VERSION;
  r.cuda_available = torch::cuda::is_available();
  r.cuda_devices = static_cast<int>(torch::cuda::device_count());
  r.threads = at::get_num_threads();
  return r;
}

}  // namespace vigil::models
