#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/parallel.h"
#include "kernels/patches.h"

namespace vigil::kernels {

void gather_patches_cpu(const float* volume, Extent3 e, const Index3* centres, std::size_t count,
                        std::array<int, 3> size, float pad, float* out) {
  const std::size_t patch = std::size_t(size[0]) * size[1] * size[2];
  parallel_for(count, [&](std::size_t n) {
    const Index3 c = centres[n];
    float* dst = out + n * patch;
    for (int z = 0; z < size[2]; ++z)
      for (int y = 0; y < size[1]; ++y)
        for (int x = 0; x < size[0]; ++x) {
          const long i = long(c.i) - size[0] / 2 + x, j = long(c.j) - size[1] / 2 + y, k = long(c.k) - size[2] / 2 + z;
          const bool inside = i >= 0 && j >= 0 && k >= 0 && i < long(e.nx) && j < long(e.ny) && k < long(e.nz);
          dst[(std::size_t(z) * size[1] + y) * size[0] + x] = inside ? volume[i + e.nx * (j + e.ny * k)] : pad;
        }
  });
}

std::vector<Index3> plan_windows(Extent3 e, std::array<int, 3> window, float overlap) {
  if (!(overlap >= 0 && overlap < 1) || window[0] < 1 || window[1] < 1 || window[2] < 1)
    throw Error(ErrorCode::kInvalidArgument, "plan_windows: need window >= 1 and 0 <= overlap < 1");
  const std::size_t n[3] = {e.nx, e.ny, e.nz};
  std::vector<int> starts[3];
  for (int a = 0; a < 3; ++a) {
    const int step = std::max(1, int(std::ceil(window[a] * (1.0f - overlap))));
    const int last = std::max(0, int(n[a]) - window[a]);
    for (int s = 0; s < last; s += step) starts[a].push_back(s);
    starts[a].push_back(last);
  }
  std::vector<Index3> out;
  for (int k : starts[2])
    for (int j : starts[1])
      for (int i : starts[0]) out.push_back({i, j, k});
  return out;
}

std::vector<float> gaussian_importance(std::array<int, 3> w) {
  // Separable: one exp per axis position, not three per voxel (a 96^3 window took 60 ms that way,
  // more than a quarter of a whole GPU sliding-window pass). The products are the same doubles.
  std::array<std::vector<double>, 3> profile;
  for (int a = 0; a < 3; ++a) {
    const double c = (w[a] - 1) / 2.0, s = std::max(1e-6, w[a] / 8.0);
    for (int p = 0; p < w[a]; ++p) profile[a].push_back(std::exp(-0.5 * (p - c) * (p - c) / (s * s)));
  }
  std::vector<float> out(static_cast<std::size_t>(w[0]) * w[1] * w[2]);
  for (int z = 0; z < w[2]; ++z)
    for (int y = 0; y < w[1]; ++y)
      for (int x = 0; x < w[0]; ++x) {
        const double g = 1.0 * profile[0][std::size_t(x)] * profile[1][std::size_t(y)] * profile[2][std::size_t(z)];
        out[(std::size_t(z) * w[1] + y) * w[0] + x] = float(std::max(g, 1e-3));
      }
  return out;
}

void accumulate_window_cpu(const float* pred, const float* imp, Index3 o, std::array<int, 3> w, float* sum,
                           float* weight, Extent3 e) {
  // The window's x range inside the volume, once; then each row is a contiguous, vectorisable run.
  const int x0 = std::max(0, -o.i), x1 = std::min(w[0], int(long(e.nx) - long(o.i)));
  if (x1 <= x0) return;
  parallel_for(std::size_t(w[2]), [&](std::size_t zz) {
    const int z = int(zz);
    const long k = long(o.k) + z;
    if (k < 0 || k >= long(e.nz)) return;
    for (int y = 0; y < w[1]; ++y) {
      const long j = long(o.j) + y;
      if (j < 0 || j >= long(e.ny)) continue;
      const std::size_t p = (std::size_t(z) * w[1] + y) * w[0] + x0, v = (o.i + x0) + e.nx * (j + e.ny * k);
      const float* __restrict row_pred = pred + p;
      const float* __restrict row_imp = imp + p;
      float* __restrict row_sum = sum + v;
      for (int x = 0; x < x1 - x0; ++x) row_sum[x] += row_imp[x] * row_pred[x];
      if (weight) {
        float* __restrict row_weight = weight + v;
        for (int x = 0; x < x1 - x0; ++x) row_weight[x] += row_imp[x];
      }
    }
  }, std::min<unsigned>(hardware_threads(), unsigned(w[2]) / 8 + 1));  // small windows: fewer threads
}

void accumulate_window_channels_cpu(const float* prediction, int channels, const float* importance, Index3 origin,
                                    std::array<int, 3> window, float* sum, float* weight, Extent3 extent) {
  const std::size_t window_voxels = std::size_t(window[0]) * window[1] * window[2];
  for (int c = 0; c < channels; ++c)
    accumulate_window_cpu(prediction + std::size_t(c) * window_voxels, importance, origin, window,
                          sum + std::size_t(c) * extent.count(), c == 0 ? weight : nullptr, extent);
}

void finish_stitch_cpu(const float* sum, const float* weight, float* out, std::size_t count) {
  for (std::size_t v = 0; v < count; ++v) out[v] = weight[v] > 0 ? sum[v] / weight[v] : 0.0f;
}

}  // namespace vigil::kernels
