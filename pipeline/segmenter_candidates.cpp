#include "pipeline/segmenter_candidates.h"

#include <algorithm>
#include <cmath>

#include "kernels/components.h"
#include "models/lesion_models.h"

namespace vigil::pipeline {

std::vector<Vec3> segmenter_window_centres(const Geometry& g, const std::vector<std::uint8_t>& lungs, double step_mm,
                                           double half_window_mm) {
  // The mask's bounding box in voxel indices, then in patient mm (corners through the geometry).
  std::size_t lo[3] = {g.size[0], g.size[1], g.size[2]}, hi[3] = {0, 0, 0};
  bool any = false;
  for (std::size_t k = 0; k < g.size[2]; ++k)
    for (std::size_t j = 0; j < g.size[1]; ++j)
      for (std::size_t i = 0; i < g.size[0]; ++i)
        if (lungs[i + g.size[0] * (j + g.size[1] * k)]) {
          any = true;
          lo[0] = std::min(lo[0], i), hi[0] = std::max(hi[0], i);
          lo[1] = std::min(lo[1], j), hi[1] = std::max(hi[1], j);
          lo[2] = std::min(lo[2], k), hi[2] = std::max(hi[2], k);
        }
  std::vector<Vec3> centres;
  if (!any) return centres;
  // A grid along the volume's own axes (index space), `step_mm` apart, covering the box.
  double step[3], reach[3];
  for (int a = 0; a < 3; ++a) step[a] = step_mm / g.spacing_mm[a], reach[a] = half_window_mm / g.spacing_mm[a];
  const auto has_lung_near = [&](const double c[3]) {
    long from[3], to[3];
    for (int a = 0; a < 3; ++a) {
      from[a] = std::max(0L, long(std::floor(c[a] - reach[a])));
      to[a] = std::min(long(g.size[a]) - 1, long(std::ceil(c[a] + reach[a])));
    }
    for (long k = from[2]; k <= to[2]; ++k)
      for (long j = from[1]; j <= to[1]; ++j) {
        const std::uint8_t* row = lungs.data() + g.size[0] * (std::size_t(j) + g.size[1] * std::size_t(k));
        if (std::any_of(row + from[0], row + to[0] + 1, [](std::uint8_t v) { return v != 0; })) return true;
      }
    return false;
  };
  for (double k = double(lo[2]); k <= double(hi[2]) + step[2] / 2; k += step[2])
    for (double j = double(lo[1]); j <= double(hi[1]) + step[1] / 2; j += step[1])
      for (double i = double(lo[0]); i <= double(hi[0]) + step[0] / 2; i += step[0]) {
        const double c[3] = {i, j, k};
        if (has_lung_near(c)) centres.push_back(g.index_to_physical({i, j, k}));
      }
  return centres;
}

void add_segmenter_candidates(const Volume& ct, const std::vector<std::uint8_t>& lungs,
                              const models::LesionModels& models, std::vector<Candidate>& candidates,
                              const SegmenterCandidateOptions& o) {
  // The window's extent from the segmenter's manifest (its narrowest axis).
  const models::ModelManifest& m = models.segmenter();
  double window_mm = 1e300;
  for (int a = 0; a < 3; ++a) window_mm = std::min(window_mm, m.patch_size_zyx[2 - a] * m.input_spacing_mm[a]);
  const std::vector<Vec3> centres =
      segmenter_window_centres(ct.geometry, lungs, std::max(1.0, window_mm - o.overlap_mm), window_mm / 2);
  const std::vector<models::LesionMask> windows = models.segment_windows(ct, centres);
  for (const models::LesionMask& w : windows) {
    if (w.mask.empty()) continue;
    const kernels::Components found = kernels::connected_components_cpu(w.mask.data(), {w.grid.size[0], w.grid.size[1], w.grid.size[2]});
    const double voxel_mm3 = w.grid.spacing_mm[0] * w.grid.spacing_mm[1] * w.grid.spacing_mm[2];
    for (const kernels::Component& c : found.components) {
      if (c.voxels < o.min_voxels) continue;
      Candidate added;
      added.center_mm = w.grid.index_to_physical({c.centroid[0], c.centroid[1], c.centroid[2]});
      added.radius_mm = float(std::cbrt(3.0 * double(c.voxels) * voxel_mm3 / (4.0 * M_PI)));
      const bool known = std::any_of(candidates.begin(), candidates.end(), [&](const Candidate& k) {
        return norm(sub(k.center_mm, added.center_mm)) <= o.merge_mm;
      });
      if (!known) candidates.push_back(added);
    }
  }
}

}  // namespace vigil::pipeline
