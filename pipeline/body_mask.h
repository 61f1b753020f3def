#pragma once
// Body segmentation from HU: the patient without the air around them or the table under them.

#include <cstdint>
#include <vector>

#include "core/volume.h"

namespace vigil::pipeline {

/// 1 = inside the body, laid out like `ct.voxels`: voxels above `tissue_threshold_hu`, the largest
/// 3-D component only (drops the table, clothing, tubes), holes in each axial slice filled (lungs,
/// airways). Throws vigil::Error(kInvalidArgument) for an empty volume.
std::vector<std::uint8_t> body_mask(const Volume& ct, float tissue_threshold_hu = -500.0f);

}  // namespace vigil::pipeline
