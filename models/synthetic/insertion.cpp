#include "models/synthetic/insertion.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/rng.h"
#include "models/synthetic/image_formation.h"
#include "models/synthetic/renderer.h"

namespace vigil::synthetic {
namespace {

struct BallStats {
  double mean = 0, sd = 0, tissue_fraction = 0;
  std::size_t count = 0;
};

// Statistics of the voxels within `radius` mm of index-space point c.
BallStats ball(const Volume& v, const Vec3& c_mm, double radius) {
  const Geometry& g = v.geometry;
  const Vec3 c = g.physical_to_index(c_mm);
  double sum = 0, sum2 = 0;
  std::size_t n = 0, tissue = 0;
  const long ri = static_cast<long>(std::ceil(radius / g.spacing_mm[0])), rj = static_cast<long>(std::ceil(radius / g.spacing_mm[1]));
  const long rk = static_cast<long>(std::ceil(radius / g.spacing_mm[2]));
  for (long k = std::lround(c[2]) - rk; k <= std::lround(c[2]) + rk; ++k)
    for (long j = std::lround(c[1]) - rj; j <= std::lround(c[1]) + rj; ++j)
      for (long i = std::lround(c[0]) - ri; i <= std::lround(c[0]) + ri; ++i) {
        if (i < 0 || j < 0 || k < 0 || i >= long(g.size[0]) || j >= long(g.size[1]) || k >= long(g.size[2])) return {};
        const double di = (i - c[0]) * g.spacing_mm[0], dj = (j - c[1]) * g.spacing_mm[1], dk = (k - c[2]) * g.spacing_mm[2];
        if (di * di + dj * dj + dk * dk > radius * radius) continue;
        const float x = v.at(i, j, k);
        sum += x;
        sum2 += double(x) * x;
        tissue += x > -500;
        ++n;
      }
  if (n == 0) return {};
  const double mean = sum / n;
  return {mean, std::sqrt(std::max(0.0, sum2 / n - mean * mean)), double(tissue) / n, n};
}

// Air inside the body, per slice: air (< -400 HU) not reachable from the image border through air.
// Lungs, airways and bowel gas stay; air around the patient and under the table goes.
std::vector<std::uint8_t> internal_air(const Volume& v) {
  const Geometry& g = v.geometry;
  const std::size_t nx = g.size[0], ny = g.size[1], slice = nx * ny;
  std::vector<std::uint8_t> mask(v.voxels.size(), 0);
  for (std::size_t k = 0; k < g.size[2]; ++k) {
    const float* s = v.voxels.data() + k * slice;
    std::vector<std::uint8_t> outside(slice, 0);
    std::vector<std::size_t> queue;
    auto seed = [&](std::size_t i, std::size_t j) {
      const std::size_t p = j * nx + i;
      if (!outside[p] && s[p] < -400) {
        outside[p] = 1;
        queue.push_back(p);
      }
    };
    for (std::size_t i = 0; i < nx; ++i) seed(i, 0), seed(i, ny - 1);
    for (std::size_t j = 0; j < ny; ++j) seed(0, j), seed(nx - 1, j);
    while (!queue.empty()) {
      const std::size_t p = queue.back();
      queue.pop_back();
      const std::size_t i = p % nx, j = p / nx;
      if (i > 0) seed(i - 1, j);
      if (i + 1 < nx) seed(i + 1, j);
      if (j > 0) seed(i, j - 1);
      if (j + 1 < ny) seed(i, j + 1);
    }
    for (std::size_t p = 0; p < slice; ++p) mask[k * slice + p] = s[p] < -400 && !outside[p];
  }
  return mask;
}

Vec3 random_point(Rng& rng, const Geometry& g) {
  return g.index_to_physical({rng.uniform(0, g.size[0] - 1.0), rng.uniform(0, g.size[1] - 1.0), rng.uniform(0, g.size[2] - 1.0)});
}

// Lung parenchyma around c: inside the body's air, lung-like HU, clear of vessels and walls.
bool parenchyma(const Volume& v, const std::vector<std::uint8_t>& inside_air, const Vec3& c, double r) {
  const Geometry& g = v.geometry;
  const Vec3 idx = g.physical_to_index(c);
  const long i = std::lround(idx[0]), j = std::lround(idx[1]), k = std::lround(idx[2]);
  if (i < 0 || j < 0 || k < 0 || i >= long(g.size[0]) || j >= long(g.size[1]) || k >= long(g.size[2])) return false;
  if (!inside_air[(k * g.size[1] + j) * g.size[0] + i]) return false;  // cheap rejection first
  const float centre = v.at(i, j, k);
  if (centre < -980 || centre > -600) return false;
  const BallStats b = ball(v, c, r + 3);
  return b.count > 0 && b.mean > -950 && b.mean < -700 && b.tissue_fraction < 0.03;
}

}  // namespace

SliceStack stack_of(const Geometry& g) {
  SliceStack st;
  st.row = g.axis(0);
  st.col = g.axis(1);
  st.spacing_row_mm = g.spacing_mm[0];
  st.spacing_col_mm = g.spacing_mm[1];
  st.thickness_mm = g.spacing_mm[2];
  st.columns = g.size[0];
  st.rows = g.size[1];
  for (std::size_t k = 0; k < g.size[2]; ++k) st.positions.push_back(g.index_to_physical({0, 0, double(k)}));
  return st;
}

InsertionResult insert_lesions(Volume& volume, const SynthConfig& cfg, std::uint64_t seed, int index,
                               unsigned threads) {
  InsertionResult result;
  const Geometry& g = volume.geometry;
  Rng rng = Rng(seed).fork(0x1a5e27 + static_cast<std::uint64_t>(index));
  const std::vector<std::uint8_t> inside_air = internal_air(volume);
  // Background and noise from parenchyma samples of the scan itself.
  std::vector<double> means, sds;
  for (int attempt = 0; attempt < 20000 && means.size() < 40; ++attempt) {
    const Vec3 c = random_point(rng, g);
    if (!parenchyma(volume, inside_air, c, 4)) continue;
    const BallStats b = ball(volume, c, 5);
    means.push_back(b.mean);
    sds.push_back(b.sd);
  }
  if (means.size() < 10)
    throw Error(ErrorCode::kInvalidArgument, "lesion insertion: no lung parenchyma found in this volume");
  std::nth_element(means.begin(), means.begin() + means.size() / 2, means.end());
  std::nth_element(sds.begin(), sds.begin() + sds.size() / 2, sds.end());
  result.lung_hu = means[means.size() / 2];
  result.noise_sigma_hu = sds[sds.size() / 2];

  result.labels.assign(volume.voxels.size(), 0);
  const int count = std::max(1, rng.uniform_int(static_cast<int>(cfg.lesions_per_study.min),
                                                static_cast<int>(cfg.lesions_per_study.max)));
  const SliceStack full = stack_of(g);
  for (int n = 0; n < count; ++n) {
    LesionTruth t;
    t.id = static_cast<int>(result.lesions.size()) + 1;
    const double u = rng.uniform();
    t.type = u < cfg.p_solid ? "solid" : u < cfg.p_solid + cfg.p_part_solid ? "part_solid" : "ground_glass";
    const double w = rng.uniform();
    t.shape = w < cfg.p_lobulated ? "lobulated" : w < cfg.p_lobulated + cfg.p_spiculated ? "spiculated" : "spherical";
    t.placement = "parenchyma";
    t.diameter_mm = std::exp(rng.uniform(std::log(cfg.lesion_diameter_mm.min), std::log(cfg.lesion_diameter_mm.max)));
    if (t.shape == "spiculated" && t.diameter_mm < 6) t.shape = "lobulated";
    const double r = t.diameter_mm / 2;
    bool placed = false;
    for (int attempt = 0; attempt < 20000 && !placed; ++attempt) {
      const Vec3 c = random_point(rng, g);
      if (!full.contains(c, 1.6 * r + 2) || !parenchyma(volume, inside_air, c, 1.3 * r)) continue;
      placed = std::all_of(result.lesions.begin(), result.lesions.end(), [&](const LesionTruth& o) {
        return norm(sub(o.center_mm, c)) > o.long_axis_mm / 2 + 1.6 * r + 10;
      });
      if (placed) t.center_mm = c;
    }
    if (!placed) continue;
    const double background = ball(volume, t.center_mm, 1.3 * r).mean;
    std::vector<ShapePtr> shapes = lesion_shapes(rng, cfg, t, r, result.noise_sigma_hu, background);

    // Coverage of each shape on a local sub-grid, blurred like the scanner, added as contrast.
    const Vec3 idx = g.physical_to_index(t.center_mm);
    const double reach = 2.8 * r + 4;
    const long ri = static_cast<long>(std::ceil(reach / g.spacing_mm[0])), rj = static_cast<long>(std::ceil(reach / g.spacing_mm[1]));
    const long rk = static_cast<long>(std::ceil(reach / g.spacing_mm[2]));
    const long i0 = std::max(0L, std::lround(idx[0]) - ri), j0 = std::max(0L, std::lround(idx[1]) - rj);
    const long k0 = std::max(0L, std::lround(idx[2]) - rk);
    const long i1 = std::min(long(g.size[0]) - 1, std::lround(idx[0]) + ri), j1 = std::min(long(g.size[1]) - 1, std::lround(idx[1]) + rj);
    const long k1 = std::min(long(g.size[2]) - 1, std::lround(idx[2]) + rk);
    SliceStack local = full;
    local.columns = static_cast<std::size_t>(i1 - i0 + 1);
    local.rows = static_cast<std::size_t>(j1 - j0 + 1);
    local.positions.clear();
    for (long k = k0; k <= k1; ++k) local.positions.push_back(g.index_to_physical({double(i0), double(j0), double(k)}));
    double contrast_below = background;  // the core's contrast is relative to the halo it sits in
    for (std::size_t s = 0; s < shapes.size(); ++s) {
      const double target = shapes[s]->hu_value;
      shapes[s]->hu_value = 1.0;  // render coverage
      std::vector<float> alpha(local.voxels(), 0.0f);
      std::vector<std::uint16_t> labels(local.voxels(), 0);
      const RenderResult rendered = render({shapes[s].get()}, local, alpha.data(), labels.data(), threads);
      if (s == 0) t.volume_mm3 = rendered.label_volume_mm3.count(t.id) ? rendered.label_volume_mm3.at(t.id) : 0.0;
      apply_psf(alpha.data(), local, cfg.psf_fwhm_mm, threads);
      const double delta = target - contrast_below;
      for (long k = k0; k <= k1; ++k)
        for (long j = j0; j <= j1; ++j)
          for (long i = i0; i <= i1; ++i) {
            const std::size_t l = ((k - k0) * local.rows + (j - j0)) * local.columns + (i - i0);
            const std::size_t v = (k * g.size[1] + j) * g.size[0] + i;
            volume.voxels[v] += static_cast<float>(alpha[l] * delta);
            if (labels[l]) result.labels[v] = static_cast<std::uint16_t>(t.id);
          }
      contrast_below = target;
    }
    result.lesions.push_back(t);
  }
  return result;
}

}  // namespace vigil::synthetic
