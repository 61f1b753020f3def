// Dispatch of kernel 1 between the CPU reference and CUDA (host memory in and out).
#include "kernels/normalize.h"

#include "core/error.h"

#ifdef VIGIL_HAVE_CUDA
#include "kernels/cuda_check.h"
#include "kernels/device_buffer.h"
#endif

namespace vigil::kernels {
namespace {

template <typename In>
void dispatch(const In* in, float* out, std::size_t count, const IntensityTransform& t, Backend backend) {
  if (backend == Backend::kCpu || count == 0) return normalize_cpu(in, out, count, t);
#ifdef VIGIL_HAVE_CUDA
  with_cpu_fallback(
      "normalize",
      [&] {
        DeviceBuffer<In> d_in(count);
        DeviceBuffer<float> d_out(count);
        d_in.upload(in);
        normalize_cuda(d_in.get(), d_out.get(), count, t, nullptr);
        d_out.download(out);  // synchronous copy: waits for the kernel on the default stream
      },
      [&] { normalize_cpu(in, out, count, t); });
#else
  throw Error(ErrorCode::kInvalidArgument, "normalize: CUDA backend requested in a build without CUDA");
#endif
}

}  // namespace

#ifndef VIGIL_HAVE_CUDA
void normalize_cuda(const std::int16_t*, float*, std::size_t, const IntensityTransform&, Stream) {
  throw Error(ErrorCode::kInvalidArgument, "normalize_cuda: this build has no CUDA");
}
void normalize_cuda(const float*, float*, std::size_t, const IntensityTransform&, Stream) {
  throw Error(ErrorCode::kInvalidArgument, "normalize_cuda: this build has no CUDA");
}
#endif

void normalize(const std::int16_t* in, float* out, std::size_t count, const IntensityTransform& t, Backend backend) {
  dispatch(in, out, count, t, backend);
}

void normalize(const float* in, float* out, std::size_t count, const IntensityTransform& t, Backend backend) {
  dispatch(in, out, count, t, backend);
}

}  // namespace vigil::kernels
