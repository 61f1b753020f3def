#include "models/detection/patch_sampler.h"

#include "kernels/normalize.h"
#include "kernels/resample.h"

namespace vigil::detection {

Geometry patch_geometry(const Geometry& volume, const Vec3& centre_mm, const PatchGrid& grid) {
  Geometry g = volume;
  Vec3 origin = centre_mm;
  for (int a = 0; a < 3; ++a) {
    const int n = grid.size_zyx[2 - a];
    g.size[a] = static_cast<std::size_t>(n);
    g.spacing_mm[a] = grid.spacing_mm[a];
    origin = add(origin, scale(volume.axis(a), -(n / 2) * grid.spacing_mm[a]));
  }
  g.origin_mm = origin;
  return g;
}

std::vector<float> sample_patch(const Volume& ct, const Vec3& centre_mm, const PatchGrid& grid) {
  const Geometry& in = ct.geometry;
  const Geometry out = patch_geometry(in, centre_mm, grid);
  const kernels::Extent3 ie{in.size[0], in.size[1], in.size[2]}, oe{out.size[0], out.size[1], out.size[2]};
  std::vector<float> patch(oe.count());
  kernels::resample_linear_cpu(ct.voxels.data(), ie, patch.data(), oe, kernels::axis_map(in, out), -1024.0f);
  kernels::normalize_cpu(patch.data(), patch.data(), patch.size(),
                         kernels::IntensityTransform::window(grid.window_low_hu, grid.window_high_hu));
  return patch;
}

}  // namespace vigil::detection
