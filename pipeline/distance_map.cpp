#include "pipeline/distance_map.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "core/parallel.h"

namespace vigil::pipeline {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
// Above this many voxels of reach along an axis the full transform is cheaper than the capped one.
constexpr long kMaxCappedReach = 24;

// One line: d[p] = min over q of w (p - q)² + f[q], from the lower envelope of the parabolas rooted
// at the finite f[q] (in double: the envelope's crossings need it; the map itself is float, as
// ITK's). `v` and `z` are scratch of n and n + 1 entries.
void transform_line(const double* f, double* d, std::size_t n, double w, std::vector<std::size_t>& v,
                    std::vector<double>& z) {
  std::size_t k = 0;
  bool any = false;
  for (std::size_t q = 0; q < n; ++q) {
    if (f[q] == kInfinity) continue;
    if (!any) {
      v[0] = q, z[0] = -kInfinity, z[1] = kInfinity, any = true;
      continue;
    }
    // Drop the parabolas the new one hides (z[0] is -infinity: the first always stays).
    const auto crossing = [&](std::size_t r) {
      return ((f[q] + w * double(q) * double(q)) - (f[r] + w * double(r) * double(r))) / (2.0 * w * double(q - r));
    };
    double s = crossing(v[k]);
    while (s <= z[k]) s = crossing(v[--k]);
    ++k;
    v[k] = q, z[k] = s, z[k + 1] = kInfinity;
  }
  if (!any) {
    std::fill(d, d + n, kInfinity);
    return;
  }
  k = 0;
  for (std::size_t p = 0; p < n; ++p) {
    while (z[k + 1] < double(p)) ++k;
    const double dp = double(p) - double(v[k]);
    d[p] = w * dp * dp + f[v[k]];
  }
}

// The 1-D transform along every line of axis `axis` of `data` (size nx, ny, nz), in place.
void transform_axis(std::vector<float>& data, const Geometry& g, int axis) {
  const std::size_t nx = g.size[0], ny = g.size[1], nz = g.size[2];
  const double w = g.spacing_mm[axis] * g.spacing_mm[axis];
  const std::size_t n = g.size[axis];
  // Lines of x: contiguous, one slice per task. Lines of y: the columns of one slice (k = task).
  // Lines of z: a task gathers row j = task of every slice into a plane, so reads stay in rows.
  parallel_for(axis == 2 ? ny : nz, [&](std::size_t t) {
    std::vector<std::size_t> v(n);
    std::vector<double> z(n + 1), f(n), d(n);
    if (axis == 0) {
      for (std::size_t j = 0; j < ny; ++j) {
        float* line = data.data() + nx * (j + ny * t);
        std::copy(line, line + nx, f.begin());
        transform_line(f.data(), d.data(), nx, w, v, z);
        std::copy(d.begin(), d.end(), line);
      }
      return;
    }
    std::vector<float> gathered;
    float* plane = data.data() + nx * ny * t;  // plane[p * nx + i], p along the axis
    if (axis == 2) {
      gathered.resize(n * nx);
      for (std::size_t p = 0; p < n; ++p) std::copy_n(data.data() + nx * (t + ny * p), nx, gathered.data() + p * nx);
      plane = gathered.data();
    }
    for (std::size_t i = 0; i < nx; ++i) {
      for (std::size_t p = 0; p < n; ++p) f[p] = plane[p * nx + i];
      transform_line(f.data(), d.data(), n, w, v, z);
      for (std::size_t p = 0; p < n; ++p) plane[p * nx + i] = float(d[p]);
    }
    if (axis == 2)
      for (std::size_t p = 0; p < n; ++p) std::copy_n(gathered.data() + p * nx, nx, data.data() + nx * (t + ny * p));
  });
}

// Squared distances capped at a radius of `reach[a]` voxels per axis: what the transform gives
// where that is at most the radius, +infinity or a larger value elsewhere. Along x the distance to
// the nearest mask voxel of the row, by a sweep each way; along y and z the minimum over the
// reach's rows of (row + w d^2), whole rows at a time (contiguous, vectorised). The sums are the
// transform's own (w * d * d + f, in double, stored as float after each axis), so every value up
// to the radius is the same float.
std::vector<float> capped_squared_distance_mm2(const std::vector<std::uint8_t>& mask, const Geometry& g,
                                               const std::array<long, 3>& reach) {
  const std::size_t nx = g.size[0], ny = g.size[1], nz = g.size[2];
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> d(mask.size());
  const double wx = g.spacing_mm[0] * g.spacing_mm[0];
  parallel_for(nz, [&](std::size_t k) {
    std::vector<long> gap(nx);
    for (std::size_t j = 0; j < ny; ++j) {
      const std::uint8_t* m = mask.data() + nx * (j + ny * k);
      float* out = d.data() + nx * (j + ny * k);
      long last = -1;  // distance to the nearest mask voxel on the left, then on either side
      for (std::size_t i = 0; i < nx; ++i) {
        if (m[i]) last = long(i);
        gap[i] = last < 0 ? -1 : long(i) - last;
      }
      last = -1;
      for (std::size_t i = nx; i-- > 0;) {
        if (m[i]) last = long(i);
        if (last >= 0 && (gap[i] < 0 || last - long(i) < gap[i])) gap[i] = last - long(i);
        const long dp = gap[i];
        out[i] = dp < 0 || dp > reach[0] ? inf : float(wx * double(dp) * double(dp));
      }
    }
  });
  // y within each slice, then z across slices: rows at offsets -r..r along the axis. Each task
  // copies its line of rows (a slice for y, a column of rows down z) first, so the pass writes in
  // place with no second volume.
  const auto pass = [&](int axis) {
    const double w = g.spacing_mm[axis] * g.spacing_mm[axis];
    const long r = reach[axis], n = long(g.size[axis]);
    parallel_for(axis == 1 ? nz : ny, [&](std::size_t t) {
      const auto row_at = [&](long p) { return nx * (axis == 1 ? std::size_t(p) + ny * t : t + ny * std::size_t(p)); };
      std::vector<float> line(std::size_t(n) * nx);
      for (long p = 0; p < n; ++p) std::copy_n(d.data() + row_at(p), nx, line.data() + std::size_t(p) * nx);
      std::vector<double> acc(nx);
      for (long p = 0; p < n; ++p) {
        std::fill(acc.begin(), acc.end(), std::numeric_limits<double>::infinity());
        for (long q = std::max(0L, p - r); q <= std::min(n - 1, p + r); ++q) {
          const double add = w * double(p - q) * double(p - q);
          const float* row = line.data() + std::size_t(q) * nx;
          for (std::size_t i = 0; i < nx; ++i) acc[i] = std::min(acc[i], add + double(row[i]));
        }
        float* out = d.data() + row_at(p);
        for (std::size_t i = 0; i < nx; ++i) out[i] = float(acc[i]);
      }
    });
  };
  pass(1);
  pass(2);
  return d;
}

}  // namespace

