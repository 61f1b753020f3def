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

// The three axis passes share one shape: every output row of nx floats is a weighted sum of 2r+1
// input rows (x pass: of shifted copies of one padded row). Summing whole rows tap by tap keeps the
// inner loop contiguous, so it vectorises; taps are summed in the CUDA kernel's order (-r..r).
// Cloned for AVX2 (chosen at load time) so one binary runs on any x86-64 and uses wide vectors where present.
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target_clones("arch=x86-64-v3", "default")))
#endif
void add_scaled_row(float* __restrict acc, const float* __restrict row, float w, long n) {
  for (long i = 0; i < n; ++i) acc[i] += w * row[i];
}

// x: each row padded by replicating its ends, then shifted copies summed.
void blur_x(const float* in, float* out, Extent3 e, const Taps& t) {
  const long nx = long(e.nx), r = t.radius;
  parallel_for(e.nz, [&](std::size_t k) {
    std::vector<float> padded(std::size_t(nx + 2 * r));
    for (long j = 0; j < long(e.ny); ++j) {
      const long row = j + long(e.ny) * long(k);
      const float* src = in + row * nx;
      std::fill(padded.begin(), padded.begin() + r, src[0]);
      std::copy(src, src + nx, padded.begin() + r);
      std::fill(padded.begin() + r + nx, padded.end(), src[nx - 1]);
      float* dst = out + row * nx;
      std::fill(dst, dst + nx, 0.0f);
      for (long d = -r; d <= r; ++d) add_scaled_row(dst, padded.data() + r + d, t.w[d + r], nx);
    }
  });
}

// y and z, in place: output row (j, k) = sum over d of w[d] * row (j + d, k) or (j, k + d),
// clamped. Each line of rows (a slice's rows for y, a column of rows down z for z) is copied to a
// per-thread buffer first, so the blur needs no second volume (300 MiB for a 512x512x300 CT).
// z is parallel over j so that one thread walks down a column of rows that stays in its cache.
void blur_yz_in_place(float* v, Extent3 e, int axis, const Taps& t) {
  const long nx = long(e.nx), ny = long(e.ny), nz = long(e.nz), r = t.radius;
  const long outer = axis == 1 ? nz : ny, inner = axis == 1 ? ny : nz;
  parallel_for(std::size_t(outer), [&](std::size_t o) {
    auto row_at = [&](long q) {  // row index of (along-axis position q) in this line
      const long j = axis == 1 ? q : long(o), k = axis == 1 ? long(o) : q;
      return (j + ny * k) * nx;
    };
    thread_local std::vector<float> line;
    line.resize(std::size_t(inner * nx));
    for (long p = 0; p < inner; ++p) std::copy(v + row_at(p), v + row_at(p) + nx, line.data() + p * nx);
    for (long p = 0; p < inner; ++p) {
      float* dst = v + row_at(p);
      std::fill(dst, dst + nx, 0.0f);
      for (long d = -r; d <= r; ++d) add_scaled_row(dst, line.data() + std::clamp(p + d, 0L, inner - 1) * nx, t.w[d + r], nx);
    }
  });
}

}  // namespace

void gaussian_blur_cpu(const float* in, float* out, Extent3 e, std::array<float, 3> sigma_vox) {
  if (e.count() == 0) return;
  blur_x(in, out, e, gaussian_taps(sigma_vox[0]));
  blur_yz_in_place(out, e, 1, gaussian_taps(sigma_vox[1]));
  blur_yz_in_place(out, e, 2, gaussian_taps(sigma_vox[2]));
}

}  // namespace vigil::kernels
