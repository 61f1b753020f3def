#include "pipeline/lung_mask.h"

#include <itkBinaryBallStructuringElement.h>
#include <itkBinaryDilateImageFilter.h>
#include <itkBinaryMorphologicalClosingImageFilter.h>
#include <itkConnectedComponentImageFilter.h>
#include <itkImportImageFilter.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "core/error.h"
#include "pipeline/slice_fill.h"

namespace vigil::pipeline {
namespace {

using MaskImage = ItkMask;
using LabelImage = itk::Image<std::uint32_t, 3>;

MaskImage::Pointer to_itk(std::vector<std::uint8_t>& data, const Geometry& g) {
  auto image = MaskImage::New();
  MaskImage::RegionType region;
  region.SetSize({g.size[0], g.size[1], g.size[2]});
  image->SetRegions(region);
  image->SetSpacing(g.spacing_mm.data());
  image->GetPixelContainer()->SetImportPointer(data.data(), data.size(), false);
  return image;
}

using Ball = itk::BinaryBallStructuringElement<std::uint8_t, 3>;

// A ball of `mm` radius in voxels of this grid (at least one voxel along each axis).
Ball ball_of(const Geometry& g, double mm) {
  itk::Size<3> r;
  for (int a = 0; a < 3; ++a) r[a] = static_cast<itk::SizeValueType>(std::max(1.0, std::round(mm / g.spacing_mm[a])));
  Ball ball;
  ball.SetRadius(r);
  ball.CreateStructuringElement();
  return ball;
}

std::vector<std::uint8_t> copy_out(const MaskImage* image) {
  const std::uint8_t* p = image->GetBufferPointer();
  return {p, p + image->GetLargestPossibleRegion().GetNumberOfPixels()};
}

}  // namespace

std::vector<std::uint8_t> lung_mask(const Volume& ct, const LungMaskOptions& o) {
  const Geometry& g = ct.geometry;
  if (g.voxel_count() == 0) throw Error(ErrorCode::kInvalidArgument, "lung mask: empty volume");
  try {
    std::vector<std::uint8_t> air(ct.voxels.size());
    for (std::size_t v = 0; v < air.size(); ++v) air[v] = ct.voxels[v] < o.air_threshold_hu;

    // Air components; those touching the in-plane border are outside the body.
    auto cc = itk::ConnectedComponentImageFilter<MaskImage, LabelImage>::New();
    cc->SetInput(to_itk(air, g));
    cc->SetFullyConnected(false);
    cc->Update();
    const std::uint32_t* labels = cc->GetOutput()->GetBufferPointer();
    std::set<std::uint32_t> outside;
    std::map<std::uint32_t, std::size_t> sizes;
    for (std::size_t k = 0; k < g.size[2]; ++k)
      for (std::size_t j = 0; j < g.size[1]; ++j)
        for (std::size_t i = 0; i < g.size[0]; ++i) {
          const std::uint32_t l = labels[i + g.size[0] * (j + g.size[1] * k)];
          if (!l) continue;
          ++sizes[l];
          if (i == 0 || j == 0 || i + 1 == g.size[0] || j + 1 == g.size[1]) outside.insert(l);
        }
    std::size_t largest = 0;
    for (const auto& [l, n] : sizes)
      if (!outside.count(l)) largest = std::max(largest, n);
    std::vector<std::uint8_t> lung(air.size(), 0);
    for (std::size_t v = 0; v < lung.size(); ++v) {
      const std::uint32_t l = labels[v];
      lung[v] = l && !outside.count(l) && sizes[l] >= o.min_component_fraction * double(largest);
    }

    // Close vessels and small nodules in, then fill what is still enclosed in each axial slice.
    auto closing = itk::BinaryMorphologicalClosingImageFilter<MaskImage, MaskImage, Ball>::New();
    closing->SetInput(to_itk(lung, g));
    closing->SetKernel(ball_of(g, o.closing_radius_mm));
    closing->SetForegroundValue(1);
    closing->Update();
    return fill_holes_per_slice(closing->GetOutput());
  } catch (const itk::ExceptionObject& e) {
    throw Error(ErrorCode::kInternal, std::string("lung mask (ITK): ") + e.GetDescription());
  }
}

std::vector<std::uint8_t> dilate_mask(const std::vector<std::uint8_t>& mask, const Geometry& g, double margin_mm) {
  try {
    std::vector<std::uint8_t> copy = mask;
    auto dilate = itk::BinaryDilateImageFilter<MaskImage, MaskImage, Ball>::New();
    dilate->SetInput(to_itk(copy, g));
    dilate->SetKernel(ball_of(g, margin_mm));
    dilate->SetForegroundValue(1);
    dilate->Update();
    return copy_out(dilate->GetOutput());
  } catch (const itk::ExceptionObject& e) {
    throw Error(ErrorCode::kInternal, std::string("dilate mask (ITK): ") + e.GetDescription());
  }
}

double dice(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b) {
  std::size_t both = 0, na = 0, nb = 0;
  for (std::size_t v = 0; v < a.size() && v < b.size(); ++v) {
    both += a[v] && b[v];
    na += a[v] != 0;
    nb += b[v] != 0;
  }
  return na + nb == 0 ? 1.0 : 2.0 * double(both) / double(na + nb);
}

}  // namespace vigil::pipeline
