// Dispatch of patch gathering between the CPU reference and CUDA (host memory in and out).
#include "kernels/patches.h"

#include "core/error.h"

#ifdef VIGIL_HAVE_CUDA
#include "kernels/device_buffer.h"
#endif

namespace vigil::kernels {

#ifndef VIGIL_HAVE_CUDA
void gather_patches_cuda(const float*, Extent3, const Index3*, std::size_t, std::array<int, 3>, float, float*, Stream) {
  throw Error(ErrorCode::kInvalidArgument, "gather_patches_cuda: this build has no CUDA");
}
void accumulate_window_cuda(const float*, const float*, Index3, std::array<int, 3>, float*, float*, Extent3, Stream) {
  throw Error(ErrorCode::kInvalidArgument, "accumulate_window_cuda: this build has no CUDA");
}
void accumulate_window_channels_cuda(const void*, bool, int, const float*, Index3, std::array<int, 3>, float*, float*,
                                     Extent3, Stream) {
  throw Error(ErrorCode::kInvalidArgument, "accumulate_window_channels_cuda: this build has no CUDA");
}
#endif

void gather_patches(const float* volume, Extent3 e, const std::vector<Index3>& centres, std::array<int, 3> size,
                    float pad, float* out, Backend backend) {
  if (backend == Backend::kCpu || centres.empty())
    return gather_patches_cpu(volume, e, centres.data(), centres.size(), size, pad, out);
#ifdef VIGIL_HAVE_CUDA
  with_cpu_fallback(
      "gather_patches",
      [&] {
        const std::size_t total = centres.size() * std::size_t(size[0]) * size[1] * size[2];
        DeviceBuffer<float> d_volume(e.count()), d_out(total);
        DeviceBuffer<Index3> d_centres(centres.size());
        d_volume.upload(volume);
        d_centres.upload(centres.data());
        gather_patches_cuda(d_volume.get(), e, d_centres.get(), centres.size(), size, pad, d_out.get(), nullptr);
        d_out.download(out);
      },
      [&] { gather_patches_cpu(volume, e, centres.data(), centres.size(), size, pad, out); });
#else
  throw Error(ErrorCode::kInvalidArgument, "gather_patches: CUDA backend requested in a build without CUDA");
#endif
}

}  // namespace vigil::kernels
