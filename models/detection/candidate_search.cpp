#include "models/detection/candidate_search.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <cmath>

#include "core/error.h"
#include "core/parallel.h"
#include "kernels/blob_filter.h"
#include "kernels/gaussian.h"
#include "kernels/normalize.h"
#include "kernels/peaks.h"

namespace vigil::detection {
namespace {

// The box the search needs: the region's bounding box grown by everything a response inside it
// reads (the widest Gaussian's taps, the Hessian's +-1 voxel, the peak test's radius), clamped to
// the volume. Inside it every region voxel gets the same response as on the whole volume, because
// the Gaussian clamps at the volume's edges and the box reaches an edge only where the volume does.
struct Box {
  std::size_t lo[3] = {0, 0, 0}, size[3] = {0, 0, 0};
  bool empty() const { return size[0] * size[1] * size[2] == 0; }
};

Box search_box(const std::vector<std::uint8_t>& region, const Geometry& g, const std::vector<float>& sigma_mm,
               int nms_radius) {
  // Per-slice bounds in parallel, then their union.
  const std::size_t nx = g.size[0], ny = g.size[1], nz = g.size[2];
  std::vector<std::array<std::size_t, 4>> rows(nz, {nx, 0, ny, 0});  // i lo, i hi, j lo, j hi
  parallel_for(nz, [&](std::size_t k) {
    auto& r = rows[k];
    for (std::size_t j = 0; j < ny; ++j) {
      const std::uint8_t* row = region.data() + nx * (j + ny * k);
      const auto set = [](std::uint8_t v) { return v != 0; };
      const std::uint8_t* first = std::find_if(row, row + nx, set);
      if (first == row + nx) continue;
      const auto last_from_end = std::find_if(std::make_reverse_iterator(row + nx), std::make_reverse_iterator(row), set);
      const std::size_t last = nx - 1 - std::size_t(last_from_end - std::make_reverse_iterator(row + nx));
      r[0] = std::min(r[0], std::size_t(first - row)), r[1] = std::max(r[1], last);
      r[2] = std::min(r[2], j), r[3] = std::max(r[3], j);
    }
  });
  std::size_t lo[3] = {nx, ny, nz}, hi[3] = {0, 0, 0};
  bool any = false;
  for (std::size_t k = 0; k < nz; ++k) {
    if (rows[k][2] == ny) continue;  // nothing in this slice
    any = true;
    lo[0] = std::min(lo[0], rows[k][0]), hi[0] = std::max(hi[0], rows[k][1]);
    lo[1] = std::min(lo[1], rows[k][2]), hi[1] = std::max(hi[1], rows[k][3]);
    lo[2] = std::min(lo[2], k), hi[2] = std::max(hi[2], k);
  }
  Box b;
  if (!any) return b;
  const float widest = *std::max_element(sigma_mm.begin(), sigma_mm.end());
  for (int a = 0; a < 3; ++a) {
    const std::size_t halo = std::size_t(kernels::gaussian_taps(widest / float(g.spacing_mm[a])).radius + 1 + std::max(1, nms_radius));
    b.lo[a] = lo[a] > halo ? lo[a] - halo : 0;
    b.size[a] = std::min(g.size[a] - 1, hi[a] + halo) - b.lo[a] + 1;
  }
  return b;
}

// Marks the voxels whose response the peak search reads besides the region's (value 1): those
// within `r` of it along each axis (find_peaks compares a region voxel with the cube of radius r
// around it) get a bit of their own per axis, in place: no second box-sized mask at the stage's
// memory peak. Each pass grows from the earlier marks only, so marks do not cascade.
void mark_read_by_peak_search(std::vector<std::uint8_t>& search, kernels::Extent3 e, int r) {
  const long nx = long(e.nx), ny = long(e.ny), nz = long(e.nz), R = r;
  // x: along each row.
  parallel_for(e.nz, [&](std::size_t k) {
    for (long j = 0; j < ny; ++j) {
      std::uint8_t* row = search.data() + nx * (j + ny * long(k));
      for (long i = 0; i < nx; ++i) {
        if (!(row[i] & 1)) continue;
        for (long a = std::max(0L, i - R); a <= std::min(nx - 1, i + R); ++a)
          if (!row[a]) row[a] = 2;
      }
    }
  });
  // y and z: whole rows at a time. Row p gets the mark where a row within r of it holds a seed.
  const auto rows = [&](int axis) {
    const std::uint8_t seeds = std::uint8_t((2u << axis) - 1), mark = std::uint8_t(2u << axis);
    const long n = axis == 1 ? ny : nz;
    parallel_for(std::size_t(axis == 1 ? nz : ny), [&](std::size_t t) {
      const auto row_at = [&](long p) {
        return search.data() + nx * (axis == 1 ? p + ny * long(t) : long(t) + ny * p);
      };
      std::vector<std::uint8_t> near(static_cast<std::size_t>(nx), 0);
      for (long p = 0; p < n; ++p) {
        std::fill(near.begin(), near.end(), std::uint8_t{0});
        for (long q = std::max(0L, p - R); q <= std::min(n - 1, p + R); ++q) {
          const std::uint8_t* src = row_at(q);
          for (long i = 0; i < nx; ++i) near[std::size_t(i)] |= std::uint8_t((src[i] & seeds) != 0);
        }
        std::uint8_t* dst = row_at(p);
        for (long i = 0; i < nx; ++i)
          if (!dst[i] && near[std::size_t(i)]) dst[i] = mark;
      }
    });
  };
  rows(1);
  rows(2);
}

}  // namespace

std::vector<Candidate> find_candidates(const Volume& ct, std::vector<std::uint8_t> region,
                                       const CandidateOptions& o, kernels::Backend backend) {
  const Geometry& g = ct.geometry;
  if (region.size() != g.voxel_count() || ct.voxels.size() != g.voxel_count())
    throw Error(ErrorCode::kInvalidArgument, "candidate search: the search region and the volume differ in size");
  kernels::BlobScales scales;
  scales.sigma_mm = kernels::blob_sigmas_for_radii(o.r_min_mm, o.r_max_mm, o.scales);
  scales.spacing_mm = {float(g.spacing_mm[0]), float(g.spacing_mm[1]), float(g.spacing_mm[2])};
  scales.measure = kernels::BlobMeasure::kHessianDot;  // vessels are tubes: they fade, blobs stay
  Box box;
  if (o.crop_to_region) {
    box = search_box(region, g, scales.sigma_mm, o.nms_radius_vox);
    if (box.empty()) return {};
  } else {
    for (int a = 0; a < 3; ++a) box.size[a] = g.size[a];
  }
  // The box's voxels and region, then the HU clip in place (identity inside, clamped outside).
  const kernels::Extent3 e{box.size[0], box.size[1], box.size[2]};
  std::vector<float> clipped(e.count());
  std::vector<std::uint8_t> search(e.count());
  parallel_for(e.nz, [&](std::size_t k) {
    for (std::size_t j = 0; j < e.ny; ++j) {
      const std::size_t from = box.lo[0] + g.size[0] * (box.lo[1] + j + g.size[1] * (box.lo[2] + k));
      const std::size_t to = e.nx * (j + e.ny * k);
      std::copy_n(ct.voxels.data() + from, e.nx, clipped.data() + to);
      std::transform(region.data() + from, region.data() + from + e.nx, search.data() + to,
                     [](std::uint8_t v) { return std::uint8_t(v != 0); });  // 1: the marks below use the other bits
    }
  });
  std::vector<std::uint8_t>().swap(region);  // released, not just emptied: `= {}` would keep the capacity
  kernels::IntensityTransform clip;
  clip.window_low = o.clip_low_hu;
  clip.window_high = o.clip_high_hu;
  clip.scale = 1.0f;
  clip.shift = 0.0f;
  kernels::normalize(clipped.data(), clipped.data(), e.count(), clip, backend);
  std::vector<float> response(e.count());
  std::vector<std::uint8_t> scale(e.count());
  // On the CPU only the voxels the peak search reads are measured (the box also holds the filters'
  // reach outside the region); the same peaks.
  if (o.measure_only_what_peaks_read) mark_read_by_peak_search(search, e, std::max(1, o.nms_radius_vox));
  kernels::log_blob_response(clipped.data(), response.data(), scale.data(), e, scales, backend,
                             o.measure_only_what_peaks_read ? search.data() : nullptr);
  if (o.measure_only_what_peaks_read)
    parallel_for(e.nz, [&](std::size_t k) {  // back to the region alone: only it holds peaks
      std::uint8_t* slice = search.data() + e.nx * e.ny * k;
      for (std::size_t v = 0; v < e.nx * e.ny; ++v) slice[v] &= 1;
    });
  std::vector<float>().swap(clipped);
  const auto peaks = kernels::find_peaks(response.data(), scale.data(), search.data(), e,
                                         {o.min_response, o.nms_radius_vox, o.max_candidates}, backend);
  std::vector<Candidate> out;
  for (const auto& p : peaks) {
    Candidate c;
    c.center_mm = g.index_to_physical({double(box.lo[0] + p.i), double(box.lo[1] + p.j), double(box.lo[2] + p.k)});
    c.response = p.value;
    c.radius_mm = scales.sigma_mm[p.scale] * std::sqrt(3.0f);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace vigil::detection
