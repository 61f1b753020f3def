#pragma once
// Training patches for the candidate classifier from a synthetic study in memory: positives at the
// lesions (centres jittered as a detector's would be, plus the detector's own hits), negatives at
// the detector's candidates away from every lesion (vessels, bifurcations, scars, pleura: the
// false positives the classifier must learn to reject). The candidates come from the same search
// the pipeline runs, inside the study's true lung mask. No torch header.
#include <random>
#include <vector>

#include "kernels/device.h"
#include "models/detection/candidate_search.h"
#include "models/detection/patch_sampler.h"
#include "models/synthetic/synthetic_study.h"
#include "models/training/segmentation_patches.h"

namespace vigil::models {

struct ClassifierSampleOptions {
  detection::PatchGrid grid;               ///< the classifier's input: 32^3 at 1 mm by default
  detection::CandidateOptions candidates;  ///< the pipeline's search
  int jittered_per_lesion = 3;             ///< positives per lesion besides the detector's hits
  double jitter_fraction = 0.5;            ///< of the lesion radius
  /// More jittered positives of each lesion of at most hard_lesion_diameter_mm that is not in open
  /// parenchyma (beside a vessel or on the pleura).
  int hard_lesion_extra = 0;
  double hard_lesion_diameter_mm = 6.0;
  /// Candidates within this many lesion radii (plus 2 mm) are neither hits nor negatives.
  double ambiguous_radii = 1.5;
  /// Negatives come from the true lung mask grown by this much: the mediastinum and chest wall near
  /// the lungs too. 10 mm was the pipeline's search region when the shipped classifier was trained;
  /// it holds the narrower region searched since (CandidateOptions::search_closing_mm).
  double negative_region_margin_mm = 10;
};

/// Labelled patches (label: one value, 1 = lesion) from `study`, which must carry its lung mask
/// (generate_study with with_lung_mask). Positives and negatives in the order found.
std::vector<TrainingPatch> classifier_samples(const synthetic::SyntheticStudy& study,
                                              const ClassifierSampleOptions& options, std::mt19937_64& rng,
                                              kernels::Backend backend = kernels::default_backend());

}  // namespace vigil::models
