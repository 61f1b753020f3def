// CUDA side of trilinear resampling: one thread per output voxel.
#include "kernels/cuda_check.h"
#include "kernels/resample.h"
#include "kernels/resample_sample.h"

namespace vigil::kernels {
namespace {

__global__ void resample_kernel(const float* __restrict__ in, Extent3 ie, float* __restrict__ out, Extent3 oe,
                                AxisMap m, float outside) {
  const std::size_t v = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (v >= oe.count()) return;
  const long i = long(v % oe.nx), j = long((v / oe.nx) % oe.ny), k = long(v / (oe.nx * oe.ny));
  out[v] = trilinear_at(in, ie, m, i, j, k, outside);
}

}  // namespace

void resample_linear_cuda(const float* in, Extent3 ie, float* out, Extent3 oe, const AxisMap& m, float outside,
                          Stream stream) {
  if (oe.count() == 0) return;
  constexpr unsigned kThreads = 256;
  resample_kernel<<<blocks_for(oe.count(), kThreads), kThreads, 0, static_cast<cudaStream_t>(stream)>>>(in, ie, out, oe,
                                                                                                     m, outside);
  VIGIL_CUDA_CHECK(cudaGetLastError());
}

}  // namespace vigil::kernels
