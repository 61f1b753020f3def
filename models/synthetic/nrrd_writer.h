#pragma once
// Writes a label volume as NRRD (raw, little endian) with its patient-space geometry, readable by
// 3D Slicer, ITK and pynrrd.

#include <cstdint>
#include <string>
#include <vector>

#include "models/synthetic/slice_stack.h"

namespace vigil::synthetic {

/// Slices are written in stack order; the third axis is the step from slice 0 to slice 1 (for
/// uneven stacks the exact positions are in the ground-truth JSON). Throws vigil::Error(kIo).
void write_label_nrrd(const std::string& path, const SliceStack& stack, const std::vector<std::uint16_t>& labels);

}  // namespace vigil::synthetic
