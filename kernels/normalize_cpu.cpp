#include <algorithm>
#include <cmath>

#include "core/parallel.h"
#include "kernels/normalize.h"

namespace vigil::kernels {
namespace {

// The specification of the kernel: written for clarity.
inline float apply(float v, const IntensityTransform& t) {
  const float hu = v * t.slope + t.intercept;
  // fmax/fmin return the non-NaN operand: NaN lands on window_low, as the header promises.
  const float clamped = std::fmin(std::fmax(hu, t.window_low), t.window_high);
  return clamped * t.scale + t.shift;
}

template <typename In>
void run(const In* in, float* out, std::size_t count, const IntensityTransform& t) {
  constexpr std::size_t kChunk = 1 << 16;
  const std::size_t chunks = (count + kChunk - 1) / kChunk;
  parallel_for(chunks, [&](std::size_t c) {
    const std::size_t end = std::min(count, (c + 1) * kChunk);
    for (std::size_t i = c * kChunk; i < end; ++i) out[i] = apply(static_cast<float>(in[i]), t);
  });
}

}  // namespace

IntensityTransform IntensityTransform::window(float low_hu, float high_hu) {
  IntensityTransform t;
  t.window_low = low_hu;
  t.window_high = high_hu;
  t.scale = 1.0f / (high_hu - low_hu);
  t.shift = -low_hu / (high_hu - low_hu);
  return t;
}

void normalize_cpu(const std::int16_t* in, float* out, std::size_t count, const IntensityTransform& t) {
  run(in, out, count, t);
}

void normalize_cpu(const float* in, float* out, std::size_t count, const IntensityTransform& t) {
  run(in, out, count, t);
}

}  // namespace vigil::kernels
