#pragma once
// Nodules with exact ground truth: type (solid, part-solid, ground glass), shape (spherical,
// lobulated, spiculated), placement (parenchyma, juxta-vascular, juxta-pleural), contrast chosen
// from a contrast-to-noise target; and distractors (scars/bands) that look lesion-like.

#include <string>
#include <vector>

#include "core/rng.h"
#include "models/synthetic/anatomy.h"
#include "models/synthetic/slice_stack.h"
#include "models/synthetic/synth_config.h"

namespace vigil::synthetic {

struct LesionTruth {
  int id = 0;                 ///< label value in the label volume (1, 2, ...)
  Vec3 center_mm{0, 0, 0};    ///< patient LPS
  double diameter_mm = 0;     ///< nominal (equivalent sphere of the base radius)
  double long_axis_mm = 0;    ///< largest extent of the shape through its centre (lobes, no spicules)
  double short_axis_mm = 0;
  double volume_mm3 = 0;      ///< measured from voxel coverage after rendering
  std::string type;           ///< "solid", "part_solid", "ground_glass"
  std::string shape;          ///< "spherical", "lobulated", "spiculated"
  std::string placement;      ///< "parenchyma", "juxtavascular", "juxtapleural"
  double hu = 0;              ///< intensity of the lesion (the halo for part-solid)
  double core_hu = 0;         ///< solid core intensity (part-solid only)
  double hu_contrast = 0;     ///< lesion HU minus the lung background
  double cnr = 0;             ///< hu_contrast / noise sigma
};

struct PlannedLesions {
  std::vector<ShapePtr> distractors;  ///< scars/bands, painted after the anatomy
  std::vector<ShapePtr> shapes;       ///< lesions, painted last, in order
  std::vector<LesionTruth> truth;
  int scars = 0;
};

/// Places lesions and distractors in the anatomy's lungs. `noise_sigma_hu` sets contrast from CNR.
/// The shapes of one lesion whose id, type, shape, centre and diameter are set in `t`; fills the
/// rest of `t` (HU from the type, and from a CNR target against `sigma` for ground glass; axes).
std::vector<ShapePtr> lesion_shapes(Rng& rng, const SynthConfig& config, LesionTruth& t, double radius_mm,
                                    double sigma, double background_hu);

/// Every lesion lies wholly inside the imaged region of `stack`.
PlannedLesions plan_lesions(Rng& rng, const Anatomy& anatomy, const SynthConfig& config, double noise_sigma_hu,
                            const SliceStack& stack, double z_lo, double z_hi);

}  // namespace vigil::synthetic
