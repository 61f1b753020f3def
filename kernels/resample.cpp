// Dispatch of trilinear resampling between the CPU reference and CUDA (host memory in and out).
#include "kernels/resample.h"

#include "core/error.h"

#ifdef VIGIL_HAVE_CUDA
#include "kernels/device_buffer.h"
#endif

namespace vigil::kernels {

#ifndef VIGIL_HAVE_CUDA
void resample_linear_cuda(const float*, Extent3, float*, Extent3, const AxisMap&, float, Stream) {
  throw Error(ErrorCode::kInvalidArgument, "resample_linear_cuda: this build has no CUDA");
}
#endif

void resample_linear(const float* in, Extent3 ie, float* out, Extent3 oe, const AxisMap& m, float outside,
                     Backend backend) {
  if (backend == Backend::kCpu || oe.count() == 0) return resample_linear_cpu(in, ie, out, oe, m, outside);
  if (ie.count() == 0) throw Error(ErrorCode::kInvalidArgument, "resample: empty input volume");
#ifdef VIGIL_HAVE_CUDA
  with_cpu_fallback(
      "resample",
      [&] {
        DeviceBuffer<float> d_in(ie.count()), d_out(oe.count());
        d_in.upload(in);
        resample_linear_cuda(d_in.get(), ie, d_out.get(), oe, m, outside, nullptr);
        d_out.download(out);
      },
      [&] { resample_linear_cpu(in, ie, out, oe, m, outside); });
#else
  throw Error(ErrorCode::kInvalidArgument, "resample_linear: CUDA backend requested in a build without CUDA");
#endif
}

}  // namespace vigil::kernels
