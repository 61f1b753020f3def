#pragma once
// Network inputs cut from a CT at the network's own spacing: a cube of voxels centred on a point,
// resampled trilinearly (kernels) in the volume's axes and windowed onto [0, 1]. Training and
// inference call the same function, so the networks see the same thing in both.

#include <array>
#include <vector>

#include "core/volume.h"

namespace vigil::detection {

struct PatchGrid {
  std::array<double, 3> spacing_mm{1.0, 1.0, 1.0};  ///< x, y, z
  std::array<int, 3> size_zyx{32, 32, 32};
  float window_low_hu = -1000, window_high_hu = 400;  ///< mapped onto [0, 1]
};

/// The patch's grid: the volume's axes, voxel (size/2) on `centre_mm` (kernels' patch convention).
Geometry patch_geometry(const Geometry& volume, const Vec3& centre_mm, const PatchGrid& grid);

/// Patch voxels [z][y][x] in [0, 1]; outside the volume reads as air (-1024 HU).
std::vector<float> sample_patch(const Volume& ct, const Vec3& centre_mm, const PatchGrid& grid);

}  // namespace vigil::detection
