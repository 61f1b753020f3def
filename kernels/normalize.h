#pragma once
// Kernel 1: intensity conversion for the models. Stored or HU values (int16 or float) →
// out = clamp(in * slope + intercept, window_low, window_high) * scale + shift, as float.
// Windowing to [0, 1] and z-scoring are both this one affine-clamp-affine map.

#include <cstddef>
#include <cstdint>

#include "kernels/device.h"

namespace vigil::kernels {

struct IntensityTransform {
  float slope = 1.0f;        ///< rescale of the input (1 for HU input)
  float intercept = 0.0f;
  float window_low = -1000.0f;   ///< HU; values below clamp here (NaN maps here too)
  float window_high = 400.0f;    ///< HU; values above (and +Inf) clamp here
  float scale = 1.0f / 1400.0f;  ///< applied after clamping
  float shift = 1000.0f / 1400.0f;

  /// Maps [low, high] HU linearly onto [0, 1].
  static IntensityTransform window(float low_hu, float high_hu);
};

/// CPU reference, multi-threaded over all cores. `in` and `out` are host arrays of `count` values.
void normalize_cpu(const std::int16_t* in, float* out, std::size_t count, const IntensityTransform& t);
void normalize_cpu(const float* in, float* out, std::size_t count, const IntensityTransform& t);

/// CUDA launch on device pointers, asynchronous on `stream` (no synchronisation). Throws
/// vigil::Error(kDevice) on launch failure, kInvalidArgument in a CPU-only build.
void normalize_cuda(const std::int16_t* in_device, float* out_device, std::size_t count,
                    const IntensityTransform& t, Stream stream);
void normalize_cuda(const float* in_device, float* out_device, std::size_t count, const IntensityTransform& t,
                    Stream stream);

/// Host arrays in and out on the chosen backend: on CUDA it copies in, launches, copies back and
/// synchronises. The entry point for callers that hold host memory. `out` may be `in` (the map is
/// element by element; the device copy back is the last step, after which nothing can fall back).
void normalize(const std::int16_t* in, float* out, std::size_t count, const IntensityTransform& t,
               Backend backend = default_backend());
void normalize(const float* in, float* out, std::size_t count, const IntensityTransform& t,
               Backend backend = default_backend());

}  // namespace vigil::kernels
