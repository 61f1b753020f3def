#pragma once
// A second candidate source: the segmenter run over the whole lung, window by window, and the
// centre of each lesion component it outlines. The blob filter ranks low-contrast lesions beside
// the pleura or vessels below its strongest 100 peaks; the segmenter judges each window on its own.
// Costly on a CPU (about 0.1 s a window, ~200 windows for a 256² chest), and until the classifier
// learns these candidates' false positives it lowers the CPM: off by default, experimental
// (AnalysisOptions::segmenter_candidates; figures in models/weights/README.md).

#include <cstdint>
#include <vector>

#include "core/volume.h"
#include "pipeline/candidate_detector.h"

namespace vigil::models {
class LesionModels;
}

namespace vigil::pipeline {

struct SegmenterCandidateOptions {
  /// Neighbouring windows share this much (mm): a lesion up to this size lies whole in one of them.
  double overlap_mm = 6;
  /// Components of fewer voxels (at the segmenter's spacing) are noise: 20 at 0.75 mm ≈ a 2.6 mm sphere.
  std::size_t min_voxels = 20;
  /// A component centre within this of a blob candidate (or of another component) adds nothing.
  double merge_mm = 4;
};

/// Window centres (patient mm) `step_mm` apart on a grid over the lung mask's bounding box, kept
/// where the window (half-width `half_window_mm`) holds lung. `lungs` is the mask of a volume of geometry `g`.
std::vector<Vec3> segmenter_window_centres(const Geometry& g, const std::vector<std::uint8_t>& lungs, double step_mm,
                                           double half_window_mm);

/// `candidates` (blob candidates, strongest first) with the segmenter's lesion components added
/// after them: each component's centroid, radius of the sphere of its volume, response 0.
void add_segmenter_candidates(const Volume& ct, const std::vector<std::uint8_t>& lungs,
                              const models::LesionModels& models, std::vector<Candidate>& candidates,
                              const SegmenterCandidateOptions& options = {});

}  // namespace vigil::pipeline
