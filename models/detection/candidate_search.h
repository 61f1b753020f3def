#pragma once
// Nodule candidates inside a search region: multi-scale Hessian blob response (kernels), 3-D
// non-maximum suppression, the strongest K. High recall is the goal; the classifier removes the
// false positives. No ITK here: the training code runs it on synthetic studies with their true
// lung mask, and pipeline::detect_candidates on the lung mask it segments (grown by a margin).

#include <cstdint>
#include <vector>

#include "core/volume.h"
#include "kernels/device.h"

namespace vigil::detection {

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
  /// The pipeline's search region (pipeline::closed_and_dilated): the lung mask closed by a ball of
  /// search_closing_mm, then grown by search_margin_mm. A juxta-pleural nodule's centre lies in the
  /// bite it leaves in the air mask, which the closing takes in. Before 2026-11-27 the region was the
  /// mask grown by 10 mm, which also let in the mediastinum's edges (docs/performance.md).
  double search_closing_mm = 12;
  double search_margin_mm = 1.5;
  /// Filter only the region's bounding box plus the filters' reach: the same candidates as the
  /// whole volume, in less memory and time. false (whole volume) exists for the test that shows it.
  bool crop_to_region = true;
  /// On the CPU measure only the voxels the peak search reads (the region and its NMS reach, not
  /// the rest of the box): the same candidates. false exists for the test that shows it.
  bool measure_only_what_peaks_read = true;
};

struct Candidate {
  Vec3 center_mm{0, 0, 0};  ///< patient LPS
  float response = 0;
  float radius_mm = 0;      ///< radius of the best-matching blob scale
  double probability = -1;  ///< the classifier's lesion probability; < 0 until it has scored this candidate
  /// The segmenter's lesion voxels (linear indices of the volume being measured); empty: not segmented.
  std::vector<std::size_t> mask_voxels;
};

/// Candidates strongest first, peaks inside `region` (one byte per voxel of `ct`, nonzero = search).
/// `region` is taken by value and released once its box is copied: move it in where it is not
/// needed afterwards, and the filters run without it in memory.
std::vector<Candidate> find_candidates(const Volume& ct, std::vector<std::uint8_t> region,
                                       const CandidateOptions& options = {},
                                       kernels::Backend backend = kernels::default_backend());

}  // namespace vigil::detection
