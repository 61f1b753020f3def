#pragma once
// Nodule candidates: multi-scale LoG blob response (kernels) inside the lung search region, then
// 3-D non-maximum suppression and the strongest K. High recall is the goal; the classifier
// (issue 7) removes the false positives.

#include <cstdint>
#include <vector>

#include "core/volume.h"
#include "kernels/device.h"

namespace vigil::pipeline {

struct CandidateOptions {
  float r_min_mm = 2.0f;            ///< smallest lesion radius looked for (lesions >= 4 mm matter)
  float r_max_mm = 15.0f;           ///< largest
  int scales = 8;
  std::size_t max_candidates = 100;
  float min_response = 10.0f;       ///< scale-normalised blob measure (HU) below which nothing is a candidate
  /// HU are clipped to this window first: solid tissue saturates, so ground glass competes with
  /// vessels and solid nodules on shape rather than on contrast. -600 rather than -400: vessels
  /// (contrast ~450 HU over lung at -400) otherwise outrank ground glass of 80-200 HU contrast.
  float clip_low_hu = -1000.0f, clip_high_hu = -600.0f;
  int nms_radius_vox = 2;
  double search_margin_mm = 10;     ///< lung mask grown by this: juxta-pleural lesions sit on its edge
};

struct Candidate {
  Vec3 center_mm{0, 0, 0};  ///< patient LPS
  float response = 0;
  float radius_mm = 0;      ///< radius of the best-matching blob scale
};

/// Candidates strongest first. `lung` is the lung mask of `ct` (pipeline::lung_mask).
std::vector<Candidate> detect_candidates(const Volume& ct, const std::vector<std::uint8_t>& lung,
                                         const CandidateOptions& options = {},
                                         kernels::Backend backend = kernels::default_backend());

}  // namespace vigil::pipeline
