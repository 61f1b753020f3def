#include "models/synthetic/lesions.h"

#include <algorithm>
#include <cmath>

namespace vigil::synthetic {
namespace {

constexpr double kPi = 3.14159265358979323846;


Vec3 random_direction(Rng& rng) {
  const double z = rng.uniform(-1, 1), phi = rng.uniform(0, 2 * kPi), s = std::sqrt(1 - z * z);
  return {s * std::cos(phi), s * std::sin(phi), z};
}

// Sign-changing gradient of the lung SDF by central differences: points away from the lung.
Vec3 lung_outward(const Anatomy& an, const Vec3& p) {
  const double h = 0.5;
  return normalized({an.lung_sdf(add(p, {h, 0, 0})) - an.lung_sdf(add(p, {-h, 0, 0})),
               an.lung_sdf(add(p, {0, h, 0})) - an.lung_sdf(add(p, {0, -h, 0})),
               an.lung_sdf(add(p, {0, 0, h})) - an.lung_sdf(add(p, {0, 0, -h}))});
}

Vec3 random_point_in_lungs(Rng& rng, const Anatomy& an, double z_lo, double z_hi) {
  const Lung& lung = *an.lungs[rng.uniform_int(0, 1)];
  return {rng.uniform(lung.lo[0], lung.hi[0]), rng.uniform(lung.lo[1], lung.hi[1]),
          rng.uniform(std::max(lung.lo[2], z_lo), std::min(lung.hi[2], z_hi))};
}

// A centre for a lesion of radius r with the requested placement, or false after many tries.
bool place(Rng& rng, const Anatomy& an, const SliceStack& stack, const std::string& placement, double r,
           double z_lo, double z_hi, const std::vector<LesionTruth>& others, Vec3& out) {
  if (placement == "juxtavascular" && an.vessels.empty()) return false;  // a short stack may image none
  for (int attempt = 0; attempt < 4000; ++attempt) {
    Vec3 c = random_point_in_lungs(rng, an, z_lo + r + 2, z_hi - r - 2);
    if (an.lung_sdf(c) > -2) continue;
    if (placement == "juxtapleural") {
      // Slide outward until the lesion touches the pleura: centre r*0.8 inside the boundary.
      const double d = an.lung_sdf(c);
      if (d < -60) continue;
      c = add(c, scale(lung_outward(an, c), -d - 0.8 * r));
      if (std::abs(an.lung_sdf(c) + 0.8 * r) > 1.0) continue;
    } else if (placement == "juxtavascular") {
      const auto& v = an.vessels[rng.uniform_int(0, static_cast<int>(an.vessels.size()) - 1)];
      if (v.radius_a < 1.0) continue;
      const double t = rng.uniform();
      const Vec3 axis = normalized(sub(v.b, v.a));
      const Vec3 on = add(v.a, scale(sub(v.b, v.a), t));
      Vec3 side = normalized(cross(axis, random_direction(rng)));
      c = add(on, scale(side, v.radius_a + 0.8 * r));
      if (an.lung_sdf(c) > -r - 1) continue;
    } else {
      if (an.lung_sdf(c) > -r - 4 || an.vessel_distance(c) < r + 1.5) continue;
    }
    if (c[2] - r < z_lo || c[2] + r > z_hi || !stack.contains(c, 1.6 * r + 2)) continue;
    const bool clear = std::all_of(others.begin(), others.end(), [&](const LesionTruth& o) {
      return norm(sub(o.center_mm, c)) > (o.long_axis_mm / 2 + r + 10);
    });
    if (clear) {
      out = c;
      return true;
    }
  }
  return false;
}

const char* pick(Rng& rng, double p_a, const char* a, double p_b, const char* b, const char* otherwise) {
  const double u = rng.uniform();
  return u < p_a ? a : u < p_a + p_b ? b : otherwise;
}

}  // namespace

std::vector<ShapePtr> lesion_shapes(Rng& rng, const SynthConfig& cfg, LesionTruth& t, double r, double sigma,
                                    double background_hu) {
  std::vector<ShapePtr> shapes;
  std::vector<Nodule::Lobe> lobes;
  if (t.shape != "spherical") {
    const int k = rng.uniform_int(3, 6);
    for (int i = 0; i < k; ++i) lobes.push_back({random_direction(rng), rng.uniform(0.12, 0.35)});
  }
  std::vector<Capsule> spicules;
  if (t.shape == "spiculated") {
    const int k = rng.uniform_int(5, 12);
    for (int i = 0; i < k; ++i) {
      const Vec3 d = random_direction(rng);
      const double len = r * rng.uniform(0.8, 1.8);
      spicules.emplace_back(add(t.center_mm, scale(d, r * 0.7)), add(t.center_mm, scale(d, r + len)), std::min(1.2, 0.25 * r), 0.15);
    }
  }
  if (t.type == "solid") {
    t.hu = rng.uniform(-100, 100);
  } else {
    t.hu = std::clamp(background_hu + rng.uniform(cfg.ground_glass_cnr.min, cfg.ground_glass_cnr.max) * sigma, -750.0,
                      -300.0);
  }
  t.hu_contrast = t.hu - background_hu;
  t.cnr = t.hu_contrast / sigma;
  double reach = r;
  double smallest = r;
  for (const auto& l : lobes) reach = std::max(reach, r * (1 + l.amplitude));
  // Opposite lobes add up along one line: long axis bounded by the two largest reaches.
  t.long_axis_mm = std::min(2 * reach, r + reach + (lobes.size() > 1 ? r * 0.35 : 0));
  t.short_axis_mm = 2 * smallest;

  auto body = std::make_unique<Nodule>(t.center_mm, r, lobes, spicules);
  body->hu_value = t.hu;
  body->label = t.id;
  body->counts_volume = true;
  shapes.push_back(std::move(body));
  if (t.type == "part_solid") {
    t.core_hu = rng.uniform(-100, 60);
    auto core = std::make_unique<Nodule>(t.center_mm, r * rng.uniform(0.3, 0.6), std::vector<Nodule::Lobe>{},
                                         std::vector<Capsule>{});
    core->hu_value = t.core_hu;
    core->label = t.id;
    shapes.push_back(std::move(core));
  }
  return shapes;
}

PlannedLesions plan_lesions(Rng& rng, const Anatomy& an, const SynthConfig& cfg, double sigma,
                            const SliceStack& stack, double z_lo, double z_hi) {
  PlannedLesions out;
  const int count = rng.chance(cfg.p_no_lesion)
                        ? 0
                        : rng.uniform_int(static_cast<int>(cfg.lesions_per_study.min),
                                          static_cast<int>(cfg.lesions_per_study.max));
  for (int n = 0; n < count; ++n) {
    LesionTruth t;
    t.id = static_cast<int>(out.truth.size()) + 1;
    t.type = pick(rng, cfg.p_solid, "solid", cfg.p_part_solid, "part_solid", "ground_glass");
    t.shape = pick(rng, cfg.p_lobulated, "lobulated", cfg.p_spiculated, "spiculated", "spherical");
    t.placement = pick(rng, cfg.p_juxtavascular, "juxtavascular", cfg.p_juxtapleural, "juxtapleural", "parenchyma");
    const double diameter = std::exp(rng.uniform(std::log(cfg.lesion_diameter_mm.min), std::log(cfg.lesion_diameter_mm.max)));
    if (t.shape == "spiculated" && diameter < 6) t.shape = "lobulated";  // spicules need a body to radiate from
    const double r = diameter / 2;
    Vec3 c{};
    if (!place(rng, an, stack, t.placement, r, z_lo, z_hi, out.truth, c)) continue;
    t.center_mm = c;
    t.diameter_mm = diameter;

    for (auto& shape : lesion_shapes(rng, cfg, t, r, sigma, an.lung_hu)) out.shapes.push_back(std::move(shape));
    out.truth.push_back(t);
  }
  // Distractors: scars and bands, thin elongated opacities that are not nodules.
  const int scars = rng.uniform_int(static_cast<int>(cfg.scars_per_study.min), static_cast<int>(cfg.scars_per_study.max));
  for (int n = 0; n < scars; ++n) {
    Vec3 c{};
    bool found = false;
    for (int attempt = 0; attempt < 500 && !found; ++attempt) {
      c = random_point_in_lungs(rng, an, z_lo, z_hi);
      found = an.lung_sdf(c) < -15;
    }
    if (!found) continue;
    const Vec3 u = random_direction(rng);
    const Vec3 v = normalized(cross(u, random_direction(rng)));
    auto scar = std::make_unique<Ellipsoid>(c, Vec3{rng.uniform(8, 20), rng.uniform(0.6, 1.5), rng.uniform(3, 8)},
                                            std::array<Vec3, 3>{u, v, cross(u, v)});
    scar->hu_value = rng.uniform(-500, -150);
    out.distractors.push_back(std::move(scar));
    ++out.scars;
  }
  return out;
}

}  // namespace vigil::synthetic
