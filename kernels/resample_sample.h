#pragma once
// The trilinear sample shared verbatim by the CPU reference and the CUDA kernel.

#include "kernels/extent.h"
#include "kernels/resample.h"

namespace vigil::kernels {

/// `Index` is the integer type of the index arithmetic: the GPU uses 32-bit ints when the volume
/// allows (64-bit integer arithmetic costs several instructions there), the CPU 64-bit.
template <typename Index = long>
VIGIL_HOST_DEVICE inline float trilinear_at(const float* in, Extent3 e, const AxisMap& m, Index i, Index j, Index k,
                                            float outside) {
  const float x = float(i) * m.scale[0] + m.offset[0], y = float(j) * m.scale[1] + m.offset[1], z = float(k) * m.scale[2] + m.offset[2];
  const Index n[3] = {Index(e.nx), Index(e.ny), Index(e.nz)};
  // ITK's IsInsideBuffer: [-0.5, n - 0.5) along every axis.
  if (x < -0.5f || y < -0.5f || z < -0.5f || x >= n[0] - 0.5f || y >= n[1] - 0.5f || z >= n[2] - 0.5f) return outside;
  const float p[3] = {x, y, z};
  Index lo[3], hi[3];
  float f[3];
  for (int a = 0; a < 3; ++a) {
    const float fl = floorf(p[a]);
    f[a] = p[a] - fl;
    lo[a] = Index(fl);
    hi[a] = lo[a] + 1;
    lo[a] = lo[a] < 0 ? 0 : (lo[a] >= n[a] ? n[a] - 1 : lo[a]);
    hi[a] = hi[a] < 0 ? 0 : (hi[a] >= n[a] ? n[a] - 1 : hi[a]);
  }
  auto at = [&](Index a, Index b, Index c) { return in[a + n[0] * (b + n[1] * c)]; };
  const float c00 = at(lo[0], lo[1], lo[2]) * (1 - f[0]) + at(hi[0], lo[1], lo[2]) * f[0];
  const float c10 = at(lo[0], hi[1], lo[2]) * (1 - f[0]) + at(hi[0], hi[1], lo[2]) * f[0];
  const float c01 = at(lo[0], lo[1], hi[2]) * (1 - f[0]) + at(hi[0], lo[1], hi[2]) * f[0];
  const float c11 = at(lo[0], hi[1], hi[2]) * (1 - f[0]) + at(hi[0], hi[1], hi[2]) * f[0];
  const float c0 = c00 * (1 - f[1]) + c10 * f[1], c1 = c01 * (1 - f[1]) + c11 * f[1];
  return c0 * (1 - f[2]) + c1 * f[2];
}

}  // namespace vigil::kernels
