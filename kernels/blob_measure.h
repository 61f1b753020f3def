#pragma once
// Per-voxel blob measure from the blurred volume's Hessian (finite differences, edges replicated),
// shared verbatim by the CPU reference and the CUDA kernel.

#include <cmath>

#include "kernels/extent.h"

namespace vigil::kernels {

/// Eigenvalues of the symmetric 3x3 matrix [a b c; b d e; c e f], ascending (closed form).
VIGIL_HOST_DEVICE inline void symmetric_eigenvalues(float a, float b, float c, float d, float e, float f,
                                                    float out[3]) {
  const float p1 = b * b + c * c + e * e;
  const float q = (a + d + f) / 3.0f;
  if (p1 <= 1e-20f * (a * a + d * d + f * f + 1e-30f)) {
    float x = a, y = d, z = f, t;
    if (x > y) t = x, x = y, y = t;
    if (y > z) t = y, y = z, z = t;
    if (x > y) t = x, x = y, y = t;
    out[0] = x, out[1] = y, out[2] = z;
    return;
  }
  const float p2 = (a - q) * (a - q) + (d - q) * (d - q) + (f - q) * (f - q) + 2.0f * p1;
  const float p = sqrtf(p2 / 6.0f);
  const float ba = (a - q) / p, bd = (d - q) / p, bf = (f - q) / p, bb = b / p, bc = c / p, be = e / p;
  float r = 0.5f * (ba * (bd * bf - be * be) - bb * (bb * bf - be * bc) + bc * (bb * be - bd * bc));
  r = fminf(1.0f, fmaxf(-1.0f, r));
  const float phi = acosf(r) / 3.0f;
  const float largest = q + 2.0f * p * cosf(phi);
  const float smallest = q + 2.0f * p * cosf(phi + 2.0943951f);
  out[0] = smallest;
  out[1] = 3.0f * q - largest - smallest;
  out[2] = largest;
}

/// sigma^2-normalised measure from the blurred volume around one voxel: `at(di, dj, dk)` returns the
/// neighbour at that offset. `dot` selects the Hessian dot measure, otherwise minus the Laplacian.
/// `beaten` (>= 0): the dot measure may return 0 instead of a value <= beaten (a caller keeping the
/// maximum over scales passes its current maximum, and the result it keeps is the same).
template <typename At>
VIGIL_HOST_DEVICE inline float blob_measure(const At& at, float ix, float iy, float iz, float norm, bool dot,
                                            float beaten = 0.0f) {
  const float v = at(0, 0, 0);
  const float hxx = (at(1, 0, 0) - 2 * v + at(-1, 0, 0)) * ix * ix;
  const float hyy = (at(0, 1, 0) - 2 * v + at(0, -1, 0)) * iy * iy;
  const float hzz = (at(0, 0, 1) - 2 * v + at(0, 0, -1)) * iz * iz;
  if (!dot) return -norm * (hxx + hyy + hzz);
  // A negative definite matrix has a negative diagonal: with any diagonal entry >= 0 the largest
  // eigenvalue is >= 0 too, and the answer below would be 0. Most lung voxels leave here.
  if (hxx >= 0.0f || hyy >= 0.0f || hzz >= 0.0f) return 0.0f;
  // With every eigenvalue negative, l2^2 / -l0 <= |l2| <= -trace / 3: a voxel that cannot beat
  // `beaten` needs no solve (0.1% of margin: an isotropic blob reaches the bound, and the solve's
  // rounding must not decide which scale wins).
  if (-norm * (hxx + hyy + hzz) * 1.001f <= 3.0f * beaten) return 0.0f;
  const float hxy = (at(1, 1, 0) - at(1, -1, 0) - at(-1, 1, 0) + at(-1, -1, 0)) * 0.25f * ix * iy;
  const float hxz = (at(1, 0, 1) - at(1, 0, -1) - at(-1, 0, 1) + at(-1, 0, -1)) * 0.25f * ix * iz;
  const float hyz = (at(0, 1, 1) - at(0, 1, -1) - at(0, -1, 1) + at(0, -1, -1)) * 0.25f * iy * iz;
  // Sylvester's criterion: negative definite needs hxx * hyy > hxy^2 and det < 0. Voxels along
  // vessels (one eigenvalue near 0) mostly fail it and leave before the trigonometric solve.
  const float minor = hxx * hyy - hxy * hxy;
  if (minor <= 0.0f) return 0.0f;
  const float det = hxx * (hyy * hzz - hyz * hyz) - hxy * (hxy * hzz - hyz * hxz) + hxz * (hxy * hyz - hyy * hxz);
  if (det >= 0.0f) return 0.0f;
  float l[3];
  symmetric_eigenvalues(hxx, hxy, hxz, hyy, hyz, hzz, l);
  if (l[2] >= 0.0f) return 0.0f;  // not every direction curves down: not a bright blob
  // l[0] is the most negative (largest magnitude), l[2] the least.
  return norm * (l[2] * l[2]) / (-l[0]);
}

/// The measure at voxel (i, j, k): neighbours read directly where all of them lie inside the volume
/// (nearly every voxel), clamped to the volume at its faces (edges replicated).
VIGIL_HOST_DEVICE inline float blob_measure_at(const float* blurred, Extent3 e, long i, long j, long k, float ix,
                                               float iy, float iz, float norm, bool dot, float beaten = 0.0f) {
  const long nx = long(e.nx), ny = long(e.ny), nz = long(e.nz);
  if (i > 0 && j > 0 && k > 0 && i + 1 < nx && j + 1 < ny && k + 1 < nz) {
    const float* centre = blurred + i + nx * (j + ny * k);
    auto at = [&](long di, long dj, long dk) { return centre[di + nx * (dj + ny * dk)]; };
    return blob_measure(at, ix, iy, iz, norm, dot, beaten);
  }
  auto at = [&](long di, long dj, long dk) {
    long a = i + di, b = j + dj, c = k + dk;
    a = a < 0 ? 0 : (a >= nx ? nx - 1 : a);
    b = b < 0 ? 0 : (b >= ny ? ny - 1 : b);
    c = c < 0 ? 0 : (c >= nz ? nz - 1 : c);
    return blurred[a + nx * (b + ny * c)];
  };
  return blob_measure(at, ix, iy, iz, norm, dot, beaten);
}

}  // namespace vigil::kernels
