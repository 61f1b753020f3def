// CUDA side of the LoG blob response: Gaussian per scale, then a Laplacian-and-max pass.
#include "kernels/blob_filter.h"
#include "kernels/cuda_check.h"
#include "kernels/gaussian.h"

namespace vigil::kernels {
namespace {

__global__ void laplacian_max_kernel(const float* __restrict__ blurred, float* __restrict__ response,
                                     std::uint8_t* __restrict__ scale_index, Extent3 e, float ix2, float iy2,
                                     float iz2, float norm, int scale) {
  const std::size_t v = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (v >= e.count()) return;
  const long nx = long(e.nx), ny = long(e.ny), nz = long(e.nz);
  const long i = long(v % e.nx), j = long((v / e.nx) % e.ny), k = long(v / (e.nx * e.ny));
  auto at = [&](long a, long b, long c) {
    return blurred[min(max(a, 0L), nx - 1) + nx * (min(max(b, 0L), ny - 1) + ny * min(max(c, 0L), nz - 1))];
  };
  const float centre = at(i, j, k);
  const float lap = (at(i + 1, j, k) - 2 * centre + at(i - 1, j, k)) * ix2 +
                    (at(i, j + 1, k) - 2 * centre + at(i, j - 1, k)) * iy2 +
                    (at(i, j, k + 1) - 2 * centre + at(i, j, k - 1)) * iz2;
  const float r = -norm * lap;
  if (scale == 0 || r > response[v]) {
    response[v] = r;
    if (scale_index) scale_index[v] = static_cast<std::uint8_t>(scale);
  }
}

}  // namespace

void log_blob_response_cuda(const float* in, float* response, std::uint8_t* scale_index, float* scratch, Extent3 e,
                            const BlobScales& scales, Stream stream) {
  if (e.count() == 0) return;
  float* blurred = scratch;
  float* tmp = scratch + e.count();
  const float ix2 = 1.0f / (scales.spacing_mm[0] * scales.spacing_mm[0]);
  const float iy2 = 1.0f / (scales.spacing_mm[1] * scales.spacing_mm[1]);
  const float iz2 = 1.0f / (scales.spacing_mm[2] * scales.spacing_mm[2]);
  constexpr unsigned kThreads = 256;
  for (std::size_t s = 0; s < scales.sigma_mm.size(); ++s) {
    const float sigma = scales.sigma_mm[s];
    gaussian_blur_cuda(in, blurred, tmp, e,
                       {sigma / scales.spacing_mm[0], sigma / scales.spacing_mm[1], sigma / scales.spacing_mm[2]}, stream);
    laplacian_max_kernel<<<blocks_for(e.count(), kThreads), kThreads, 0, static_cast<cudaStream_t>(stream)>>>(
        blurred, response, scale_index, e, ix2, iy2, iz2, sigma * sigma, static_cast<int>(s));
    VIGIL_CUDA_CHECK(cudaGetLastError());
  }
}

}  // namespace vigil::kernels
