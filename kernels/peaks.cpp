// Dispatch of peak finding between the CPU reference and CUDA (host memory in).
#include "kernels/peaks.h"

#include "core/error.h"

#ifdef VIGIL_HAVE_CUDA
#include "kernels/device_buffer.h"
#endif

namespace vigil::kernels {

#ifndef VIGIL_HAVE_CUDA
std::vector<Peak> find_peaks_cuda(const float*, const std::uint8_t*, const std::uint8_t*, Extent3, const PeakOptions&,
                                  Stream) {
  throw Error(ErrorCode::kInvalidArgument, "find_peaks_cuda: this build has no CUDA");
}
#endif

std::vector<Peak> find_peaks(const float* v, const std::uint8_t* scale, const std::uint8_t* mask, Extent3 e,
                             const PeakOptions& o, Backend backend) {
  if (backend == Backend::kCpu || e.count() == 0) return find_peaks_cpu(v, scale, mask, e, o);
#ifdef VIGIL_HAVE_CUDA
  return with_cpu_fallback(
      "find_peaks",
      [&] {
        DeviceBuffer<float> d_v(e.count());
        DeviceBuffer<std::uint8_t> d_scale(scale ? e.count() : 0), d_mask(mask ? e.count() : 0);
        d_v.upload(v);
        if (scale) d_scale.upload(scale);
        if (mask) d_mask.upload(mask);
        return find_peaks_cuda(d_v.get(), scale ? d_scale.get() : nullptr, mask ? d_mask.get() : nullptr, e, o,
                               nullptr);
      },
      [&] { return find_peaks_cpu(v, scale, mask, e, o); });
#else
  throw Error(ErrorCode::kInvalidArgument, "find_peaks: CUDA backend requested in a build without CUDA");
#endif
}

}  // namespace vigil::kernels
