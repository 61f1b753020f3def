#include "pipeline/lung_mask.h"

#include <itkConnectedComponentImageFilter.h>
#include <itkImportImageFilter.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/parallel.h"
#include "pipeline/distance_map.h"
#include "pipeline/slice_fill.h"

namespace vigil::pipeline {
namespace {

using MaskImage = ItkMask;
using LabelImage = itk::Image<std::uint32_t, 3>;

// A filter input over `data` without a copy. ITK's import API wants a mutable pointer, but filters
// never write to their inputs, so a read-only mask is safe to wrap.
MaskImage::Pointer to_itk(const std::vector<std::uint8_t>& data, const Geometry& g) {
  auto image = MaskImage::New();
  MaskImage::RegionType region;
  region.SetSize({g.size[0], g.size[1], g.size[2]});
  image->SetRegions(region);
  image->SetSpacing(g.spacing_mm.data());
  image->GetPixelContainer()->SetImportPointer(const_cast<std::uint8_t*>(data.data()), data.size(), false);
  return image;
}

// Morphological closing by a ball of `mm`: dilate, then erode (the complement dilated). The image
// border does not erode (as ITK's closing with its safe border).
std::vector<std::uint8_t> closed_mm(const std::vector<std::uint8_t>& mask, const Geometry& g, double mm) {
  std::vector<std::uint8_t> dilated = within_mm(mask, g, mm);
  for (auto& v : dilated) v = !v;
  // An empty complement stays empty when dilated (nothing to erode from): no special case needed.
  std::vector<std::uint8_t> eroded_complement = within_mm(dilated, g, mm);
  for (auto& v : eroded_complement) v = !v;
  return eroded_complement;
}

// The grid of f x f in-plane bins over `g`: each bin's centre is the centre of its voxels.
Geometry binned(const Geometry& g, std::size_t f) {
  Geometry coarse = g;
  for (int a = 0; a < 2; ++a) {
    coarse.size[a] = (g.size[a] + f - 1) / f;
    coarse.spacing_mm[a] = g.spacing_mm[a] * double(f);
    for (int r = 0; r < 3; ++r) coarse.origin_mm[r] += 0.5 * double(f - 1) * g.spacing_mm[a] * g.axis(a)[r];
  }
  return coarse;
}

// A binned mask back on the fine grid `g`: each voxel takes its bin's value.
std::vector<std::uint8_t> unbinned(const std::vector<std::uint8_t>& coarse, const Geometry& c, const Geometry& g, std::size_t f) {
  std::vector<std::uint8_t> out(g.voxel_count());
  // Row by row: each coarse value fills f voxels, and the f rows of a bin row are copies of its first
  // (a division per voxel took 4% of a whole classical run).
  const std::size_t nx = g.size[0];
  parallel_for(g.size[2], [&](std::size_t k) {
    for (std::size_t j = 0; j < g.size[1]; ++j) {
      std::uint8_t* row = out.data() + nx * (j + g.size[1] * k);
      if (j % f) {
        std::copy_n(row - nx, nx, row);
        continue;
      }
      const std::uint8_t* bins = coarse.data() + c.size[0] * (j / f + c.size[1] * k);
      for (std::size_t b = 0; b < c.size[0]; ++b) std::fill_n(row + b * f, std::min(f, nx - b * f), bins[b]);
    }
  });
  return out;
}

// The mask on `g` from its air voxels: air components not touching the in-plane border, closed,
// holes filled per slice.
std::vector<std::uint8_t> lung_from_air(const std::vector<std::uint8_t>& air, const Geometry& g, const LungMaskOptions& o) {
  // Air components; those touching the in-plane border are outside the body.
  auto cc = itk::ConnectedComponentImageFilter<MaskImage, LabelImage>::New();
  cc->SetInput(to_itk(air, g));
  cc->SetFullyConnected(false);
  cc->Update();
  const std::uint32_t* labels = cc->GetOutput()->GetBufferPointer();
  // Labels are 1..count: per-label tables, not maps (one lookup per voxel of a 512x512x300 CT).
  const std::size_t count = cc->GetObjectCount();
  std::vector<std::size_t> sizes(count + 1, 0);
  std::vector<std::uint8_t> outside(count + 1, 0);
  for (std::size_t k = 0; k < g.size[2]; ++k)
    for (std::size_t j = 0; j < g.size[1]; ++j)
      for (std::size_t i = 0; i < g.size[0]; ++i) {
        const std::uint32_t l = labels[i + g.size[0] * (j + g.size[1] * k)];
        if (!l) continue;
        ++sizes[l];
        if (i == 0 || j == 0 || i + 1 == g.size[0] || j + 1 == g.size[1]) outside[l] = 1;
      }
  std::size_t largest = 0;
  for (std::size_t l = 1; l <= count; ++l)
    if (!outside[l]) largest = std::max(largest, sizes[l]);
  std::vector<std::uint8_t> keep(count + 1, 0);
  for (std::size_t l = 1; l <= count; ++l)
    keep[l] = !outside[l] && double(sizes[l]) >= o.min_component_fraction * double(largest);
  std::vector<std::uint8_t> lung(air.size(), 0);
  for (std::size_t v = 0; v < lung.size(); ++v) lung[v] = keep[labels[v]];
  cc = nullptr;  // the 32-bit labels go before the closing needs its distance maps
  // Close vessels and small nodules in, then fill what is still enclosed in each axial slice.
  std::vector<std::uint8_t> closed = closed_mm(lung, g, o.closing_radius_mm);
  return fill_holes_per_slice(std::move(closed), g.size);
}

}  // namespace

int lung_mask_bin(const Geometry& g, const LungMaskOptions& o) {
  const double pixel = std::min(g.spacing_mm[0], g.spacing_mm[1]);
  return std::max(1, int(std::lround(o.working_pixel_mm / pixel)));
}

std::vector<std::uint8_t> lung_mask(const Volume& ct, const LungMaskOptions& o) {
  const Geometry& g = ct.geometry;
  if (g.voxel_count() == 0) throw Error(ErrorCode::kInvalidArgument, "lung mask: empty volume");
  try {
    // Air on a grid of f x f in-plane bins (the bin's mean HU below the threshold).
    const std::size_t f = std::size_t(lung_mask_bin(g, o));
    const Geometry coarse = binned(g, f);
    std::vector<std::uint8_t> air(coarse.voxel_count());
    parallel_for(g.size[2], [&](std::size_t k) {
      std::vector<double> sum(coarse.size[0] * coarse.size[1], 0.0);
      std::vector<int> n(sum.size(), 0);
      for (std::size_t j = 0; j < g.size[1]; ++j) {
        const float* row = ct.voxels.data() + g.size[0] * (j + g.size[1] * k);
        double* bin_sum = sum.data() + coarse.size[0] * (j / f);
        int* bin_n = n.data() + coarse.size[0] * (j / f);
        for (std::size_t b = 0, i = 0; b < coarse.size[0]; ++b)  // the bin's voxels of this row, in order
          for (const std::size_t end = std::min(g.size[0], i + f); i < end; ++i) bin_sum[b] += row[i], ++bin_n[b];
      }
      for (std::size_t b = 0; b < sum.size(); ++b) air[b + sum.size() * k] = sum[b] < double(o.air_threshold_hu) * n[b];
    });
    std::vector<std::uint8_t> lung = lung_from_air(air, coarse, o);
    return f == 1 ? lung : unbinned(lung, coarse, g, f);
  } catch (const itk::ExceptionObject& e) {
    throw Error(ErrorCode::kInternal, std::string("lung mask (ITK): ") + e.GetDescription());
  }
}

std::vector<std::uint8_t> dilate_mask(const std::vector<std::uint8_t>& mask, const Geometry& g, double margin_mm, int bin) {
  return closed_and_dilated(mask, g, 0, margin_mm, bin);
}

std::vector<std::uint8_t> closed_and_dilated(const std::vector<std::uint8_t>& mask, const Geometry& g, double closing_mm,
                                             double margin_mm, int bin) {
  const std::size_t f = std::size_t(std::max(1, bin));
  if (f == 1) return within_mm(closing_mm > 0 ? closed_mm(mask, g, closing_mm) : mask, g, margin_mm);
  // A bin is set when any of its voxels is, and grows by the margin plus the most that a voxel's
  // centre and its bin's centre can differ at both ends: so the result holds the exact one.
  const Geometry coarse = binned(g, f);
  std::vector<std::uint8_t> any(coarse.voxel_count(), 0);
  parallel_for(g.size[2], [&](std::size_t k) {
    for (std::size_t j = 0; j < g.size[1]; ++j)
      for (std::size_t i = 0; i < g.size[0]; ++i)
        if (mask[i + g.size[0] * (j + g.size[1] * k)]) any[i / f + coarse.size[0] * (j / f + coarse.size[1] * k)] = 1;
  });
  if (closing_mm > 0) any = closed_mm(any, coarse, closing_mm);
  const double offset = double(f - 1) * std::max(g.spacing_mm[0], g.spacing_mm[1]) * std::sqrt(2.0);
  return unbinned(within_mm(any, coarse, margin_mm + offset), coarse, g, f);
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
