#pragma once
// Hole filling per axial slice, shared by the body and lung masks. The ITK overload is
// pipeline-internal (include from .cpp files in pipeline/ only).

#include <itkImage.h>

#include <array>
#include <cstdint>
#include <vector>

namespace vigil::pipeline {

using ItkMask = itk::Image<std::uint8_t, 3>;

/// `mask` (size i, j, k; foreground != 0) with the holes of each axial slice filled: background
/// that is not face-connected (4-connected in the slice) to the slice's border becomes 1. What
/// ITK's BinaryFillholeImageFilter gives slice by slice (tests/pipeline compares them), with the
/// slices in parallel. Lungs and airways are holes in the body, vessels and nodules holes in the lungs.
std::vector<std::uint8_t> fill_holes_per_slice(std::vector<std::uint8_t> mask, const std::array<std::size_t, 3>& size);

/// The same for an ITK image, copied out in voxel order.
std::vector<std::uint8_t> fill_holes_per_slice(ItkMask* mask);

}  // namespace vigil::pipeline