std::vector<float> squared_distance_mm2(const std::vector<std::uint8_t>& mask, const Geometry& g) {
  std::vector<float> d(mask.size());
  for (std::size_t v = 0; v < d.size(); ++v) d[v] = mask[v] ? 0.0f : std::numeric_limits<float>::infinity();
  for (int axis = 0; axis < 3; ++axis)
    if (g.size[axis] > 0) transform_axis(d, g, axis);
  return d;
}

std::vector<std::uint8_t> within_mm(const std::vector<std::uint8_t>& mask, const Geometry& g, double mm) {
  // A few voxels of reach (the lung mask's 4 mm closing, the search region's margin): distances
  // capped at the radius, in a fraction of the full transform's time.
  std::array<long, 3> reach{};
  bool capped = mm >= 0;
  for (int a = 0; a < 3; ++a) {
    reach[a] = g.spacing_mm[a] > 0 ? long(std::floor(mm / g.spacing_mm[a])) : kMaxCappedReach + 1;
    capped = capped && reach[a] <= kMaxCappedReach;
  }
  const std::vector<float> d = capped ? capped_squared_distance_mm2(mask, g, reach) : squared_distance_mm2(mask, g);
  const float limit = static_cast<float>(mm * mm);
  std::vector<std::uint8_t> out(mask.size());
  for (std::size_t v = 0; v < out.size(); ++v) out[v] = mask[v] != 0 || d[v] <= limit;
  return out;
}

}  // namespace vigil::pipeline
