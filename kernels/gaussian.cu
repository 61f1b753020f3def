// CUDA side of the separable Gaussian: one thread per output voxel and axis pass.
#include "kernels/cuda_check.h"
#include "kernels/gaussian.h"

namespace vigil::kernels {
namespace {

__global__ void blur_axis_kernel(const float* __restrict__ in, float* __restrict__ out, Extent3 e, int axis, Taps t) {
  const std::size_t idx = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (idx >= e.count()) return;
  const long nx = long(e.nx), ny = long(e.ny);
  const long i = long(idx % e.nx), j = long((idx / e.nx) % e.ny), k = long(idx / (e.nx * e.ny));
  const long n = axis == 0 ? nx : axis == 1 ? ny : long(e.nz);
  const long stride = axis == 0 ? 1 : axis == 1 ? nx : nx * ny;
  const long pos = axis == 0 ? i : axis == 1 ? j : k;
  const long base = long(idx) - pos * stride;
  float acc = 0.0f;
  for (int d = -t.radius; d <= t.radius; ++d) {
    const long p = min(max(pos + d, 0L), n - 1);
    acc += t.w[d + t.radius] * in[base + p * stride];
  }
  out[idx] = acc;
}

void pass(const float* in, float* out, Extent3 e, int axis, float sigma, Stream stream) {
  constexpr unsigned kThreads = 256;
  blur_axis_kernel<<<blocks_for(e.count(), kThreads), kThreads, 0, static_cast<cudaStream_t>(stream)>>>(
      in, out, e, axis, gaussian_taps(sigma));
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
