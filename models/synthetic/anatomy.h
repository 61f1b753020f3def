#pragma once
// The chest of one synthetic patient: body wall, fat, muscle, bones, mediastinum, heart, great
// vessels, lungs with vessel and airway trees, diaphragm, and lung-mask queries for placement.

#include <vector>

#include "core/rng.h"
#include "models/synthetic/shapes.h"

namespace vigil::synthetic {

struct VesselSegment {
  Vec3 a, b;
  double radius_a, radius_b;
};

struct Anatomy {
  std::vector<ShapePtr> shapes;          ///< paint order, background first
  const Lung* lungs[2] = {nullptr, nullptr};
  const Shape* heart = nullptr;          ///< the heart indents the left lung: not parenchyma
  std::vector<VesselSegment> vessels;    ///< pulmonary vessels (for juxtavascular placement)
  double lung_hu = -850;
  Vec3 body_center{0, 0, 0};
  double z_lo = 0, z_hi = 0;             ///< anatomy extent along z (mm)

  /// Signed distance to the nearer lung's parenchyma (negative inside; the heart is excluded).
  double lung_sdf(const Vec3& p) const;
  /// Distance from p to the nearest vessel surface (negative inside a vessel).
  double vessel_distance(const Vec3& p) const;
};

/// Builds the anatomy for a field of view of `fov_mm` centred on x=y=0, covering z in [z_lo, z_hi].
Anatomy build_anatomy(Rng& rng, double fov_mm, double z_lo, double z_hi);

}  // namespace vigil::synthetic
