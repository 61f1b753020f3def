#pragma once
// Which compute backend runs the kernels: decided once per process, the fallback logged once.

#include <cstdio>
#include <string>

#include "core/error.h"

namespace vigil::kernels {

enum class Backend { kCpu, kCuda };

/// An opaque CUDA stream (cudaStream_t) so that CPU-only code needs no CUDA headers; nullptr is
/// the default stream.
using Stream = void*;

/// True when this build contains CUDA kernels (VIGIL_WITH_CUDA and nvcc found at build time).
bool built_with_cuda();

/// CUDA devices usable now: 0 in a CPU-only build, without a driver, or without a GPU.
int cuda_device_count();

/// "NVIDIA H100 80GB HBM3 (sm_90, 79 GiB)" for device `index`; empty when there is none.
std::string cuda_device_description(int index = 0);

/// The backend for this process: CUDA when built with it, allowed and a device is present, else
/// CPU. The first call decides and reports why on stderr once (e.g. "no CUDA device: CPU").
Backend default_backend(bool allow_gpu = true);

const char* backend_name(Backend backend);

/// Runs `gpu()`; when it fails with vigil::Error(kDevice) (out of GPU memory for this extent, a
/// launch failure) says so on stderr and runs `cpu()` instead. Other errors propagate.
template <typename Gpu, typename Cpu>
auto with_cpu_fallback(const char* what, Gpu&& gpu, Cpu&& cpu) -> decltype(cpu()) {
  try {
    return gpu();
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kDevice) throw;
    std::fprintf(stderr, "vigil: %s on CUDA failed (%s); running it on the CPU\n", what, e.what());
  }
  return cpu();
}

}  // namespace vigil::kernels
