#pragma once
// 3-D launches over a volume, for .cu files only: threads along x (i) are adjacent in memory, so
// loads coalesce, and no thread divides a 64-bit linear index to find its (i, j, k) (64-bit
// division costs dozens of instructions on the GPU). Slices beyond the grid's z limit are covered
// by a grid-stride loop over k.
#include <cuda_runtime.h>

#include <algorithm>

#include "kernels/cuda_check.h"
#include "kernels/extent.h"

namespace vigil::kernels {

struct Launch3 {
  dim3 grid, block;
};

/// Blocks of `bx` x `by` threads over (nx, ny), one block row per slice (up to 65535 slices at once).
inline Launch3 launch_3d(std::size_t nx, std::size_t ny, std::size_t nz, unsigned bx = 64, unsigned by = 4) {
  const auto blocks = [](std::size_t n, unsigned b) { return unsigned(std::max<std::size_t>(1, (n + b - 1) / b)); };
  return {dim3(blocks(nx, bx), blocks(ny, by), unsigned(std::clamp<std::size_t>(nz, 1, 65535))), dim3(bx, by, 1)};
}
inline Launch3 launch_3d(Extent3 e) { return launch_3d(e.nx, e.ny, e.nz); }

/// This thread's (i, j) and first k; false when (i, j) lies outside. Loop: for (k = first; k < nz; k += gridDim.z).
__device__ inline bool thread_ij(std::size_t nx, std::size_t ny, long& i, long& j) {
  i = long(blockIdx.x) * blockDim.x + threadIdx.x;
  j = long(blockIdx.y) * blockDim.y + threadIdx.y;
  return i < long(nx) && j < long(ny);
}

}  // namespace vigil::kernels
