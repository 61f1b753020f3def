// CUDA side of the blob response: Gaussian per scale, then a measure-and-max pass.
#include "kernels/blob_filter.h"
#include "kernels/blob_measure.h"
#include "kernels/cuda_check.h"
#include "kernels/gaussian.h"
#include "kernels/grid3.cuh"

namespace vigil::kernels {
namespace {

__global__ void measure_max_kernel(const float* __restrict__ blurred, float* __restrict__ response,
                                   std::uint8_t* __restrict__ scale_index, Extent3 e, float ix, float iy, float iz,
                                   float norm, bool dot, int scale) {
  long i, j;
  if (!thread_ij(e.nx, e.ny, i, j)) return;
  const long nx = long(e.nx), ny = long(e.ny), nz = long(e.nz);
  for (long k = blockIdx.z; k < nz; k += gridDim.z) {
    const long v = i + nx * (j + ny * k);
    const float r = blob_measure_at(blurred, e, i, j, k, ix, iy, iz, norm, dot);
    if (scale == 0 || r > response[v]) {
      response[v] = r;
      if (scale_index) scale_index[v] = static_cast<std::uint8_t>(scale);
    }
  }
}

}  // namespace

void log_blob_response_cuda(const float* in, float* response, std::uint8_t* scale_index, float* scratch, Extent3 e,
                            const BlobScales& scales, Stream stream) {
  if (e.count() == 0) return;
  float* blurred = scratch;
  float* tmp = scratch + e.count();
  const float ix = 1.0f / scales.spacing_mm[0], iy = 1.0f / scales.spacing_mm[1], iz = 1.0f / scales.spacing_mm[2];
  const bool dot = scales.measure == BlobMeasure::kHessianDot;
  const Launch3 l = launch_3d(e);
  for (std::size_t s = 0; s < scales.sigma_mm.size(); ++s) {
    const float sigma = scales.sigma_mm[s];
    gaussian_blur_cuda(in, blurred, tmp, e,
                       {sigma / scales.spacing_mm[0], sigma / scales.spacing_mm[1], sigma / scales.spacing_mm[2]}, stream);
    measure_max_kernel<<<l.grid, l.block, 0, static_cast<cudaStream_t>(stream)>>>(
        blurred, response, scale_index, e, ix, iy, iz, sigma * sigma, dot, static_cast<int>(s));
    VIGIL_CUDA_CHECK(cudaGetLastError());
  }
}

}  // namespace vigil::kernels
