#include "pipeline/orientation.h"

#include <itkImage.h>
#include <itkImportImageFilter.h>
#include <itkOrientImageFilter.h>

#include <cmath>

#include "core/error.h"

namespace vigil::pipeline {

bool is_canonical_lps(const Geometry& g) {
  for (int a = 0; a < 3; ++a) {
    const Vec3 axis = g.axis(a);
    int dominant = 0;
    for (int p = 1; p < 3; ++p)
      if (std::abs(axis[p]) > std::abs(axis[dominant])) dominant = p;
    if (dominant != a || axis[a] <= 0) return false;
  }
  return true;
}

Volume to_canonical_lps(const Volume& volume) {
  const Geometry& g = volume.geometry;
  if (g.voxel_count() == 0) throw Error(ErrorCode::kInvalidArgument, "canonical orientation: empty volume");
  try {
    using Image = itk::Image<float, 3>;
    auto image = Image::New();
    Image::RegionType region;
    region.SetSize({g.size[0], g.size[1], g.size[2]});
    image->SetRegions(region);
    image->SetSpacing(g.spacing_mm.data());
    image->SetOrigin(g.origin_mm.data());
    Image::DirectionType d;
    for (int r = 0; r < 3; ++r)
      for (int c = 0; c < 3; ++c) d[r][c] = g.direction[r * 3 + c];
    image->SetDirection(d);
    // Borrow the voxels for the filter's input; the output is a new buffer.
    image->GetPixelContainer()->SetImportPointer(const_cast<float*>(volume.voxels.data()), volume.voxels.size(), false);

    auto orient = itk::OrientImageFilter<Image, Image>::New();
    orient->UseImageDirectionOn();
    orient->SetDesiredCoordinateOrientation(itk::SpatialOrientation::ITK_COORDINATE_ORIENTATION_RAI);
    orient->SetInput(image);
    orient->Update();
    const Image* out = orient->GetOutput();

    Volume result;
    const auto size = out->GetLargestPossibleRegion().GetSize();
    result.geometry.size = {size[0], size[1], size[2]};
    for (int a = 0; a < 3; ++a) {
      result.geometry.spacing_mm[a] = out->GetSpacing()[a];
      result.geometry.origin_mm[a] = out->GetOrigin()[a];
    }
    for (int r = 0; r < 3; ++r)
      for (int c = 0; c < 3; ++c) result.geometry.direction[r * 3 + c] = out->GetDirection()[r][c];
    result.voxels.assign(out->GetBufferPointer(), out->GetBufferPointer() + result.geometry.voxel_count());
    return result;
  } catch (const itk::ExceptionObject& e) {
    throw Error(ErrorCode::kInternal, std::string("canonical orientation (ITK): ") + e.GetDescription());
  }
}

}  // namespace vigil::pipeline
