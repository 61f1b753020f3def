// CUDA side of patch gathering and window accumulation: 3-D launches over patch/window voxels.
#include <cuda_fp16.h>

#include "kernels/cuda_check.h"
#include "kernels/grid3.cuh"
#include "kernels/patches.h"

namespace vigil::kernels {
namespace {

// Threads over (x, y) of a patch row; grid z over (patch, z) pairs.
__global__ void gather_kernel(const float* __restrict__ volume, Extent3 e, const Index3* __restrict__ centres,
                              std::size_t count, int px, int py, int pz, float pad, float* __restrict__ out) {
  long x, y;
  if (!thread_ij(std::size_t(px), std::size_t(py), x, y)) return;
  for (long nz_index = blockIdx.z; nz_index < long(count) * pz; nz_index += gridDim.z) {
    const long n = nz_index / pz, z = nz_index % pz;  // once per thread and row, not per voxel
    const Index3 c = centres[n];
    const long i = long(c.i) - px / 2 + x, j = long(c.j) - py / 2 + y, k = long(c.k) - pz / 2 + z;
    const bool inside = i >= 0 && j >= 0 && k >= 0 && i < long(e.nx) && j < long(e.ny) && k < long(e.nz);
    out[(nz_index * py + y) * px + x] = inside ? volume[i + long(e.nx) * (j + long(e.ny) * k)] : pad;
  }
}

__device__ inline float as_float(float v) { return v; }
__device__ inline float as_float(__half v) { return __half2float(v); }

// All channels of one window: the importance and the weight are read and written once. One window
// per launch: its voxels map to distinct volume voxels, so no atomics are needed.
template <typename T>
__global__ void accumulate_channels_kernel(const T* __restrict__ pred, const float* __restrict__ imp, Index3 o, int wx,
                                           int wy, int wz, int channels, float* __restrict__ sum,
                                           float* __restrict__ weight, Extent3 e) {
  long x, y;
  if (!thread_ij(std::size_t(wx), std::size_t(wy), x, y)) return;
  const long i = long(o.i) + x, j = long(o.j) + y;
  if (i < 0 || j < 0 || i >= long(e.nx) || j >= long(e.ny)) return;
  const long window_voxels = long(wx) * wy * wz, volume_voxels = long(e.nx) * long(e.ny) * long(e.nz);
  for (long z = blockIdx.z; z < wz; z += gridDim.z) {
    const long k = long(o.k) + z;
    if (k < 0 || k >= long(e.nz)) continue;
    const long p = (z * wy + y) * wx + x, v = i + long(e.nx) * (j + long(e.ny) * k);
    const float w = imp[p];
    for (int c = 0; c < channels; ++c) sum[c * volume_voxels + v] += w * as_float(pred[c * window_voxels + p]);
    if (weight) weight[v] += w;
  }
}

}  // namespace

void accumulate_window_channels_cuda(const void* pred, bool fp16, int channels, const float* imp, Index3 o,
                                     std::array<int, 3> w, float* sum, float* weight, Extent3 e, Stream stream) {
  if (std::size_t(w[0]) * w[1] * w[2] == 0 || channels < 1) return;
  const Launch3 l = launch_3d(std::size_t(w[0]), std::size_t(w[1]), std::size_t(w[2]));
  const auto s = static_cast<cudaStream_t>(stream);
  if (fp16)
    accumulate_channels_kernel<<<l.grid, l.block, 0, s>>>(static_cast<const __half*>(pred), imp, o, w[0], w[1], w[2],
                                                          channels, sum, weight, e);
  else
    accumulate_channels_kernel<<<l.grid, l.block, 0, s>>>(static_cast<const float*>(pred), imp, o, w[0], w[1], w[2],
                                                          channels, sum, weight, e);
  VIGIL_CUDA_CHECK(cudaGetLastError());
}

void gather_patches_cuda(const float* volume, Extent3 e, const Index3* centres, std::size_t count,
                         std::array<int, 3> size, float pad, float* out, Stream stream) {
  const std::size_t total = count * std::size_t(size[0]) * size[1] * size[2];
  if (total == 0) return;
  const Launch3 l = launch_3d(std::size_t(size[0]), std::size_t(size[1]), count * std::size_t(size[2]));
  gather_kernel<<<l.grid, l.block, 0, static_cast<cudaStream_t>(stream)>>>(
      volume, e, centres, count, size[0], size[1], size[2], pad, out);
  VIGIL_CUDA_CHECK(cudaGetLastError());
}

void accumulate_window_cuda(const float* pred, const float* imp, Index3 o, std::array<int, 3> w, float* sum,
                            float* weight, Extent3 e, Stream stream) {
  accumulate_window_channels_cuda(pred, false, 1, imp, o, w, sum, weight, e, stream);
}

}  // namespace vigil::kernels
