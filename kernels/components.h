#pragma once
// Kernel 5: 3-D connected-component labelling (26-connectivity) with per-component voxel count,
// centroid and bounding box.

#include <array>
#include <cstdint>
#include <vector>

#include "kernels/device.h"
#include "kernels/extent.h"

namespace vigil::kernels {

struct Component {
  std::uint32_t label = 0;           ///< 1, 2, ... in order of each component's first voxel (raster order)
  std::size_t voxels = 0;
  std::array<double, 3> centroid{};  ///< mean voxel index (i, j, k)
  std::array<std::uint32_t, 3> bbox_min{}, bbox_max{};  ///< inclusive, voxel indices
};

struct Components {
  std::vector<std::uint32_t> labels;  ///< per voxel, 0 = background
  std::vector<Component> components;  ///< components[n].label == n + 1
};

/// CPU reference (union-find). `mask` != 0 is foreground.
Components connected_components_cpu(const std::uint8_t* mask, Extent3 extent);

/// CUDA on a device mask (union-find, Playne & Hawick 2018). Synchronises; returns host data.
Components connected_components_cuda(const std::uint8_t* mask, Extent3 extent, Stream stream);

/// Host mask on the chosen backend.
Components connected_components(const std::uint8_t* mask, Extent3 extent, Backend backend = default_backend());

/// Background in the GPU path's per-voxel root table; labels must stay below it.
inline constexpr std::uint32_t kNoLabel = 0xFFFFFFFFu;

}  // namespace vigil::kernels
