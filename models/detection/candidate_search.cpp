#include "models/detection/candidate_search.h"

#include <cmath>

#include "kernels/blob_filter.h"
#include "kernels/normalize.h"
#include "kernels/peaks.h"

namespace vigil::detection {

std::vector<Candidate> find_candidates(const Volume& ct, const std::vector<std::uint8_t>& region,
                                       const CandidateOptions& o, kernels::Backend backend) {
  const Geometry& g = ct.geometry;
  const kernels::Extent3 e{g.size[0], g.size[1], g.size[2]};
  kernels::BlobScales scales;
  scales.sigma_mm = kernels::blob_sigmas_for_radii(o.r_min_mm, o.r_max_mm, o.scales);
  scales.spacing_mm = {float(g.spacing_mm[0]), float(g.spacing_mm[1]), float(g.spacing_mm[2])};
  scales.measure = kernels::BlobMeasure::kHessianDot;  // vessels are tubes: they fade, blobs stay
  kernels::IntensityTransform clip;  // identity inside the window, clamped outside
  clip.window_low = o.clip_low_hu;
  clip.window_high = o.clip_high_hu;
  clip.scale = 1.0f;
  clip.shift = 0.0f;
  std::vector<float> clipped(e.count());
  kernels::normalize(ct.voxels.data(), clipped.data(), e.count(), clip, backend);
  std::vector<float> response(e.count());
  std::vector<std::uint8_t> scale(e.count());
  kernels::log_blob_response(clipped.data(), response.data(), scale.data(), e, scales, backend);
  const auto peaks = kernels::find_peaks(response.data(), scale.data(), region.data(), e,
                                         {o.min_response, o.nms_radius_vox, o.max_candidates}, backend);
  std::vector<Candidate> out;
  for (const auto& p : peaks) {
    Candidate c;
    c.center_mm = g.index_to_physical({double(p.i), double(p.j), double(p.k)});
    c.response = p.value;
    c.radius_mm = scales.sigma_mm[p.scale] * std::sqrt(3.0f);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace vigil::detection
