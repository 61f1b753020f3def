#include "models/synthetic/anatomy.h"

#include <algorithm>
#include <cmath>

namespace vigil::synthetic {
namespace {

constexpr double kPi = 3.14159265358979323846;


template <typename T, typename... Args>
T* push(Anatomy& an, double hu, Args&&... args) {
  auto s = std::make_unique<T>(std::forward<Args>(args)...);
  s->hu_value = hu;
  T* raw = s.get();
  an.shapes.push_back(std::move(s));
  return raw;
}

// A random direction within `angle` radians of `axis`.
Vec3 perturb(Rng& rng, const Vec3& axis, double angle) {
  const Vec3 helper = std::abs(axis[2]) < 0.9 ? Vec3{0, 0, 1} : Vec3{1, 0, 0};
  const Vec3 u = normalized(cross(axis, helper)), v = cross(axis, u);
  const double phi = rng.uniform(0, 2 * kPi), theta = angle * std::sqrt(rng.uniform());
  return normalized(add(scale(axis, std::cos(theta)),
                  add(scale(u, std::sin(theta) * std::cos(phi)), scale(v, std::sin(theta) * std::sin(phi)))));
}

// Grows a branching tree inside `lung` (Murray's law radii, branch angles 20-45 degrees).
void grow_tree(Rng& rng, const Lung& lung, Vec3 start, Vec3 direction, double radius, int depth,
               std::vector<VesselSegment>& out, std::size_t limit) {
  struct Node {
    Vec3 p, d;
    double r;
    int depth;
  };
  std::vector<Node> stack{{start, direction, radius, depth}};
  while (!stack.empty() && out.size() < limit) {
    Node n = stack.back();
    stack.pop_back();
    if (n.r < 0.3 || n.depth > 14) continue;
    const double length = std::max(2.5, n.r * rng.uniform(5, 9));
    Vec3 end{};
    bool inside = false;
    for (int attempt = 0; attempt < 4 && !inside; ++attempt) {
      const Vec3 d = attempt == 0 ? n.d : perturb(rng, n.d, 0.6 + 0.3 * attempt);
      end = add(n.p, scale(d, length));
      inside = lung.sdf(end) < -n.r;
      if (inside) n.d = d;
    }
    if (!inside) continue;
    const double r_end = n.r * 0.93;
    out.push_back({n.p, end, n.r, r_end});
    // Murray: r^3 = r1^3 + r2^3 with an asymmetric split.
    const double share = rng.uniform(0.35, 0.65);
    const double r1 = r_end * std::cbrt(share), r2 = r_end * std::cbrt(1 - share);
    stack.push_back({end, perturb(rng, n.d, 0.45), r1, n.depth + 1});
    stack.push_back({end, perturb(rng, n.d, 0.75), r2, n.depth + 1});
  }
}

}  // namespace

double Anatomy::lung_sdf(const Vec3& p) const {
  return std::max(std::min(lungs[0]->sdf(p), lungs[1]->sdf(p)), -heart->sdf(p));
}

double Anatomy::vessel_distance(const Vec3& p) const {
  double best = 1e300;
  for (const auto& v : vessels) {
    const Vec3 ab = sub(v.b, v.a), ap = sub(p, v.a);
    const double t = std::clamp(dot(ap, ab) / std::max(1e-12, dot(ab, ab)), 0.0, 1.0);
    best = std::min(best, norm(sub(p, add(v.a, scale(ab, t)))) - (v.radius_a + (v.radius_b - v.radius_a) * t));
  }
  return best;
}

Anatomy build_anatomy(Rng& rng, double fov_mm, double z_lo, double z_hi) {
  Anatomy an;
  an.z_lo = z_lo;
  an.z_hi = z_hi;
  const double a = std::min(0.44 * fov_mm, rng.uniform(140, 185));  // half width (L-R)
  const double b = std::min(0.40 * fov_mm, a * rng.uniform(0.62, 0.78));  // half depth (A-P)
  const double cy = rng.uniform(-5, 10);
  an.body_center = {0, cy, 0.5 * (z_lo + z_hi)};
  const double fat = rng.uniform(5, 18), muscle = rng.uniform(7, 12);
  const double zb = z_lo - 50, zt = z_hi + 50;
  const double taper = rng.uniform(0.85, 0.95);  // narrower towards the neck
  // Body wall: skin/fat, muscle, then the thoracic content (mediastinal fat by default).
  push<EllipticCylinderZ>(an, rng.uniform(-110, -90), 0, cy, zb, zt, a, b, a * taper, b * taper);
  push<EllipticCylinderZ>(an, rng.uniform(35, 55), 0, cy, zb, zt, a - fat, b - fat, a * taper - fat, b * taper - fat);
  const double ia = a - fat - muscle, ib = b - fat - muscle;
  const Shape* cavity = push<EllipticCylinderZ>(an, rng.uniform(-90, -60), 0, cy, zb, zt, ia, ib, ia * taper, ib * taper);

  // Lungs: apex near the top of the scan, diaphragm domes in its lower part.
  const double extent = z_hi - z_lo;
  const double lung_h = extent * rng.uniform(0.40, 0.46);
  const double lung_cz = z_hi - lung_h + rng.uniform(-5, 15);
  const double gap = rng.uniform(22, 32);  // half-width of the mediastinum
  const double lung_rx = (ia - gap) / 2 * rng.uniform(0.95, 0.99), lung_ry = ib * rng.uniform(0.85, 0.93);
  an.lung_hu = rng.uniform(-880, -820);
  // Liver and abdomen below the right dome, spleen/stomach below the left one.
  push<Ellipsoid>(an, rng.uniform(50, 65), Vec3{-ia * 0.3, cy, lung_cz - lung_h}, Vec3{ia * 0.8, ib * 0.9, 90});
  for (int side = 0; side < 2; ++side) {
    const double sx = side == 0 ? -1 : 1;  // right lung at x < 0 (LPS)
    const Vec3 c{sx * (gap + lung_rx), cy + rng.uniform(-4, 4), lung_cz};
    std::array<double, 9> waves{};
    for (auto& w : waves) w = rng.uniform(-0.08, 0.08);
    Lung* lung = push<Lung>(an, an.lung_hu, c, Vec3{lung_rx, lung_ry, lung_h}, rng.uniform(3.0, 3.8),
                                lung_cz - lung_h * rng.uniform(0.75, 0.85), lung_h * rng.uniform(0.15, 0.3),
                                an.lung_hu, rng.uniform(6, 15), waves);
    lung->container = cavity;  // the lungs never cross the chest wall
    an.lungs[side] = lung;
  }
  // Heart (anterior-left, on the diaphragm), aorta (descending, left of the spine).
  const double heart_z = lung_cz - lung_h * 0.45;
  an.heart = push<Ellipsoid>(an, rng.uniform(35, 50), Vec3{gap * 0.5, cy - ib * 0.25, heart_z},
                  Vec3{gap * 1.9, ib * 0.45, lung_h * 0.35});
  push<Capsule>(an, rng.uniform(35, 50), Vec3{gap * 0.3, cy + ib * 0.55, zb}, Vec3{gap * 0.3, cy + ib * 0.55, zt}, 12.0,
                12.0);
  // Spine: vertebral bodies (cortex + cancellous bone) with discs, spinal canal behind.
  const double spine_y = cy + ib * 0.78;
  for (double z = zb; z < zt; z += 27) {
    push<EllipticCylinderZ>(an, rng.uniform(650, 800), 0, spine_y, z, z + 24, 19, 16, 19, 16);
    push<EllipticCylinderZ>(an, rng.uniform(200, 280), 0, spine_y, z + 1.5, z + 22.5, 17, 14, 17, 14);
    push<EllipticCylinderZ>(an, 70, 0, spine_y, z + 24, z + 27, 18, 15, 18, 15);
  }
  push<Capsule>(an, 15, Vec3{0, spine_y + 24, zb}, Vec3{0, spine_y + 24, zt}, 8.0, 8.0);
  // Sternum: a flat bar behind the anterior wall.
  push<Ellipsoid>(an, rng.uniform(350, 450), Vec3{0, cy - ib + 8, lung_cz - lung_h * 0.1},
                  Vec3{15, 6, lung_h * 0.45});
  // Ribs: arcs from the spine round the wall, each falling ~90 mm towards the front, so an axial
  // slice cuts short oval sections of several ribs; one every ~26 mm.
  for (double z = lung_cz + lung_h * 1.05; z > zb; z -= rng.uniform(23, 29)) {
    for (int side = -1; side <= 1; side += 2) {
      Vec3 prev{};
      const double drop = rng.uniform(70, 100);
      for (int s = 0; s <= 14; ++s) {
        const double t = (0.10 + 0.72 * s / 14.0) * kPi;  // from beside the spine round to the front
        const Vec3 p{side * (ia + muscle * 0.35) * std::sin(t), cy + (ib + muscle * 0.35) * std::cos(t),
                     z - drop * (1 - std::cos(t)) / 2};
        if (s > 0) {
          push<Capsule>(an, rng.uniform(600, 800), prev, p, 4.5, 4.5);
          push<Capsule>(an, rng.uniform(200, 320), prev, p, 2.8, 2.8);
        }
        prev = p;
      }
    }
  }
  // Pulmonary vessels from each hilum, and airways: trachea, main bronchi, a few generations.
  for (int side = 0; side < 2; ++side) {
    const Lung& lung = *an.lungs[side];
    const double sx = side == 0 ? -1 : 1;
    const Vec3 hilum{sx * (gap + lung_rx * 0.35), cy, lung_cz - lung_h * 0.25};
    for (int trunk = 0; trunk < 10; ++trunk) {
      const Vec3 dir = perturb(rng, normalized(Vec3{sx, rng.uniform(-0.5, 0.5), trunk < 5 ? 0.9 : -0.6}), 0.7);
      grow_tree(rng, lung, hilum, dir, rng.uniform(3.0, 5.0), 0, an.vessels, 3000 * (side + 1));
    }
  }
  // Keep only vessel segments outside the heart (the lung shape runs under it).
  std::erase_if(an.vessels, [&](const VesselSegment& v) { return an.heart->sdf(v.b) < 0; });
  for (const auto& v : an.vessels) push<Capsule>(an, rng.uniform(30, 50), v.a, v.b, v.radius_a, v.radius_b);
  const Vec3 carina{0, cy - 5, lung_cz - lung_h * 0.2};
  push<Capsule>(an, 20, Vec3{0, cy - 5, zt}, carina, 10.0, 9.0);  // tracheal wall
  push<Capsule>(an, -1000, Vec3{0, cy - 5, zt}, carina, 8.0, 7.5);
  for (int side = 0; side < 2; ++side) {
    const double sx = side == 0 ? -1 : 1;
    Vec3 p = carina, d = normalized(Vec3{sx, 0.1, -0.7});
    double r = 6.5;
    for (int g = 0; g < 5; ++g) {
      const Vec3 e = add(p, scale(d, r * 5));
      if (g > 0 && an.lungs[side]->sdf(e) > -r) break;
      push<Capsule>(an, 0, p, e, r + 1.5, r * 0.85 + 1.2);  // wall
      push<Capsule>(an, -1000, p, e, r, r * 0.85);          // lumen
      p = e;
      d = perturb(rng, d, 0.5);
      r *= 0.75;
    }
  }
  return an;
}

}  // namespace vigil::synthetic
