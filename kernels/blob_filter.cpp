// Dispatch of the LoG blob response between the CPU reference and CUDA (host memory in and out).
#include "kernels/blob_filter.h"

#include "core/error.h"

#ifdef VIGIL_HAVE_CUDA
#include "kernels/device_buffer.h"
#endif

namespace vigil::kernels {

#ifndef VIGIL_HAVE_CUDA
void log_blob_response_cuda(const float*, float*, std::uint8_t*, float*, Extent3, const BlobScales&, Stream) {
  throw Error(ErrorCode::kInvalidArgument, "log_blob_response_cuda: this build has no CUDA");
}
#endif

void log_blob_response(const float* in, float* response, std::uint8_t* scale_index, Extent3 e,
                       const BlobScales& scales, Backend backend, const std::uint8_t* needed) {
  if (scales.sigma_mm.empty() || scales.sigma_mm.size() > 255)
    throw Error(ErrorCode::kInvalidArgument, "blob filter: need 1..255 scales");
  if (backend == Backend::kCpu || e.count() == 0)
    return log_blob_response_cpu(in, response, scale_index, e, scales, needed);
#ifdef VIGIL_HAVE_CUDA
  with_cpu_fallback(
      "blob response",
      [&] {
        DeviceBuffer<float> d_in(e.count()), d_response(e.count()), d_scratch(2 * e.count());
        DeviceBuffer<std::uint8_t> d_scale(scale_index ? e.count() : 0);
        d_in.upload(in);
        log_blob_response_cuda(d_in.get(), d_response.get(), scale_index ? d_scale.get() : nullptr, d_scratch.get(), e,
                               scales, nullptr);
        d_response.download(response);
        if (scale_index) d_scale.download(scale_index);
      },
      [&] { log_blob_response_cpu(in, response, scale_index, e, scales, needed); });
#else
  throw Error(ErrorCode::kInvalidArgument, "log_blob_response: CUDA backend requested in a build without CUDA");
#endif
}

}  // namespace vigil::kernels
