#pragma once
// Kernel 2: trilinear resampling onto a grid with the same direction and new spacing/extent,
// following ITK's ResampleImageFilter + LinearInterpolateImageFunction conventions: a point within
// half a voxel outside the input is interpolated with the edge replicated; farther out it gets
// `outside_value`.

#include <array>
#include <cstdint>

#include "core/geometry.h"
#include "kernels/device.h"
#include "kernels/extent.h"

namespace vigil::kernels {

/// Input continuous index along each axis = output index * scale + offset.
struct AxisMap {
  float scale[3] = {1, 1, 1};
  float offset[3] = {0, 0, 0};
};

/// The map between two grids of equal direction (throws vigil::Error(kInvalidArgument) otherwise).
AxisMap axis_map(const Geometry& input, const Geometry& output);

/// A grid covering `input` at `spacing_mm`: same origin and direction, size ceil(extent / spacing).
Geometry grid_with_spacing(const Geometry& input, const std::array<double, 3>& spacing_mm);

/// Nearest-neighbour resampling for label volumes (no new label values are invented); same grid
/// conventions. Labels are carried as uint16.
void resample_nearest_cpu(const std::uint16_t* in, Extent3 in_extent, std::uint16_t* out, Extent3 out_extent,
                          const AxisMap& map, std::uint16_t outside_value);

void resample_linear_cpu(const float* in, Extent3 in_extent, float* out, Extent3 out_extent, const AxisMap& map,
                         float outside_value);
void resample_linear_cuda(const float* in, Extent3 in_extent, float* out, Extent3 out_extent, const AxisMap& map,
                          float outside_value, Stream stream);
void resample_linear(const float* in, Extent3 in_extent, float* out, Extent3 out_extent, const AxisMap& map,
                     float outside_value, Backend backend = default_backend());

}  // namespace vigil::kernels
