#pragma once
// Turns CUDA runtime errors into vigil::Error(kDevice). Include only from .cu/.cpp files built
// with CUDA.

#include <cuda_runtime.h>

#include <string>

#include "core/error.h"

#define VIGIL_CUDA_CHECK(expr)                                                                      \
  do {                                                                                              \
    const cudaError_t vigil_cuda_status = (expr);                                                   \
    if (vigil_cuda_status != cudaSuccess)                                                           \
      throw ::vigil::Error(::vigil::ErrorCode::kDevice, std::string(#expr) + " failed: " +          \
                                                            cudaGetErrorString(vigil_cuda_status)); \
  } while (0)

namespace vigil::kernels {

/// Blocks of `threads` covering `n` items (at least one block, so empty launches stay valid).
inline unsigned blocks_for(std::size_t n, unsigned threads) {
  const std::size_t blocks = (n + threads - 1) / threads;
  return static_cast<unsigned>(blocks == 0 ? 1 : blocks);
}

}  // namespace vigil::kernels
