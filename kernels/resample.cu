// CUDA side of trilinear resampling: one thread per output voxel.
#include "kernels/cuda_check.h"
#include "kernels/grid3.cuh"
#include "kernels/resample.h"
#include "kernels/resample_sample.h"

namespace vigil::kernels {
namespace {

template <typename Index>
__global__ void resample_kernel(const float* __restrict__ in, Extent3 ie, float* __restrict__ out, Extent3 oe,
                                AxisMap m, float outside) {
  long i, j;
  if (!thread_ij(oe.nx, oe.ny, i, j)) return;
  for (long k = blockIdx.z; k < long(oe.nz); k += gridDim.z)
    out[i + long(oe.nx) * (j + long(oe.ny) * k)] = trilinear_at<Index>(in, ie, m, Index(i), Index(j), Index(k), outside);
}

}  // namespace

void resample_linear_cuda(const float* in, Extent3 ie, float* out, Extent3 oe, const AxisMap& m, float outside,
                          Stream stream) {
  if (oe.count() == 0) return;
  const Launch3 l = launch_3d(oe);
  const cudaStream_t s = static_cast<cudaStream_t>(stream);
  // 32-bit index arithmetic whenever every input index fits.
  if (ie.count() < (std::size_t(1) << 31))
    resample_kernel<int><<<l.grid, l.block, 0, s>>>(in, ie, out, oe, m, outside);
  else
    resample_kernel<long><<<l.grid, l.block, 0, s>>>(in, ie, out, oe, m, outside);
  VIGIL_CUDA_CHECK(cudaGetLastError());
}

}  // namespace vigil::kernels
