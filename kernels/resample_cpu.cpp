#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/parallel.h"
#include "kernels/resample.h"
#include "kernels/resample_sample.h"

namespace vigil::kernels {

AxisMap axis_map(const Geometry& in, const Geometry& out) {
  for (int c = 0; c < 9; ++c)
    if (std::abs(in.direction[c] - out.direction[c]) > 1e-6)
      throw Error(ErrorCode::kInvalidArgument, "resample: grids must share their direction (reorient first)");
  AxisMap m;
  const Vec3 d = sub(out.origin_mm, in.origin_mm);
  for (int a = 0; a < 3; ++a) {
    m.scale[a] = static_cast<float>(out.spacing_mm[a] / in.spacing_mm[a]);
    m.offset[a] = static_cast<float>(dot(d, in.axis(a)) / in.spacing_mm[a]);
  }
  return m;
}

Geometry grid_with_spacing(const Geometry& in, const std::array<double, 3>& spacing) {
  Geometry g = in;
  for (int a = 0; a < 3; ++a) {
    if (!(spacing[a] > 0)) throw Error(ErrorCode::kInvalidArgument, "resample: spacing must be positive");
    g.spacing_mm[a] = spacing[a];
    g.size[a] = in.size[a] == 0 ? 0
                                : static_cast<std::size_t>(std::ceil(in.size[a] * in.spacing_mm[a] / spacing[a] - 1e-6));
  }
  return g;
}

void resample_linear_cpu(const float* in, Extent3 ie, float* out, Extent3 oe, const AxisMap& m, float outside) {
  if (oe.count() == 0) return;
  if (ie.count() == 0) throw Error(ErrorCode::kInvalidArgument, "resample: empty input volume");
  parallel_for(oe.nz, [&](std::size_t k) {
    for (std::size_t j = 0; j < oe.ny; ++j)
      for (std::size_t i = 0; i < oe.nx; ++i)
        out[i + oe.nx * (j + oe.ny * k)] = trilinear_at(in, ie, m, long(i), long(j), long(k), outside);
  });
}

void resample_nearest_cpu(const std::uint16_t* in, Extent3 ie, std::uint16_t* out, Extent3 oe, const AxisMap& m,
                          std::uint16_t outside) {
  if (oe.count() == 0) return;
  if (ie.count() == 0) throw Error(ErrorCode::kInvalidArgument, "resample: empty input volume");
  const long n[3] = {long(ie.nx), long(ie.ny), long(ie.nz)};
  parallel_for(oe.nz, [&](std::size_t k) {
    for (std::size_t j = 0; j < oe.ny; ++j)
      for (std::size_t i = 0; i < oe.nx; ++i) {
        const float p[3] = {i * m.scale[0] + m.offset[0], j * m.scale[1] + m.offset[1], k * m.scale[2] + m.offset[2]};
        long idx[3];
        bool inside = true;
        for (int a = 0; a < 3; ++a) {
          if (p[a] < -0.5f || p[a] >= n[a] - 0.5f) inside = false;
          idx[a] = std::clamp(std::lround(p[a]), 0L, n[a] - 1);
        }
        out[i + oe.nx * (j + oe.ny * k)] = inside ? in[idx[0] + n[0] * (idx[1] + n[1] * idx[2])] : outside;
      }
  });
}

}  // namespace vigil::kernels
