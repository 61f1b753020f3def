#pragma once
// Nodule candidates of a CT: detection::find_candidates inside the lung mask closed by
// CandidateOptions::search_closing_mm and grown by search_margin_mm (juxta-pleural lesions sit in
// the bites they leave in the mask's edge).

#include <cstdint>
#include <vector>

#include "core/volume.h"
#include "kernels/device.h"
#include "models/detection/candidate_search.h"

namespace vigil::pipeline {

using detection::Candidate;
using detection::CandidateOptions;

/// Candidates strongest first. `lung` is the lung mask of `ct` (pipeline::lung_mask).
std::vector<Candidate> detect_candidates(const Volume& ct, const std::vector<std::uint8_t>& lung,
                                         const CandidateOptions& options = {},
                                         kernels::Backend backend = kernels::default_backend());

}  // namespace vigil::pipeline
