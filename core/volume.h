#pragma once
// A 3-D image in patient space: voxels in memory plus their Geometry.

#include <vector>

#include "core/geometry.h"

namespace vigil {

/// Voxels stored i fastest, then j, then k (index = i + size_i * (j + size_j * k)).
/// For CT the values are Hounsfield units; for other modalities the rescaled stored values.
struct Volume {
  Geometry geometry;
  std::vector<float> voxels;

  float at(std::size_t i, std::size_t j, std::size_t k) const {
    return voxels[i + geometry.size[0] * (j + geometry.size[1] * k)];
  }
};

}  // namespace vigil
