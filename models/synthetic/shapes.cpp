#include "models/synthetic/shapes.h"

#include <algorithm>
#include <cmath>

namespace vigil::synthetic {

Ellipsoid::Ellipsoid(const Vec3& center, const Vec3& radii, const std::array<Vec3, 3>& axes)
    : c(center), r(radii), ax(axes) {
  // AABB of a rotated ellipsoid: half-extent along world axis d is |R_d| (row norm of axes*radii).
  for (int d = 0; d < 3; ++d) {
    const double e = std::sqrt(std::pow(ax[0][d] * r[0], 2) + std::pow(ax[1][d] * r[1], 2) + std::pow(ax[2][d] * r[2], 2));
    lo[d] = c[d] - e;
    hi[d] = c[d] + e;
  }
}

double Ellipsoid::sdf(const Vec3& p) const {
  const Vec3 q = sub(p, c);
  const double x = dot(q, ax[0]) / r[0], y = dot(q, ax[1]) / r[1], z = dot(q, ax[2]) / r[2];
  // Scaled-sphere distance: exact sign, near-true distance at the surface for mild eccentricity.
  return (std::sqrt(x * x + y * y + z * z) - 1.0) * std::min({r[0], r[1], r[2]});
}

EllipticCylinderZ::EllipticCylinderZ(double cx_, double cy_, double z0_, double z1_, double a0_, double b0_,
                                     double a1_, double b1_)
    : cx(cx_), cy(cy_), z0(z0_), z1(z1_), a0(a0_), b0(b0_), a1(a1_), b1(b1_) {
  lo = {cx - std::max(a0, a1), cy - std::max(b0, b1), z0};
  hi = {cx + std::max(a0, a1), cy + std::max(b0, b1), z1};
}

double EllipticCylinderZ::sdf(const Vec3& p) const {
  const double t = std::clamp((p[2] - z0) / (z1 - z0), 0.0, 1.0);
  const double a = a0 + (a1 - a0) * t, b = b0 + (b1 - b0) * t;
  const double x = (p[0] - cx) / a, y = (p[1] - cy) / b;
  const double radial = (std::sqrt(x * x + y * y) - 1.0) * std::min(a, b);
  const double axial = std::max(z0 - p[2], p[2] - z1);
  return std::max(radial, axial);
}

Capsule::Capsule(const Vec3& a_, const Vec3& b_, double ra_, double rb_) : a(a_), b(b_), ra(ra_), rb(rb_) {
  const double rmax = std::max(ra, rb);
  for (int d = 0; d < 3; ++d) {
    lo[d] = std::min(a[d], b[d]) - rmax;
    hi[d] = std::max(a[d], b[d]) + rmax;
  }
}

double Capsule::sdf(const Vec3& p) const {
  const Vec3 ab = sub(b, a), ap = sub(p, a);
  const double len2 = dot(ab, ab);
  const double t = len2 > 0 ? std::clamp(dot(ap, ab) / len2, 0.0, 1.0) : 0.0;
  const Vec3 closest = add(a, scale(ab, t));
  return norm(sub(p, closest)) - (ra + (rb - ra) * t);
}

Lung::Lung(const Vec3& center, const Vec3& radii, double exponent, double dome_base_z_, double dome_height_,
           double base_hu, double texture_hu_, const std::array<double, 9>& waves_)
    : c(center), r(radii), n(exponent), dome_base_z(dome_base_z_), dome_height(dome_height_),
      texture_hu(texture_hu_), waves(waves_) {
  hu_value = base_hu;
  lo = sub(c, r);
  hi = add(c, r);
}

double Lung::sdf(const Vec3& p) const {
  // The apex narrows: above the centre the cross-section shrinks towards the top.
  const double up = std::clamp((p[2] - c[2]) / r[2], 0.0, 1.0);
  const double taper = 1.0 - 0.45 * up * up;
  const double x = std::abs(p[0] - c[0]) / (r[0] * taper), y = std::abs(p[1] - c[1]) / (r[1] * taper),
               z = std::abs(p[2] - c[2]) / r[2];
  const double body = (std::pow(std::pow(x, n) + std::pow(y, n) + std::pow(z, n), 1.0 / n) - 1.0) *
                      std::min({r[0], r[1], r[2]});
  // Diaphragm dome under the lung: highest at the lung's centre line, falling off laterally.
  const double u = (p[0] - c[0]) / r[0], v = (p[1] - c[1]) / r[1];
  const double dome_z = dome_base_z + dome_height * std::max(0.0, 1.0 - u * u - v * v);
  const double in_cavity = container ? container->sdf(p) + container_margin_mm : -1e300;
  return std::max({body * taper, dome_z - p[2], in_cavity});
}

double Lung::hu(const Vec3& p) const {
  double t = 0;
  for (int w = 0; w < 3; ++w) t += std::sin(waves[3 * w] * p[0] + waves[3 * w + 1] * p[1] + waves[3 * w + 2] * p[2] + w);
  return hu_value + texture_hu * t / 3.0;
}

Nodule::Nodule(const Vec3& center, double radius, std::vector<Lobe> lobes_, std::vector<Capsule> spicules_)
    : c(center), r(radius), lobes(std::move(lobes_)), spicules(std::move(spicules_)) {
  double reach = r;
  for (const auto& l : lobes) reach = std::max(reach, r * (1 + l.amplitude));
  for (int d = 0; d < 3; ++d) {
    lo[d] = c[d] - reach;
    hi[d] = c[d] + reach;
  }
  for (const auto& s : spicules)
    for (int d = 0; d < 3; ++d) {
      lo[d] = std::min(lo[d], s.lo[d]);
      hi[d] = std::max(hi[d], s.hi[d]);
    }
}

double Nodule::sdf(const Vec3& p) const {
  const Vec3 q = sub(p, c);
  const double dist = norm(q);
  double radius = r;
  if (dist > 1e-9) {
    const Vec3 u = scale(q, 1.0 / dist);
    for (const auto& l : lobes) radius += r * l.amplitude * std::pow(std::max(0.0, dot(u, l.direction)), 4);
  }
  double d = dist - radius;
  for (const auto& s : spicules) d = std::min(d, s.sdf(p));
  return d;
}

}  // namespace vigil::synthetic
