#include "kernels/device.h"

#include <cstdio>
#include <mutex>

#ifdef VIGIL_HAVE_CUDA
#include <cuda_runtime.h>
#endif

namespace vigil::kernels {

bool built_with_cuda() {
#ifdef VIGIL_HAVE_CUDA
  return true;
#else
  return false;
#endif
}

int cuda_device_count() {
#ifdef VIGIL_HAVE_CUDA
  // Without a driver cudaGetDeviceCount fails (error 35) and may leave the count unset.
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky error so later calls start clean
    return 0;
  }
  return count;
#else
  return 0;
#endif
}

std::string cuda_device_description(int index) {
#ifdef VIGIL_HAVE_CUDA
  if (index < 0 || index >= cuda_device_count()) return {};
  cudaDeviceProp prop{};
  if (cudaGetDeviceProperties(&prop, index) != cudaSuccess) return {};
  char buffer[512];
  std::snprintf(buffer, sizeof buffer, "%s (sm_%d%d, %.0f GiB)", prop.name, prop.major, prop.minor,
                static_cast<double>(prop.totalGlobalMem) / (1024.0 * 1024.0 * 1024.0));
  return buffer;
#else
  (void)index;
  return {};
#endif
}

Backend default_backend(bool allow_gpu) {
  static std::once_flag once;
  static Backend chosen = Backend::kCpu;
  std::call_once(once, [&] {
    const char* why = nullptr;
    if (!allow_gpu) why = "GPU disabled by configuration";
    else if (!built_with_cuda()) why = "built without CUDA";
    else if (cuda_device_count() == 0) why = "no CUDA device or driver";
    if (why) {
      std::fprintf(stderr, "vigil: kernels run on the CPU (%s)\n", why);
    } else {
      chosen = Backend::kCuda;
      std::fprintf(stderr, "vigil: kernels run on CUDA device 0: %s\n", cuda_device_description(0).c_str());
    }
  });
  return chosen;
}

const char* backend_name(Backend backend) { return backend == Backend::kCuda ? "cuda" : "cpu"; }

}  // namespace vigil::kernels
