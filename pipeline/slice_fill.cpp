#include "pipeline/slice_fill.h"

#include <itkBinaryFillholeImageFilter.h>
#include <itkSliceBySliceImageFilter.h>

namespace vigil::pipeline {

std::vector<std::uint8_t> fill_holes_per_slice(ItkMask* mask) {
  using Slice = itk::Image<std::uint8_t, 2>;
  auto fill = itk::BinaryFillholeImageFilter<Slice>::New();
  fill->SetForegroundValue(1);
  auto per_slice = itk::SliceBySliceImageFilter<ItkMask, ItkMask>::New();
  per_slice->SetFilter(fill);
  per_slice->SetDimension(2);
  per_slice->SetInput(mask);
  per_slice->Update();
  const std::uint8_t* out = per_slice->GetOutput()->GetBufferPointer();
  return {out, out + per_slice->GetOutput()->GetLargestPossibleRegion().GetNumberOfPixels()};
}

}  // namespace vigil::pipeline
