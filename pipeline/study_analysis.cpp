#include "pipeline/study_analysis.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "core/version.h"
#include "pipeline/lung_mask.h"
#include "pipeline/orientation.h"
#ifdef VIGIL_HAVE_LESION_MODELS
#include "models/lesion_models.h"
#include "pipeline/segmenter_candidates.h"
#endif

namespace vigil::pipeline {
namespace {

#ifdef VIGIL_HAVE_LESION_MODELS
// Voxels of `volume` whose centres fall on the mask (nearest neighbour): the segmenter's grid is
// the canonical volume's axes at the network's spacing, `volume` is the source in any orientation.
std::vector<std::size_t> voxels_on_mask(const Geometry& volume, const models::LesionMask& m) {
  std::vector<std::size_t> out;
  if (m.mask.empty()) return out;
  double lo[3] = {1e300, 1e300, 1e300}, hi[3] = {-1e300, -1e300, -1e300};
  for (int corner = 0; corner < 8; ++corner) {
    Vec3 index{};
    for (int a = 0; a < 3; ++a) index[a] = (corner >> a & 1) ? double(m.grid.size[a]) - 0.5 : -0.5;
    const Vec3 v = volume.physical_to_index(m.grid.index_to_physical(index));
    for (int a = 0; a < 3; ++a) lo[a] = std::min(lo[a], v[a]), hi[a] = std::max(hi[a], v[a]);
  }
  long from[3], to[3];
  for (int a = 0; a < 3; ++a) {
    from[a] = std::max(0L, long(std::floor(lo[a])));
    to[a] = std::min(long(volume.size[a]) - 1, long(std::ceil(hi[a])));
  }
  for (long k = from[2]; k <= to[2]; ++k)
    for (long j = from[1]; j <= to[1]; ++j)
      for (long i = from[0]; i <= to[0]; ++i) {
        const auto q = m.grid.nearest_voxel(volume.index_to_physical({double(i), double(j), double(k)}));
        if (q && m.mask[*q]) out.push_back(std::size_t(i) + volume.size[0] * (std::size_t(j) + volume.size[1] * std::size_t(k)));
      }
  return out;
}

AlgorithmInfo model_algorithm(const models::LesionModels& models) {
  const auto& c = models.classifier();
  const auto& s = models.segmenter();
  AlgorithmInfo info;
  info.name = "Vigil lesion detector (CNN classifier, U-Net segmenter)";
  info.version = std::string(kVersion) + " c" + c.version + " s" + s.version;
  info.description = "Multi-scale Hessian blob candidates in the lung mask; lesion score (a ranking, not a calibrated probability) from the 3-D CNN " +
                     c.name + " " + c.version + " (weights sha256 " + c.sha256.substr(0, 12) + "), lesion masks from the 3-D U-Net " +
                     s.name + " " + s.version + " (weights sha256 " + s.sha256.substr(0, 12) +
                     "); both trained on Vigil's synthetic chest CT only, not validated on patients.";
  return info;
}
#endif

// The classifier scores every candidate; the segmenter outlines the ones that will be reported.
void apply_models(const Volume& ct, const Volume& canonical, const std::vector<std::uint8_t>& lungs,
                  std::vector<Candidate>& candidates, const AnalysisOptions& options, StudyAnalysis& out) {
#ifdef VIGIL_HAVE_LESION_MODELS
  const models::LesionModels& models = *options.models;
  out.algorithm = model_algorithm(models);
  // The networks load in the background while the study is read (LesionModels): the wait, if any.
  timed(out.timings, "models_ready", [&] { models.wait_until_loaded(); });
  if (options.segmenter_candidates) {
    timed(out.timings, "segmenter_candidates", [&] { add_segmenter_candidates(canonical, lungs, models, candidates); });
    out.candidate_count = candidates.size();
    out.algorithm.description += " Candidates also from the U-Net run over the whole lung.";
  }
  std::vector<Vec3> centres;
  for (const Candidate& c : candidates) centres.push_back(c.center_mm);
  const std::vector<double> p = timed(out.timings, "classifier", [&] { return models.classify(canonical, centres); });
  for (std::size_t i = 0; i < candidates.size(); ++i) candidates[i].probability = p[i];
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.probability > b.probability; });
  for (const Candidate& c : candidates) out.candidate_centres.push_back(c.center_mm);
  // 3-D non-maximum suppression: a candidate within the blob radius of a more probable one is the
  // same lesion seen at another scale or off-centre.
  std::vector<Candidate> kept;
  for (Candidate& c : candidates) {
    const bool duplicate = std::any_of(kept.begin(), kept.end(), [&](const Candidate& k) {
      return norm(sub(k.center_mm, c.center_mm)) <= std::max(k.radius_mm, c.radius_mm);
    });
    if (!duplicate) kept.push_back(std::move(c));
  }
  candidates = std::move(kept);
  out.scored_candidates = candidates;
  std::size_t reported = 0;
  while (reported < candidates.size() && reported < options.measurement.max_findings &&
         candidates[reported].probability >= options.measurement.min_probability)
    ++reported;
  centres.clear();
  for (std::size_t i = 0; i < reported; ++i) centres.push_back(candidates[i].center_mm);
  const auto masks = timed(out.timings, "segmenter", [&] { return models.segment(canonical, centres); });
  for (std::size_t i = 0; i < reported; ++i) candidates[i].mask_voxels = voxels_on_mask(ct.geometry, masks[i]);
#else
  (void)ct, (void)canonical, (void)lungs, (void)candidates, (void)options, (void)out;
#endif
}

}  // namespace

StudyAnalysis analyze_ct(const Volume& ct, const std::string& study_uid, const AnalysisOptions& options) {
  StudyAnalysis out;
  out.algorithm.version = kVersion;
  // Most CT is stored in LPS order already: then the analysis reads the input itself, no copy.
  std::optional<Volume> reoriented;
  timed(out.timings, "orientation", [&] {
    if (!is_canonical_lps(ct.geometry)) reoriented = to_canonical_lps(ct);
  });
  const Volume& canonical = reoriented ? *reoriented : ct;
  const auto lungs = timed(out.timings, "lung_mask", [&] { return lung_mask(canonical); });
  std::vector<Candidate> candidates = timed(out.timings, "candidates", [&] {
    return detect_candidates(canonical, lungs, options.candidates, options.backend);
  });
  out.candidate_count = candidates.size();
  if (options.models) {
    apply_models(ct, canonical, lungs, candidates, options, out);
  } else {
    for (Candidate& c : candidates) {
      c.probability = candidate_probability(c);
      out.candidate_centres.push_back(c.center_mm);
    }
    out.scored_candidates = candidates;
  }
  // Measured in the input's own grid, so masks and key slices line up with the source images.
  MeasuredLesions measured = timed(out.timings, "measurement", [&] {
    return measure_lesions(ct, candidates, study_uid, options.measurement);
  });
  out.findings = std::move(measured.findings);
  out.labels = std::move(measured.labels);
  return out;
}

}  // namespace vigil::pipeline
