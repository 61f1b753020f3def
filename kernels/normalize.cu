// CUDA side of kernel 1 (see normalize.h). A grid-stride loop: memory bound, one read and one
// write per element.
#include "kernels/cuda_check.h"
#include "kernels/normalize.h"

namespace vigil::kernels {
namespace {

template <typename In>
__global__ void normalize_kernel(const In* __restrict__ in, float* __restrict__ out, std::size_t count,
                                 IntensityTransform t) {
  const std::size_t stride = static_cast<std::size_t>(blockDim.x) * gridDim.x;
  for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < count; i += stride) {
    const float hu = static_cast<float>(in[i]) * t.slope + t.intercept;
    out[i] = fminf(fmaxf(hu, t.window_low), t.window_high) * t.scale + t.shift;
  }
}

template <typename In>
void launch(const In* in, float* out, std::size_t count, const IntensityTransform& t, Stream stream) {
  if (count == 0) return;
  constexpr unsigned kThreads = 256;
  // Enough blocks to fill the GPU several times over; the grid-stride loop covers the rest.
  const unsigned blocks = std::min(blocks_for(count, kThreads), 65535u * 4u);
  normalize_kernel<<<blocks, kThreads, 0, static_cast<cudaStream_t>(stream)>>>(in, out, count, t);
  VIGIL_CUDA_CHECK(cudaGetLastError());
}

}  // namespace

void normalize_cuda(const std::int16_t* in, float* out, std::size_t count, const IntensityTransform& t,
                    Stream stream) {
  launch(in, out, count, t, stream);
}

void normalize_cuda(const float* in, float* out, std::size_t count, const IntensityTransform& t, Stream stream) {
  launch(in, out, count, t, stream);
}

}  // namespace vigil::kernels
