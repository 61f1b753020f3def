#pragma once
// The sampling grid of an acquisition: one plane per slice, each with its own origin, so gantry
// tilt, uneven spacing and missing slices are just other positions.

#include <cstddef>
#include <vector>

#include "core/geometry.h"

namespace vigil::synthetic {

struct SliceStack {
  std::vector<Vec3> positions;  ///< Image Position (Patient) of each slice, in acquisition order
  Vec3 row{1, 0, 0};            ///< direction of increasing column index (DICOM IOP, first triplet)
  Vec3 col{0, 1, 0};            ///< direction of increasing row index (IOP, second triplet)
  double spacing_row_mm = 0.7;  ///< between columns, along `row` (DICOM Pixel Spacing[1])
  double spacing_col_mm = 0.7;  ///< between rows, along `col` (DICOM Pixel Spacing[0])
  double thickness_mm = 1.25;   ///< slice sensitivity profile width (box)
  std::size_t columns = 512;
  std::size_t rows = 512;

  std::size_t slices() const { return positions.size(); }
  std::size_t voxels() const { return columns * rows * positions.size(); }
  Vec3 normal() const { return cross(row, col); }
  /// Patient position of pixel (i, j) of slice k.
  Vec3 point(std::size_t i, std::size_t j, std::size_t k) const;
  /// True when the ball of `radius_mm` around p lies inside the imaged region: between the first
  /// and last slice planes and within the field of view of the nearest slice.
  bool contains(const Vec3& p, double radius_mm) const;
};

}  // namespace vigil::synthetic
