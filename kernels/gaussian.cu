// CUDA side of the separable Gaussian: one pass per axis, each block staging a tile of input plus
// its halo in shared memory so every input value is read from global memory about once. Taps are
// summed in the CPU reference's order (-r..r), so both sides add the same products in the same order.
#include "kernels/cuda_check.h"
#include "kernels/gaussian.h"
#include "kernels/grid3.cuh"

namespace vigil::kernels {
namespace {

constexpr int kLanes = 32;       // threads along x in a block
constexpr int kRows = 8;         // threads along the other block dimension
constexpr int kXSteps = 4;       // x pass: outputs per thread along x (tile of 128)
constexpr int kAxisSteps = 8;    // y/z passes: outputs per thread along the axis (tile of 64)
constexpr int kXTile = kLanes * kXSteps, kAxisTile = kRows * kAxisSteps;

__device__ inline long clamp_index(long p, long n) { return p < 0 ? 0 : (p >= n ? n - 1 : p); }

// Taps from the kernel parameter into shared memory: a dynamically indexed parameter array would
// otherwise be copied to local memory per thread.
__device__ inline void load_taps(const Taps& t, float* w) {
  const int tid = threadIdx.y * blockDim.x + threadIdx.x;
  for (int d = tid; d <= 2 * t.radius; d += blockDim.x * blockDim.y) w[d] = t.w[d];
}

// x pass: a block covers 128 outputs along x for 8 rows (j); each warp is one row.
__global__ void blur_x_kernel(const float* __restrict__ in, float* __restrict__ out, Extent3 e, Taps t) {
  __shared__ float w[2 * Taps::kMaxRadius + 1];
  __shared__ float tile[kRows][kXTile + 2 * Taps::kMaxRadius];
  load_taps(t, w);
  const int r = t.radius, lane = threadIdx.x, row = threadIdx.y;
  const long nx = long(e.nx), ny = long(e.ny), i0 = long(blockIdx.x) * kXTile;
  const long j = long(blockIdx.y) * kRows + row;
  for (long k = blockIdx.z; k < long(e.nz); k += gridDim.z) {
    const long base = (j + ny * k) * nx;
    __syncthreads();  // taps loaded; previous slice's tile consumed
    if (j < ny)
      for (int x = lane; x < kXTile + 2 * r; x += kLanes) tile[row][x] = in[base + clamp_index(i0 - r + x, nx)];
    __syncthreads();
    if (j >= ny) continue;
    // Each tap weight is read once for all of this thread's outputs.
    float acc[kXSteps] = {};
    for (int d = -r; d <= r; ++d) {
      const float wd = w[d + r];
#pragma unroll
      for (int s = 0; s < kXSteps; ++s) acc[s] += wd * tile[row][lane + kLanes * s + r + d];
    }
#pragma unroll
    for (int s = 0; s < kXSteps; ++s)
      if (i0 + lane + kLanes * s < nx) out[base + i0 + lane + kLanes * s] = acc[s];
  }
}

// y or z pass: a block covers 32 lanes along x and 64 outputs along the axis, for one position of
// the remaining axis per grid z step.
__global__ void blur_strided_kernel(const float* __restrict__ in, float* __restrict__ out, Extent3 e, int axis,
                                    Taps t) {
  __shared__ float w[2 * Taps::kMaxRadius + 1];
  __shared__ float tile[kAxisTile + 2 * Taps::kMaxRadius][kLanes];
  load_taps(t, w);
  const int r = t.radius, lane = threadIdx.x;
  const long nx = long(e.nx), ny = long(e.ny);
  const long n_axis = axis == 1 ? ny : long(e.nz), n_other = axis == 1 ? long(e.nz) : ny;
  const long i = long(blockIdx.x) * kLanes + lane, p0 = long(blockIdx.y) * kAxisTile;
  for (long other = blockIdx.z; other < n_other; other += gridDim.z) {
    const auto at = [&](long p) { return axis == 1 ? i + nx * (p + ny * other) : i + nx * (other + ny * p); };
    __syncthreads();
    if (i < nx)
      for (int row = threadIdx.y; row < kAxisTile + 2 * r; row += kRows)
        tile[row][lane] = in[at(clamp_index(p0 - r + row, n_axis))];
    __syncthreads();
    if (i >= nx) continue;
    float acc[kAxisSteps] = {};
    for (int d = -r; d <= r; ++d) {
      const float wd = w[d + r];
#pragma unroll
      for (int s = 0; s < kAxisSteps; ++s) acc[s] += wd * tile[threadIdx.y + kRows * s + r + d][lane];
    }
#pragma unroll
    for (int s = 0; s < kAxisSteps; ++s)
      if (p0 + threadIdx.y + kRows * s < n_axis) out[at(p0 + threadIdx.y + kRows * s)] = acc[s];
  }
}

void pass(const float* in, float* out, Extent3 e, int axis, float sigma, Stream stream) {
  const Taps taps = gaussian_taps(sigma);
  const cudaStream_t s = static_cast<cudaStream_t>(stream);
  const dim3 block(kLanes, kRows);
  if (axis == 0) {
    const Launch3 l = launch_3d((e.nx + kXTile - 1) / kXTile, (e.ny + kRows - 1) / kRows, e.nz, 1, 1);
    blur_x_kernel<<<l.grid, block, 0, s>>>(in, out, e, taps);
  } else {
    const std::size_t n_axis = axis == 1 ? e.ny : e.nz, n_other = axis == 1 ? e.nz : e.ny;
    const Launch3 l = launch_3d((e.nx + kLanes - 1) / kLanes, (n_axis + kAxisTile - 1) / kAxisTile, n_other, 1, 1);
    blur_strided_kernel<<<l.grid, block, 0, s>>>(in, out, e, axis, taps);
  }
  VIGIL_CUDA_CHECK(cudaGetLastError());
}

}  // namespace

void gaussian_blur_cuda(const float* in, float* out, float* scratch, Extent3 e, std::array<float, 3> sigma,
                        Stream stream) {
  if (e.count() == 0) return;
  pass(in, out, e, 0, sigma[0], stream);
  pass(out, scratch, e, 1, sigma[1], stream);
  pass(scratch, out, e, 2, sigma[2], stream);
}

}  // namespace vigil::kernels
