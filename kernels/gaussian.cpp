// Dispatch of the Gaussian between the CPU reference and CUDA (host memory in and out).
#include "kernels/gaussian.h"

#include "core/error.h"

#ifdef VIGIL_HAVE_CUDA
#include "kernels/device_buffer.h"
#endif

namespace vigil::kernels {

#ifndef VIGIL_HAVE_CUDA
void gaussian_blur_cuda(const float*, float*, float*, Extent3, std::array<float, 3>, Stream) {
  throw Error(ErrorCode::kInvalidArgument, "gaussian_blur_cuda: this build has no CUDA");
}
#endif

void gaussian_blur(const float* in, float* out, Extent3 e, std::array<float, 3> sigma, Backend backend) {
  if (backend == Backend::kCpu || e.count() == 0) return gaussian_blur_cpu(in, out, e, sigma);
#ifdef VIGIL_HAVE_CUDA
  with_cpu_fallback(
      "gaussian_blur",
      [&] {
        DeviceBuffer<float> d_in(e.count()), d_out(e.count()), d_scratch(e.count());
        d_in.upload(in);
        gaussian_blur_cuda(d_in.get(), d_out.get(), d_scratch.get(), e, sigma, nullptr);
        d_out.download(out);
      },
      [&] { gaussian_blur_cpu(in, out, e, sigma); });
#else
  throw Error(ErrorCode::kInvalidArgument, "gaussian_blur: CUDA backend requested in a build without CUDA");
#endif
}

}  // namespace vigil::kernels
