// CUDA side of patch gathering and window accumulation: one thread per patch/window voxel.
#include "kernels/cuda_check.h"
#include "kernels/patches.h"

namespace vigil::kernels {
namespace {

__global__ void gather_kernel(const float* __restrict__ volume, Extent3 e, const Index3* __restrict__ centres,
                              std::size_t count, int px, int py, int pz, float pad, float* __restrict__ out) {
  const std::size_t t = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const std::size_t patch = std::size_t(px) * py * pz;
  if (t >= count * patch) return;
  const std::size_t n = t / patch, r = t % patch;
  const int x = int(r % px), y = int((r / px) % py), z = int(r / (std::size_t(px) * py));
  const Index3 c = centres[n];
  const long i = long(c.i) - px / 2 + x, j = long(c.j) - py / 2 + y, k = long(c.k) - pz / 2 + z;
  const bool inside = i >= 0 && j >= 0 && k >= 0 && i < long(e.nx) && j < long(e.ny) && k < long(e.nz);
  out[t] = inside ? volume[i + e.nx * (j + e.ny * k)] : pad;
}

__global__ void accumulate_kernel(const float* __restrict__ pred, const float* __restrict__ imp, Index3 o, int wx,
                                  int wy, int wz, float* __restrict__ sum, float* __restrict__ weight, Extent3 e) {
  const std::size_t p = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (p >= std::size_t(wx) * wy * wz) return;
  const int x = int(p % wx), y = int((p / wx) % wy), z = int(p / (std::size_t(wx) * wy));
  const long i = long(o.i) + x, j = long(o.j) + y, k = long(o.k) + z;
  if (i < 0 || j < 0 || k < 0 || i >= long(e.nx) || j >= long(e.ny) || k >= long(e.nz)) return;
  const std::size_t v = i + e.nx * (j + e.ny * k);
  // One window per launch: its voxels map to distinct volume voxels, so no atomics are needed.
  sum[v] += imp[p] * pred[p];
  weight[v] += imp[p];
}

}  // namespace

void gather_patches_cuda(const float* volume, Extent3 e, const Index3* centres, std::size_t count,
                         std::array<int, 3> size, float pad, float* out, Stream stream) {
  const std::size_t total = count * std::size_t(size[0]) * size[1] * size[2];
  if (total == 0) return;
  constexpr unsigned kThreads = 256;
  gather_kernel<<<blocks_for(total, kThreads), kThreads, 0, static_cast<cudaStream_t>(stream)>>>(
      volume, e, centres, count, size[0], size[1], size[2], pad, out);
  VIGIL_CUDA_CHECK(cudaGetLastError());
}

void accumulate_window_cuda(const float* pred, const float* imp, Index3 o, std::array<int, 3> w, float* sum,
                            float* weight, Extent3 e, Stream stream) {
  const std::size_t total = std::size_t(w[0]) * w[1] * w[2];
  if (total == 0) return;
  constexpr unsigned kThreads = 256;
  accumulate_kernel<<<blocks_for(total, kThreads), kThreads, 0, static_cast<cudaStream_t>(stream)>>>(
      pred, imp, o, w[0], w[1], w[2], sum, weight, e);
  VIGIL_CUDA_CHECK(cudaGetLastError());
}

}  // namespace vigil::kernels
