#include "models/synthetic/image_formation.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/parallel.h"
#include "core/rng.h"

namespace vigil::synthetic {
namespace {

std::vector<double> gaussian_kernel(double sigma_px) {
  const int radius = std::max(1, static_cast<int>(std::ceil(3.0 * sigma_px)));
  std::vector<double> k(2 * radius + 1);
  double sum = 0;
  for (int x = -radius; x <= radius; ++x) sum += k[x + radius] = std::exp(-0.5 * x * x / (sigma_px * sigma_px));
  for (auto& v : k) v /= sum;
  return k;
}

// Separable 2-D convolution of one slice (nx by ny) with edge clamping; `tmp` is scratch.
void blur_slice(float* s, std::size_t nx, std::size_t ny, const std::vector<double>& kx, const std::vector<double>& ky,
                std::vector<float>& tmp) {
  tmp.resize(nx * ny);
  const long rx = static_cast<long>(kx.size() / 2), ry = static_cast<long>(ky.size() / 2);
  for (std::size_t j = 0; j < ny; ++j)
    for (std::size_t i = 0; i < nx; ++i) {
      double acc = 0;
      for (long t = -rx; t <= rx; ++t)
        acc += kx[t + rx] * s[j * nx + std::clamp<long>(static_cast<long>(i) + t, 0, static_cast<long>(nx) - 1)];
      tmp[j * nx + i] = static_cast<float>(acc);
    }
  for (std::size_t j = 0; j < ny; ++j)
    for (std::size_t i = 0; i < nx; ++i) {
      double acc = 0;
      for (long t = -ry; t <= ry; ++t)
        acc += ky[t + ry] * tmp[std::clamp<long>(static_cast<long>(j) + t, 0, static_cast<long>(ny) - 1) * nx + i];
      s[j * nx + i] = static_cast<float>(acc);
    }
}

// Standard deviation of white unit noise after the 2-D kernel kx⊗ky − kx2⊗ky2: sqrt of the sum
// of the squared combined kernel (exact for independent samples).
double filtered_sigma(const std::vector<double>& kx, const std::vector<double>& ky, const std::vector<double>& kx2,
                      const std::vector<double>& ky2) {
  const long r2x = static_cast<long>(kx2.size() / 2), r2y = static_cast<long>(ky2.size() / 2);
  const long r1x = static_cast<long>(kx.size() / 2), r1y = static_cast<long>(ky.size() / 2);
  double var = 0;
  for (long y = -r2y; y <= r2y; ++y)
    for (long x = -r2x; x <= r2x; ++x) {
      const double a = (std::abs(x) <= r1x && std::abs(y) <= r1y) ? kx[x + r1x] * ky[y + r1y] : 0.0;
      const double b = kx2[x + r2x] * ky2[y + r2y];
      var += (a - b) * (a - b);
    }
  return std::sqrt(var);
}

}  // namespace

void apply_psf(float* hu, const SliceStack& st, double fwhm_mm, unsigned threads) {
  if (fwhm_mm <= 0) return;
  const auto kx = gaussian_kernel(fwhm_mm / 2.3548 / st.spacing_row_mm);
  const auto ky = gaussian_kernel(fwhm_mm / 2.3548 / st.spacing_col_mm);
  const std::size_t slice = st.columns * st.rows;
  parallel_for(
      st.slices(),
      [&](std::size_t k) {
        std::vector<float> tmp;
        blur_slice(hu + k * slice, st.columns, st.rows, kx, ky, tmp);
      },
      threads);
}

void add_ct_noise(float* hu, const SliceStack& st, double sigma_hu, double grain_mm, std::uint64_t seed,
                  unsigned threads) {
  if (sigma_hu <= 0) return;
  // Fine grain minus a coarse part: low spatial frequencies lose power, as in FBP noise.
  const auto kx = gaussian_kernel(grain_mm / st.spacing_row_mm);
  const auto ky = gaussian_kernel(grain_mm / st.spacing_col_mm);
  const auto kx2 = gaussian_kernel(3 * grain_mm / st.spacing_row_mm);
  const auto ky2 = gaussian_kernel(3 * grain_mm / st.spacing_col_mm);
  const double gain = sigma_hu / filtered_sigma(kx, ky, kx2, ky2);
  const std::size_t slice = st.columns * st.rows;
  const Rng base(seed);
  parallel_for(
      st.slices(),
      [&](std::size_t k) {
        Rng rng = base.fork(k);
        std::vector<float> fine(slice), coarse(slice), tmp;
        for (auto& v : fine) v = static_cast<float>(rng.normal());
        coarse = fine;
        blur_slice(fine.data(), st.columns, st.rows, kx, ky, tmp);
        blur_slice(coarse.data(), st.columns, st.rows, kx2, ky2, tmp);
        float* s = hu + k * slice;
        for (std::size_t i = 0; i < slice; ++i) s[i] += static_cast<float>(gain * (fine[i] - coarse[i]));
      },
      threads);
}

}  // namespace vigil::synthetic
