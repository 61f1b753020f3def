#pragma once
// Paints shapes onto a slice stack in order (later shapes cover earlier ones), integrating each
// voxel's coverage over its footprint and the slice thickness where a surface crosses it, so
// edges carry partial-volume effects.

#include <cstdint>
#include <map>
#include <vector>

#include "models/synthetic/shapes.h"
#include "models/synthetic/slice_stack.h"

namespace vigil::synthetic {

struct RenderResult {
  std::map<int, double> label_volume_mm3;  ///< coverage-weighted volume of each labelled shape
};

/// Paints `shapes` into `hu` (voxels() floats, pre-filled with the background) and writes each
/// labelled shape's id where it covers at least half a voxel into `labels` (voxels() entries, may
/// be nullptr). Deterministic for any thread count.
RenderResult render(const std::vector<const Shape*>& shapes, const SliceStack& stack, float* hu,
                    std::uint16_t* labels, unsigned threads = 0);

}  // namespace vigil::synthetic
