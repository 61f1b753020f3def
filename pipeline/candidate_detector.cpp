#include "pipeline/candidate_detector.h"

#include "pipeline/lung_mask.h"

namespace vigil::pipeline {

std::vector<Candidate> detect_candidates(const Volume& ct, const std::vector<std::uint8_t>& lung,
                                         const CandidateOptions& o, kernels::Backend backend) {
  // The search region's edge is a margin, not a measurement: binned like the lung mask itself.
  return detection::find_candidates(
      ct, closed_and_dilated(lung, ct.geometry, o.search_closing_mm, o.search_margin_mm, lung_mask_bin(ct.geometry)), o,
      backend);
}

}  // namespace vigil::pipeline
