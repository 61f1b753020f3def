#pragma once
// Pipeline-internal ITK helper shared by the body and lung masks (ITK types: include from .cpp
// files in pipeline/ only).

#include <itkImage.h>

#include <cstdint>
#include <vector>

namespace vigil::pipeline {

using ItkMask = itk::Image<std::uint8_t, 3>;

/// `mask` (foreground 1) with the holes of each axial slice filled, copied out in voxel order:
/// lungs and airways are holes in the body, vessels and nodules holes in the lungs.
std::vector<std::uint8_t> fill_holes_per_slice(ItkMask* mask);

}  // namespace vigil::pipeline
