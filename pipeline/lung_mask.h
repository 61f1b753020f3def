#pragma once
// Lung segmentation from HU by thresholds and morphology (ITK): the region candidates are searched
// in, and a stage models will use to crop.

#include <cstdint>
#include <vector>

#include "core/volume.h"

namespace vigil::pipeline {

struct LungMaskOptions {
  float air_threshold_hu = -400;     ///< lung parenchyma and airways lie below this
  double closing_radius_mm = 4;      ///< closes vessels and small nodules into the mask
  double min_component_fraction = 0.02;  ///< air components smaller than this fraction of the largest are dropped (bowel gas)
  /// In-plane pixels finer than this are binned f x f (f = this / pixel, rounded) while the mask is
  /// made, then the mask is mapped back: a lung boundary needs no 0.7 mm grid, and the time and
  /// memory of the labelling and the distance maps fall with f squared.
  double working_pixel_mm = 1.4;
};

/// 1 = lung, 0 = elsewhere, laid out like `ct.voxels`. Air connected to the in-plane border of the
/// image (outside the body) is excluded; holes in each axial slice are filled. Throws
/// vigil::Error(kInvalidArgument) for an empty volume.
std::vector<std::uint8_t> lung_mask(const Volume& ct, const LungMaskOptions& options = {});

/// The in-plane bin f the mask of a volume on `geometry` is made at (1: the CT's own grid).
int lung_mask_bin(const Geometry& geometry, const LungMaskOptions& options = {});

/// The mask grown by `margin_mm` (a juxta-pleural nodule's centre lies outside the air mask). With
/// `bin` > 1 the growing runs on bin x bin in-plane bins: the result holds the exact one and reaches
/// at most 2 (bin - 1) sqrt(2) pixels further, in a bin-squared fraction of the memory and time.
std::vector<std::uint8_t> dilate_mask(const std::vector<std::uint8_t>& mask, const Geometry& geometry,
                                      double margin_mm, int bin = 1);

/// The candidate search region: the mask closed by a ball of `closing_mm` (dilated, then eroded),
/// then grown by `margin_mm`. The closing takes in the bite a juxta-pleural nodule leaves in the air
/// mask, where its centre lies, but not the mediastinum's broad convex edges, which a wide margin
/// alone let in (and which the classifier mistook for pleural nodules). Binned like dilate_mask;
/// `closing_mm` = 0 is dilate_mask.
std::vector<std::uint8_t> closed_and_dilated(const std::vector<std::uint8_t>& mask, const Geometry& geometry,
                                             double closing_mm, double margin_mm, int bin = 1);

/// Dice overlap of two masks of equal size (1 when both are empty).
double dice(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b);

}  // namespace vigil::pipeline
