#include "models/synthetic/renderer.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "core/parallel.h"

namespace vigil::synthetic {

Vec3 SliceStack::point(std::size_t i, std::size_t j, std::size_t k) const {
  const Vec3& o = positions[k];
  const double x = static_cast<double>(i) * spacing_row_mm, y = static_cast<double>(j) * spacing_col_mm;
  return {o[0] + x * row[0] + y * col[0], o[1] + x * row[1] + y * col[1], o[2] + x * row[2] + y * col[2]};
}

bool SliceStack::contains(const Vec3& p, double radius_mm) const {
  if (positions.empty()) return false;
  const Vec3 n = normal();
  double lo = 1e300, hi = -1e300, best = 1e300;
  std::size_t nearest = 0;
  for (std::size_t k = 0; k < positions.size(); ++k) {
    const double s = dot(sub(p, positions[k]), n);
    lo = std::min(lo, -s);
    hi = std::max(hi, -s);
    if (std::abs(s) < best) {
      best = std::abs(s);
      nearest = k;
    }
  }
  // p lies between the planes when its offset from them changes sign across the stack.
  if (!(lo <= -radius_mm && hi >= radius_mm)) return false;
  const Vec3 d = sub(p, positions[nearest]);
  const double x = dot(d, row), y = dot(d, col);
  return x >= radius_mm && y >= radius_mm && x <= (columns - 1) * spacing_row_mm - radius_mm &&
         y <= (rows - 1) * spacing_col_mm - radius_mm;
}

namespace {

constexpr std::size_t kSlicesPerTask = 2;

struct IndexBox {
  long i0, i1, j0, j1;  // inclusive
  bool empty() const { return i0 > i1 || j0 > j1; }
};

// The in-plane index rectangle of slice k that can touch the shape's AABB (grown by `margin`),
// or an empty box when the slice's slab misses it.
IndexBox box_on_slice(const Shape& s, const SliceStack& st, std::size_t k, const Vec3& n, double margin) {
  double i_lo = 1e300, i_hi = -1e300, j_lo = 1e300, j_hi = -1e300, n_lo = 1e300, n_hi = -1e300;
  for (int c = 0; c < 8; ++c) {
    const Vec3 corner{(c & 1) ? s.hi[0] + margin : s.lo[0] - margin, (c & 2) ? s.hi[1] + margin : s.lo[1] - margin,
                      (c & 4) ? s.hi[2] + margin : s.lo[2] - margin};
    const Vec3 d = sub(corner, st.positions[k]);
    i_lo = std::min(i_lo, dot(d, st.row) / st.spacing_row_mm);
    i_hi = std::max(i_hi, dot(d, st.row) / st.spacing_row_mm);
    j_lo = std::min(j_lo, dot(d, st.col) / st.spacing_col_mm);
    j_hi = std::max(j_hi, dot(d, st.col) / st.spacing_col_mm);
    n_lo = std::min(n_lo, dot(d, n));
    n_hi = std::max(n_hi, dot(d, n));
  }
  if (n_lo > st.thickness_mm / 2 || n_hi < -st.thickness_mm / 2) return {1, 0, 1, 0};
  return {std::max(0L, static_cast<long>(std::floor(i_lo))),
          std::min(static_cast<long>(st.columns) - 1, static_cast<long>(std::ceil(i_hi))),
          std::max(0L, static_cast<long>(std::floor(j_lo))),
          std::min(static_cast<long>(st.rows) - 1, static_cast<long>(std::ceil(j_hi)))};
}

}  // namespace

RenderResult render(const std::vector<const Shape*>& shapes, const SliceStack& st, float* hu, std::uint16_t* labels,
                    unsigned threads) {
  const Vec3 n = st.normal();
  const double edge = 0.5 * std::sqrt(st.spacing_row_mm * st.spacing_row_mm + st.spacing_col_mm * st.spacing_col_mm +
                                       st.thickness_mm * st.thickness_mm);
  // Sub-samples over the voxel footprint (2 x 2 in-plane) and the slice profile (3 through it).
  std::vector<Vec3> offsets;
  for (double a : {-0.25, 0.25})
    for (double b : {-0.25, 0.25})
      for (double c : {-1.0 / 3, 0.0, 1.0 / 3}) {
        const double x = a * st.spacing_row_mm, y = b * st.spacing_col_mm, z = c * st.thickness_mm;
        offsets.push_back({x * st.row[0] + y * st.col[0] + z * n[0], x * st.row[1] + y * st.col[1] + z * n[1],
                           x * st.row[2] + y * st.col[2] + z * n[2]});
      }
  const double voxel_mm3 = st.spacing_row_mm * st.spacing_col_mm * st.thickness_mm;
  const std::size_t slice_voxels = st.columns * st.rows;
  const std::size_t tasks = (st.slices() + kSlicesPerTask - 1) / kSlicesPerTask;
  std::vector<std::map<int, double>> volumes(tasks);

  parallel_for(
      tasks,
      [&](std::size_t task) {
        const std::size_t k_end = std::min(st.slices(), (task + 1) * kSlicesPerTask);
        for (const Shape* s : shapes) {
          for (std::size_t k = task * kSlicesPerTask; k < k_end; ++k) {
            const IndexBox box = box_on_slice(*s, st, k, n, edge);
            if (box.empty()) continue;
            float* slice = hu + k * slice_voxels;
            std::uint16_t* label_slice = labels ? labels + k * slice_voxels : nullptr;
            for (long j = box.j0; j <= box.j1; ++j) {
              for (long i = box.i0; i <= box.i1; ++i) {
                const Vec3 p = st.point(i, j, k);
                const double d = s->sdf(p);
                if (d > edge) continue;
                double alpha = 1.0;
                if (d > -edge) {
                  int inside = 0;
                  for (const auto& o : offsets)
                    inside += s->sdf({p[0] + o[0], p[1] + o[1], p[2] + o[2]}) < 0;
                  alpha = static_cast<double>(inside) / static_cast<double>(offsets.size());
                  if (alpha == 0) continue;
                }
                float& v = slice[j * st.columns + i];
                v = static_cast<float>(v * (1 - alpha) + s->hu(p) * alpha);
                if (s->counts_volume) volumes[task][s->label] += alpha * voxel_mm3;
                if (label_slice && s->label > 0 && alpha >= 0.5)
                  label_slice[j * st.columns + i] = static_cast<std::uint16_t>(s->label);
              }
            }
          }
        }
      },
      threads);

  RenderResult result;
  for (const auto& m : volumes)  // merged in task order: the same sums on any thread count
    for (const auto& [label, v] : m) result.label_volume_mm3[label] += v;
  return result;
}

}  // namespace vigil::synthetic
