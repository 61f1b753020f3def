#include "pipeline/study_analysis.h"

#include "core/version.h"
#include "pipeline/lung_mask.h"
#include "pipeline/orientation.h"

namespace vigil::pipeline {

StudyAnalysis analyze_ct(const Volume& ct, const std::string& study_uid, const AnalysisOptions& options) {
  StudyAnalysis out;
  out.algorithm.version = kVersion;
  const Volume canonical = timed(out.timings, "orientation", [&] { return to_canonical_lps(ct); });
  const auto lungs = timed(out.timings, "lung_mask", [&] { return lung_mask(canonical); });
  const auto candidates = timed(out.timings, "candidates", [&] {
    return detect_candidates(canonical, lungs, options.candidates, options.backend);
  });
  out.candidate_count = candidates.size();
  // Measured in the input's own grid, so masks and key slices line up with the source images.
  MeasuredLesions measured = timed(out.timings, "measurement", [&] {
    return measure_lesions(ct, candidates, study_uid, options.measurement);
  });
  out.findings = std::move(measured.findings);
  out.labels = std::move(measured.labels);
  return out;
}

}  // namespace vigil::pipeline
