#include "models/training/classifier_samples.h"

#include <cmath>
#include <limits>

#include "core/error.h"
#include "kernels/gaussian.h"
#include "models/training/study_volume.h"

namespace vigil::models {
namespace {

TrainingPatch patch_at(const Volume& ct, const Vec3& centre, const detection::PatchGrid& grid, bool lesion) {
  return {grid.size_zyx, detection::sample_patch(ct, centre, grid), {std::uint8_t(lesion ? 1 : 0)}};
}

// The lung mask grown by about `margin_mm`, as the pipeline's search region is: a Gaussian of
// sigma margin/2 is 2.3% of its plateau at 2 sigma outside a flat edge. (The pipeline grows its
// mask with an exact distance map in ITK; this needs the kernels only.)
std::vector<std::uint8_t> grown_region(const std::vector<std::uint8_t>& mask, const Geometry& g, double margin_mm,
                                       kernels::Backend backend) {
  const kernels::Extent3 e{g.size[0], g.size[1], g.size[2]};
  std::vector<float> in(mask.begin(), mask.end()), blurred(in.size());
  const std::array<float, 3> sigma{float(0.5 * margin_mm / g.spacing_mm[0]), float(0.5 * margin_mm / g.spacing_mm[1]),
                                   float(0.5 * margin_mm / g.spacing_mm[2])};
  kernels::gaussian_blur(in.data(), blurred.data(), e, sigma, backend);
  std::vector<std::uint8_t> out(mask.size());
  for (std::size_t v = 0; v < out.size(); ++v) out[v] = mask[v] || blurred[v] > 0.023f;
  return out;
}

}  // namespace

std::vector<TrainingPatch> classifier_samples(const synthetic::SyntheticStudy& study, const ClassifierSampleOptions& o,
                                              std::mt19937_64& rng, kernels::Backend backend) {
  if (study.lung_mask.size() != study.hu.size())
    throw Error(ErrorCode::kInvalidArgument, "classifier samples: the study was generated without its lung mask");
  const Volume ct = study_volume(study);
  std::vector<TrainingPatch> out;
  std::uniform_real_distribution<double> unit(-1.0, 1.0);
  for (const auto& lesion : study.lesions) {
    const double r = 0.5 * lesion.diameter_mm;
    const bool hard = lesion.diameter_mm <= o.hard_lesion_diameter_mm && lesion.placement != "parenchyma";
    for (int n = 0; n < o.jittered_per_lesion + (hard ? o.hard_lesion_extra : 0); ++n) {
      Vec3 c = lesion.center_mm;
      for (double& v : c) v += o.jitter_fraction * r * unit(rng);
      out.push_back(patch_at(ct, c, o.grid, true));
    }
  }
  for (const auto& candidate : detection::find_candidates(
           ct, grown_region(study.lung_mask, ct.geometry, o.negative_region_margin_mm, backend), o.candidates, backend)) {
    // Distance to the nearest lesion in units of its radius: LUNA16 counts a hit within 1.
    double nearest = std::numeric_limits<double>::infinity(), nearest_mm = nearest, nearest_r = 0;
    for (const auto& lesion : study.lesions) {
      const double r = 0.5 * lesion.diameter_mm, d = norm(sub(candidate.center_mm, lesion.center_mm));
      if (d / r < nearest) nearest = d / r, nearest_mm = d, nearest_r = r;
    }
    if (nearest <= 1.0)
      out.push_back(patch_at(ct, candidate.center_mm, o.grid, true));
    else if (nearest_mm > o.ambiguous_radii * nearest_r + 2.0)
      out.push_back(patch_at(ct, candidate.center_mm, o.grid, false));
  }
  return out;
}

}  // namespace vigil::models
