#pragma once
// A synthetic study as a Volume (HU) with its geometry: the generator's stack without an
// acquisition variant is axial with even slices in +z order.
#include "core/volume.h"
#include "models/synthetic/synthetic_study.h"

namespace vigil::models {

/// Throws vigil::Error(kInvalidArgument) for stacks that are not axial, +z ordered and evenly spaced.
Geometry study_geometry(const synthetic::SyntheticStudy& study);

/// The study's HU voxels in `study_geometry` (a copy).
Volume study_volume(const synthetic::SyntheticStudy& study);

}  // namespace vigil::models
