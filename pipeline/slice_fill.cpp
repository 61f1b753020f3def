#include "pipeline/slice_fill.h"

#include "core/parallel.h"

namespace vigil::pipeline {

std::vector<std::uint8_t> fill_holes_per_slice(std::vector<std::uint8_t> mask, const std::array<std::size_t, 3>& size) {
  const std::size_t nx = size[0], ny = size[1], plane = nx * ny;
  if (plane == 0) return mask;
  parallel_for(size[2], [&](std::size_t k) {
    std::uint8_t* s = mask.data() + plane * k;
    // Flood the background from the border: reached pixels are marked 2, then 2 -> 0, 0 -> 1.
    for (std::size_t p = 0; p < plane; ++p) s[p] = s[p] != 0;
    std::vector<std::size_t> stack;
    const auto visit = [&](std::size_t p) {
      if (s[p] == 0) s[p] = 2, stack.push_back(p);
    };
    for (std::size_t i = 0; i < nx; ++i) visit(i), visit(i + nx * (ny - 1));
    for (std::size_t j = 0; j < ny; ++j) visit(nx * j), visit(nx - 1 + nx * j);
    while (!stack.empty()) {
      const std::size_t p = stack.back();
      stack.pop_back();
      const std::size_t i = p % nx, j = p / nx;
      if (i > 0) visit(p - 1);
      if (i + 1 < nx) visit(p + 1);
      if (j > 0) visit(p - nx);
      if (j + 1 < ny) visit(p + nx);
    }
    for (std::size_t p = 0; p < plane; ++p) s[p] = s[p] != 2;
  });
  return mask;
}

std::vector<std::uint8_t> fill_holes_per_slice(ItkMask* mask) {
  const std::uint8_t* in = mask->GetBufferPointer();
  const auto region = mask->GetLargestPossibleRegion().GetSize();
  return fill_holes_per_slice(std::vector<std::uint8_t>(in, in + mask->GetLargestPossibleRegion().GetNumberOfPixels()),
                              {region[0], region[1], region[2]});
}

}  // namespace vigil::pipeline
