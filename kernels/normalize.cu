// CUDA side of kernel 1 (see normalize.h). Memory bound: a grid-stride loop that moves four
// elements per thread and access (8- or 16-byte loads, 16-byte stores) when the pointers allow,
// and one element at a time for the tail or unaligned pointers (a tensor's storage offset).
#include <cstdint>

#include "kernels/cuda_check.h"
#include "kernels/normalize.h"

namespace vigil::kernels {
namespace {

template <typename In>
struct Vector4;
template <>
struct Vector4<std::int16_t> {
  using type = short4;
};
template <>
struct Vector4<float> {
  using type = float4;
};

__device__ inline float map_value(float value, const IntensityTransform& t) {
  const float hu = value * t.slope + t.intercept;
  return fminf(fmaxf(hu, t.window_low), t.window_high) * t.scale + t.shift;
}

template <typename In>
__global__ void normalize_kernel(const In* __restrict__ in, float* __restrict__ out, std::size_t count,
                                 IntensityTransform t) {
  const std::size_t stride = static_cast<std::size_t>(blockDim.x) * gridDim.x;
  for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < count; i += stride)
    out[i] = map_value(static_cast<float>(in[i]), t);
}

template <typename In>
__global__ void normalize4_kernel(const typename Vector4<In>::type* __restrict__ in, float4* __restrict__ out,
                                  std::size_t count4, IntensityTransform t) {
  const std::size_t stride = static_cast<std::size_t>(blockDim.x) * gridDim.x;
  for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < count4; i += stride) {
    const auto v = in[i];
    out[i] = make_float4(map_value(float(v.x), t), map_value(float(v.y), t), map_value(float(v.z), t),
                         map_value(float(v.w), t));
  }
}

template <typename In>
void launch(const In* in, float* out, std::size_t count, const IntensityTransform& t, Stream stream) {
  if (count == 0) return;
  constexpr unsigned kThreads = 256;
  const cudaStream_t s = static_cast<cudaStream_t>(stream);
  const auto aligned = [](const void* p, std::size_t bytes) { return reinterpret_cast<std::uintptr_t>(p) % bytes == 0; };
  std::size_t done = 0;
  if (aligned(in, 4 * sizeof(In)) && aligned(out, 16) && count >= 4) {
    const std::size_t count4 = count / 4;
    // Enough blocks to fill the GPU several times over; the grid-stride loop covers the rest.
    const unsigned blocks = std::min(blocks_for(count4, kThreads), 65535u * 4u);
    normalize4_kernel<In><<<blocks, kThreads, 0, s>>>(reinterpret_cast<const typename Vector4<In>::type*>(in),
                                                      reinterpret_cast<float4*>(out), count4, t);
    VIGIL_CUDA_CHECK(cudaGetLastError());
    done = count4 * 4;
  }
  if (done < count) {
    const std::size_t rest = count - done;
    const unsigned blocks = std::min(blocks_for(rest, kThreads), 65535u * 4u);
    normalize_kernel<<<blocks, kThreads, 0, s>>>(in + done, out + done, rest, t);
    VIGIL_CUDA_CHECK(cudaGetLastError());
  }
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
