#include "models/torch_runtime.h"

#include <dlfcn.h>
#include <torch/torch.h>

#include <mutex>
#include <string>

#include "core/parallel.h"

namespace vigil::models {
namespace {

// The CUDA driver's own count (libcuda, no runtime library): a machine without a GPU or a driver
// loads nothing more.
std::string driver_devices(int& count) {
  count = 0;
  void* driver = ::dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!driver) return "no CUDA driver";
  using Init = int (*)(unsigned);
  using DeviceCount = int (*)(int*);
  const auto init = reinterpret_cast<Init>(::dlsym(driver, "cuInit"));
  const auto device_count = reinterpret_cast<DeviceCount>(::dlsym(driver, "cuDeviceGetCount"));
  if (!init || !device_count || init(0) != 0 || device_count(&count) != 0 || count == 0) {
    count = 0;
    return "no CUDA device";
  }
  return {};
}

// libtorch_cuda from the folder LibTorch's CPU library was loaded from; its static initialisers
// register the CUDA kernels and hooks. Done before anything asks torch about CUDA, because
// LibTorch remembers the first answer.
std::string load_torch_cuda() {
  int devices = 0;
  if (std::string why = driver_devices(devices); !why.empty()) return why;
  Dl_info self{};
  if (!::dladdr(reinterpret_cast<void*>(&at::set_num_threads), &self) || !self.dli_fname)
    return "cannot locate LibTorch's libraries";
  std::string folder = self.dli_fname;
  folder = folder.substr(0, folder.find_last_of('/') + 1);
  if (!::dlopen((folder + "libtorch_cuda.so").c_str(), RTLD_NOW | RTLD_GLOBAL))
    return std::string("LibTorch's CUDA backend could not be loaded: ") + ::dlerror();
  return {};
}

}  // namespace

TorchRuntime configure_torch(unsigned threads, bool want_cuda) {
  static std::mutex mutex;
  static bool attempted = false;  // LibTorch is asked about CUDA only after the attempt
  static std::string cuda_note;
  {
    std::lock_guard lock(mutex);
    if (want_cuda && !attempted) cuda_note = load_torch_cuda(), attempted = true;
  }
  at::set_num_threads(static_cast<int>(threads == 0 ? hardware_threads() : threads));
  TorchRuntime r;
  r.version = TORCH_VERSION;
  r.threads = at::get_num_threads();
  if (!attempted) {
    r.cuda_note = "CUDA not requested";
    return r;
  }
  r.cuda_available = torch::cuda::is_available();
  r.cuda_devices = static_cast<int>(torch::cuda::device_count());
  if (!r.cuda_available) r.cuda_note = cuda_note.empty() ? "LibTorch reports no CUDA device" : cuda_note;
  return r;
}

}  // namespace vigil::models
