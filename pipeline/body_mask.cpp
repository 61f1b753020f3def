#include "pipeline/body_mask.h"

#include <itkConnectedComponentImageFilter.h>
#include <itkRelabelComponentImageFilter.h>

#include "core/error.h"
#include "pipeline/slice_fill.h"

namespace vigil::pipeline {

std::vector<std::uint8_t> body_mask(const Volume& ct, float threshold) {
  const Geometry& g = ct.geometry;
  if (g.voxel_count() == 0) throw Error(ErrorCode::kInvalidArgument, "body mask: empty volume");
  try {
    using Mask = ItkMask;
    using Labels = itk::Image<std::uint32_t, 3>;
    auto tissue = Mask::New();
    Mask::RegionType region;
    region.SetSize({g.size[0], g.size[1], g.size[2]});
    tissue->SetRegions(region);
    tissue->Allocate();
    std::uint8_t* t = tissue->GetBufferPointer();
    for (std::size_t v = 0; v < ct.voxels.size(); ++v) t[v] = ct.voxels[v] > threshold;

    auto cc = itk::ConnectedComponentImageFilter<Mask, Labels>::New();
    cc->SetInput(tissue);
    auto relabel = itk::RelabelComponentImageFilter<Labels, Labels>::New();  // label 1 = largest
    relabel->SetInput(cc->GetOutput());
    relabel->Update();
    const std::uint32_t* labels = relabel->GetOutput()->GetBufferPointer();
    auto largest = Mask::New();
    largest->SetRegions(region);
    largest->Allocate();
    std::uint8_t* l = largest->GetBufferPointer();
    for (std::size_t v = 0; v < ct.voxels.size(); ++v) l[v] = labels[v] == 1;
    return fill_holes_per_slice(largest);
  } catch (const itk::ExceptionObject& e) {
    throw Error(ErrorCode::kInternal, std::string("body mask (ITK): ") + e.GetDescription());
  }
}

}  // namespace vigil::pipeline
