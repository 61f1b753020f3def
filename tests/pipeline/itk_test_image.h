#pragma once
// Vigil volumes as ITK images, for tests that compare Vigil's own code with ITK's filters.
#include <itkImage.h>

#include <algorithm>
#include <vector>

#include "core/geometry.h"

namespace vigil::test {

inline itk::Matrix<double, 3, 3> itk_direction(const Geometry& g) {
  itk::Matrix<double, 3, 3> d;
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) d[r][c] = g.direction[r * 3 + c];
  return d;
}

/// A copy of `data` (voxel order of `g`) with `g`'s size, spacing, origin and direction.
template <typename T>
typename itk::Image<T, 3>::Pointer to_itk(const std::vector<T>& data, const Geometry& g) {
  auto image = itk::Image<T, 3>::New();
  typename itk::Image<T, 3>::RegionType region;
  region.SetSize({g.size[0], g.size[1], g.size[2]});
  image->SetRegions(region);
  image->SetSpacing(g.spacing_mm.data());
  image->SetOrigin(g.origin_mm.data());
  image->SetDirection(itk_direction(g));
  image->Allocate();
  std::copy(data.begin(), data.end(), image->GetBufferPointer());
  return image;
}

}  // namespace vigil::test
