#include <algorithm>
#include <cmath>
#include <vector>

#include "core/error.h"
#include "core/parallel.h"
#include "kernels/gaussian.h"

namespace vigil::kernels {

Taps gaussian_taps(float sigma_vox) {
  Taps t;
  if (!(sigma_vox > 0)) {
    t.w[0] = 1.0f;
    return t;
  }
  t.radius = static_cast<int>(std::ceil(3.0f * sigma_vox));
  if (t.radius > Taps::kMaxRadius)
    throw Error(ErrorCode::kInvalidArgument,
                "gaussian: sigma " + std::to_string(sigma_vox) + " voxels needs more than 64 taps each side");
  double sum = 0;
  for (int x = -t.radius; x <= t.radius; ++x) sum += std::exp(-0.5 * x * x / (double(sigma_vox) * sigma_vox));
  for (int x = -t.radius; x <= t.radius; ++x)
    t.w[x + t.radius] = static_cast<float>(std::exp(-0.5 * x * x / (double(sigma_vox) * sigma_vox)) / sum);
  return t;
}

namespace {

// One axis of the separable filter: out = taps along `axis` of in (edges replicated).
void blur_axis(const float* in, float* out, Extent3 e, int axis, const Taps& t) {
  const long n[3] = {long(e.nx), long(e.ny), long(e.nz)};
  const long stride[3] = {1, long(e.nx), long(e.nx * e.ny)};
  parallel_for(e.nz, [&](std::size_t kk) {
    const long k = long(kk);
    for (long j = 0; j < n[1]; ++j)
      for (long i = 0; i < n[0]; ++i) {
        const long pos[3] = {i, j, k};
        const long base = i + n[0] * (j + n[1] * k) - pos[axis] * stride[axis];
        float acc = 0.0f;
        for (int d = -t.radius; d <= t.radius; ++d) {
          const long p = std::clamp(pos[axis] + d, 0L, n[axis] - 1);
          acc += t.w[d + t.radius] * in[base + p * stride[axis]];
        }
        out[i + n[0] * (j + n[1] * k)] = acc;
      }
  });
}

}  // namespace

void gaussian_blur_cpu(const float* in, float* out, Extent3 e, std::array<float, 3> sigma_vox) {
  if (e.count() == 0) return;
  std::vector<float> scratch(e.count());
  blur_axis(in, out, e, 0, gaussian_taps(sigma_vox[0]));
  blur_axis(out, scratch.data(), e, 1, gaussian_taps(sigma_vox[1]));
  blur_axis(scratch.data(), out, e, 2, gaussian_taps(sigma_vox[2]));
}

}  // namespace vigil::kernels
