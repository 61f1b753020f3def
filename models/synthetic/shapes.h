#pragma once
// Solids of the phantom: each has a signed distance (mm, negative inside; exact in sign and close
// to the true distance near its surface), an intensity in HU and a world bounding box.

#include <array>
#include <memory>
#include <vector>

#include "core/geometry.h"

namespace vigil::synthetic {

struct Shape {
  virtual ~Shape() = default;
  virtual double sdf(const Vec3& p) const = 0;
  /// Intensity at p (inside the shape); constant unless a shape models texture.
  virtual double hu(const Vec3& p) const { return hu_value; }

  Vec3 lo{0, 0, 0}, hi{0, 0, 0};  ///< world AABB (mm) that contains the shape
  double hu_value = 0;
  int label = 0;             ///< lesion id painted into the label volume (0: none)
  bool counts_volume = false;  ///< its coverage adds to the lesion's measured volume
};

using ShapePtr = std::unique_ptr<Shape>;

/// Ellipsoid with orthonormal axes u, v, w and radii (mm).
struct Ellipsoid : Shape {
  Ellipsoid(const Vec3& center, const Vec3& radii, const std::array<Vec3, 3>& axes = {Vec3{1, 0, 0}, Vec3{0, 1, 0},
                                                                                      Vec3{0, 0, 1}});
  double sdf(const Vec3& p) const override;
  Vec3 c, r;
  std::array<Vec3, 3> ax;
};

/// Cylinder along z with an elliptic cross-section whose semi-axes change linearly with z
/// (the body wall tapers towards the neck).
struct EllipticCylinderZ : Shape {
  EllipticCylinderZ(double cx, double cy, double z0, double z1, double a0, double b0, double a1, double b1);
  double sdf(const Vec3& p) const override;
  double cx, cy, z0, z1, a0, b0, a1, b1;
};

/// Tapered capsule from a (radius ra) to b (radius rb): vessels, airways, ribs, spicules.
struct Capsule : Shape {
  Capsule(const Vec3& a, const Vec3& b, double ra, double rb);
  double sdf(const Vec3& p) const override;
  Vec3 a, b;
  double ra, rb;
};

/// One lung: a superellipsoid cut from below by a diaphragm dome, with a smooth parenchymal
/// texture (a few low-frequency waves, +/- texture_hu).
struct Lung : Shape {
  Lung(const Vec3& center, const Vec3& radii, double exponent, double dome_base_z, double dome_height,
       double base_hu, double texture_hu, const std::array<double, 9>& waves);
  double sdf(const Vec3& p) const override;
  double hu(const Vec3& p) const override;
  Vec3 c, r;
  double n, dome_base_z, dome_height, texture_hu;
  std::array<double, 9> waves;  ///< 3 waves: kx, ky, kz (rad/mm) each
  const Shape* container = nullptr;  ///< the thoracic cavity: the lung stays this far (mm) inside it
  double container_margin_mm = 2;
};

/// A nodule: a sphere whose radius varies with direction (lobes) plus optional spicules.
struct Nodule : Shape {
  struct Lobe {
    Vec3 direction;
    double amplitude;
  };
  Nodule(const Vec3& center, double radius, std::vector<Lobe> lobes, std::vector<Capsule> spicules);
  double sdf(const Vec3& p) const override;
  Vec3 c;
  double r;
  std::vector<Lobe> lobes;
  std::vector<Capsule> spicules;
};

}  // namespace vigil::synthetic
