// Dispatch of connected components between the CPU reference and CUDA (host mask in).
#include "kernels/components.h"

#include "core/error.h"

#ifdef VIGIL_HAVE_CUDA
#include "kernels/device_buffer.h"
#endif

namespace vigil::kernels {

#ifndef VIGIL_HAVE_CUDA
Components connected_components_cuda(const std::uint8_t*, Extent3, Stream) {
  throw Error(ErrorCode::kInvalidArgument, "connected_components_cuda: this build has no CUDA");
}
#endif

Components connected_components(const std::uint8_t* mask, Extent3 e, Backend backend) {
  if (backend == Backend::kCpu || e.count() == 0) return connected_components_cpu(mask, e);
#ifdef VIGIL_HAVE_CUDA
  return with_cpu_fallback(
      "connected components",
      [&] {
        DeviceBuffer<std::uint8_t> d_mask(e.count());
        d_mask.upload(mask);
        return connected_components_cuda(d_mask.get(), e, nullptr);
      },
      [&] { return connected_components_cpu(mask, e); });
#else
  throw Error(ErrorCode::kInvalidArgument, "connected_components: CUDA backend requested in a build without CUDA");
#endif
}

}  // namespace vigil::kernels
