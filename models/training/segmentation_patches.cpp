#include "models/training/segmentation_patches.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "kernels/normalize.h"
#include "kernels/patches.h"
#include "kernels/resample.h"
#include "models/training/study_volume.h"

namespace vigil::models {
namespace {

kernels::Extent3 extent_of(const Geometry& g) { return {g.size[0], g.size[1], g.size[2]}; }

}  // namespace

std::vector<TrainingPatch> sample_patches(const synthetic::SyntheticStudy& study, const PatchOptions& o, int count,
                                          std::mt19937_64& rng) {
  const Geometry in = study_geometry(study);
  const Geometry out = kernels::grid_with_spacing(in, o.spacing_mm);
  const kernels::AxisMap map = kernels::axis_map(in, out);
  const kernels::Extent3 ie = extent_of(in), oe = extent_of(out);
  std::vector<float> image(oe.count()), label(oe.count());
  kernels::resample_linear_cpu(study.hu.data(), ie, image.data(), oe, map, -1024.0f);
  kernels::normalize_cpu(image.data(), image.data(), image.size(),
                         kernels::IntensityTransform::window(o.window_low_hu, o.window_high_hu));
  std::vector<std::uint16_t> labels(oe.count());
  kernels::resample_nearest_cpu(study.labels.data(), ie, labels.data(), oe, map, 0);
  for (std::size_t v = 0; v < labels.size(); ++v) label[v] = labels[v] ? 1.0f : 0.0f;

  const std::array<int, 3> size_xyz{o.patch_zyx[2], o.patch_zyx[1], o.patch_zyx[0]};
  std::uniform_real_distribution<double> unit(0, 1);
  std::vector<kernels::Index3> centres;
  for (int n = 0; n < count; ++n) {
    if (!study.lesions.empty() && unit(rng) < o.p_lesion_centred) {
      const auto& lesion = study.lesions[rng() % study.lesions.size()];
      const Vec3 c = out.physical_to_index(lesion.center_mm);
      // Jitter by up to a quarter patch, so the lesion is not always in the middle.
      std::array<int, 3> p{};
      for (int a = 0; a < 3; ++a) {
        const int jitter = std::max(1, size_xyz[a] / 4);
        p[a] = int(std::lround(c[a])) + int(rng() % (2 * jitter + 1)) - jitter;
      }
      centres.push_back({p[0], p[1], p[2]});
    } else {
      centres.push_back({int(rng() % oe.nx), int(rng() % oe.ny), int(rng() % oe.nz)});
    }
  }
  const std::size_t voxels = std::size_t(o.patch_zyx[0]) * o.patch_zyx[1] * o.patch_zyx[2];
  std::vector<float> images(centres.size() * voxels), labels_out(centres.size() * voxels);
  kernels::gather_patches_cpu(image.data(), oe, centres.data(), centres.size(), size_xyz, 0.0f, images.data());
  kernels::gather_patches_cpu(label.data(), oe, centres.data(), centres.size(), size_xyz, 0.0f, labels_out.data());
  std::vector<TrainingPatch> patches(centres.size());
  for (std::size_t n = 0; n < centres.size(); ++n) {
    TrainingPatch& p = patches[n];
    p.size_zyx = o.patch_zyx;
    p.image.assign(images.begin() + std::ptrdiff_t(n * voxels), images.begin() + std::ptrdiff_t((n + 1) * voxels));
    p.label.resize(voxels);
    for (std::size_t v = 0; v < voxels; ++v) p.label[v] = labels_out[n * voxels + v] > 0.5f;
  }
  return patches;
}

void augment(TrainingPatch& p, const AugmentOptions& o, std::mt19937_64& rng) {
  const int nz = p.size_zyx[0], ny = p.size_zyx[1], nx = p.size_zyx[2];
  const auto index = [&](int z, int y, int x) { return (std::size_t(z) * ny + y) * nx + x; };
  bool flip[3] = {false, false, false};
  if (o.flips)
    for (bool& f : flip) f = rng() % 2;
  const int turns = (o.quarter_turns && nx == ny) ? int(rng() % 4) : 0;
  if (flip[0] || flip[1] || flip[2] || turns) {
    std::vector<float> image(p.image.size());
    std::vector<std::uint8_t> label(p.label.size() == p.image.size() ? p.label.size() : 0);
    for (int z = 0; z < nz; ++z)
      for (int y = 0; y < ny; ++y)
        for (int x = 0; x < nx; ++x) {
          // Source voxel of output (z, y, x): undo the quarter turns, then the flips.
          int sy = y, sx = x;
          for (int t = 0; t < turns; ++t) {
            const int ry = nx - 1 - sx, rx = sy;  // one quarter turn back
            sy = ry, sx = rx;
          }
          const int zz = flip[0] ? nz - 1 - z : z, yy = flip[1] ? ny - 1 - sy : sy, xx = flip[2] ? nx - 1 - sx : sx;
          image[index(z, y, x)] = p.image[index(zz, yy, xx)];
          if (!label.empty()) label[index(z, y, x)] = p.label[index(zz, yy, xx)];
        }
    p.image.swap(image);
    if (!label.empty()) p.label.swap(label);
  }
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  const float scale = 1.0f + o.intensity_scale * unit(rng), shift = o.intensity_shift * unit(rng);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  const float sigma = o.noise_sigma_max * (0.5f + 0.5f * unit(rng));
  for (float& v : p.image) v = v * scale + shift + sigma * noise(rng);
}

}  // namespace vigil::models
