// CUDA side of trilinear resampling: one thread per output voxel.
#include "kernels/cuda_check.h"
#include "kernels/grid3.cuh"
#include "kernels/resample.h"
#include "kernels/resample_sample.h"

namespace vigil::kernels {
namespace {

__global__ void resample_kernel(const float* __restrict__ in, Extent3 ie, float* __restrict__ out, Extent3 oe,
                                AxisMap m, float outside) {
  long i, j;
  if (!thread_ij(oe.nx, oe.ny, i, j)) return;
  for (long k = blockIdx.z; k < long(oe.nz); k += gridDim.z)
    out[i + long(oe.nx) * (j + long(oe.ny) * k)] = trilinear_at(in, ie, m, i, j, k, outside);
}

}  // namespace

void resample_linear_cuda(const float* in, Extent3 ie, float* out, Extent3 oe, const AxisMap& m, float outside,
                          Stream stream) {
  if (oe.count() == 0) return;
  const Launch3 l = launch_3d(oe);
  resample_kernel<<<l.grid, l.block, 0, static_cast<cudaStream_t>(stream)>>>(in, ie, out, oe, m, outside);
  VIGIL_CUDA_CHECK(cudaGetLastError());
}

}  // namespace vigil::kernels
