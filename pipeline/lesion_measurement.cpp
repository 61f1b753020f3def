#include "pipeline/lesion_measurement.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>
#include <climits>
#include <cmath>
#include <deque>
#include <map>
#include <optional>
#include <unordered_set>

#include "core/uid.h"

namespace vigil::pipeline {
namespace {

using Index = std::array<long, 3>;

struct Region {
  std::vector<std::size_t> voxels;  // linear indices into the volume
};

bool inside(const Geometry& g, const Index& p) {
  for (int a = 0; a < 3; ++a)
    if (p[a] < 0 || p[a] >= static_cast<long>(g.size[a])) return false;
  return true;
}

std::size_t linear(const Geometry& g, const Index& p) {
  return static_cast<std::size_t>(p[0]) + g.size[0] * (static_cast<std::size_t>(p[1]) + g.size[1] * p[2]);
}

Index nearest_index(const Geometry& g, const Vec3& mm) {
  const Vec3 c = g.physical_to_index(mm);
  return {std::lround(c[0]), std::lround(c[1]), std::lround(c[2])};
}

double distance_mm(const Geometry& g, const Index& a, const Index& b) {
  double d2 = 0;
  for (int i = 0; i < 3; ++i) {
    const double d = (a[i] - b[i]) * g.spacing_mm[i];
    d2 += d * d;
  }
  return std::sqrt(d2);
}

// The mean position of `voxels` (linear indices of `g`), in patient mm.
Vec3 centre_of_voxels(const Geometry& g, const std::vector<std::size_t>& voxels) {
  Vec3 index_sum{0, 0, 0};
  const std::size_t plane = g.size[0] * g.size[1];
  for (std::size_t idx : voxels) {
    const std::size_t k = idx / plane, in_plane = idx % plane;
    index_sum = add(index_sum, Vec3{static_cast<double>(in_plane % g.size[0]), static_cast<double>(in_plane / g.size[0]),
                                    static_cast<double>(k)});
  }
  return g.index_to_physical(scale(index_sum, 1.0 / static_cast<double>(voxels.size())));
}

// 6-connected growing from the brightest voxel near the centre, above a threshold halfway between
// parenchyma and the lesion's core (or at `threshold_hu` when given), and never beyond a ball
// around the centre: that bound is what keeps a juxtavascular or juxtapleural lesion from flowing
// into the vessel or the chest wall.
Region grow(const Volume& ct, const Candidate& c, const MeasurementOptions& o, const std::vector<std::uint8_t>& taken,
            std::optional<double> threshold_hu = std::nullopt) {
  const Geometry& g = ct.geometry;
  const Index centre = nearest_index(g, c.center_mm);
  if (!inside(g, centre)) return {};
  const double core_radius = std::max(1.0, 0.5 * c.radius_mm);
  const double limit_radius = 2.0 * c.radius_mm + 2.0;
  Index seed = centre;
  float seed_hu = -2000;
  double core_sum = 0;
  int core_count = 0;
  const long reach[3] = {static_cast<long>(std::ceil(core_radius / g.spacing_mm[0])),
                         static_cast<long>(std::ceil(core_radius / g.spacing_mm[1])),
                         static_cast<long>(std::ceil(core_radius / g.spacing_mm[2]))};
  for (long dk = -reach[2]; dk <= reach[2]; ++dk)
    for (long dj = -reach[1]; dj <= reach[1]; ++dj)
      for (long di = -reach[0]; di <= reach[0]; ++di) {
        const Index p{centre[0] + di, centre[1] + dj, centre[2] + dk};
        if (!inside(g, p) || distance_mm(g, p, centre) > core_radius) continue;
        const float hu = ct.voxels[linear(g, p)];
        core_sum += hu;
        ++core_count;
        if (hu > seed_hu) seed_hu = hu, seed = p;
      }
  if (core_count == 0) return {};
  const double core_hu = core_sum / core_count;
  const double threshold = threshold_hu.value_or(std::clamp(0.5 * (core_hu + o.lung_hu), o.ground_glass_hu, -300.0));
  if (seed_hu < threshold || taken[linear(g, seed)]) return {};

  const auto grow_within = [&](double radius_mm) {
    Region region;
    std::deque<Index> queue{seed};
    std::unordered_set<std::size_t> marked{linear(g, seed)};  // regions are small: a local set
    const std::size_t cap = 200000;
    while (!queue.empty() && region.voxels.size() < cap) {
      const Index p = queue.front();
      queue.pop_front();
      region.voxels.push_back(linear(g, p));
      static constexpr int kSteps[6][3] = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
      for (const auto& s : kSteps) {
        const Index q{p[0] + s[0], p[1] + s[1], p[2] + s[2]};
        if (!inside(g, q) || distance_mm(g, q, centre) > radius_mm) continue;
        const std::size_t idx = linear(g, q);
        if (taken[idx] || ct.voxels[idx] < threshold || !marked.insert(idx).second) continue;
        queue.push_back(q);
      }
    }
    return region;
  };
  Region region = grow_within(limit_radius);
  // Leaked into a structure as dense as the lesion (the chest wall, a vessel): the region fills
  // the bound on one side and its centre moves there. Grown again within the candidate's own blob
  // radius (plus a voxel), the lesion keeps at most a thin cap of that structure.
  const Vec3 centroid = centre_of_voxels(g, region.voxels);
  const double voxel_mm = std::max({g.spacing_mm[0], g.spacing_mm[1], g.spacing_mm[2]});
  if (norm(sub(centroid, g.index_to_physical({double(centre[0]), double(centre[1]), double(centre[2])}))) >
      std::max(1.0, 0.4 * c.radius_mm))
    region = grow_within(c.radius_mm + voxel_mm);
  return region;
}

// The largest outer contour of one slice's voxels (linear indices, all on that slice), in (i, j)
// pixels. The mask image covers only the voxels' in-plane bounding box (plus a border), so a small
// lesion in a 512² slice costs a small image.
std::vector<cv::Point> slice_outline(const Geometry& g, const std::vector<std::size_t>& slice_voxels) {
  if (slice_voxels.empty()) return {};
  const std::size_t plane = g.size[0] * g.size[1];
  const auto pixel = [&](std::size_t idx) {
    return std::array<long, 2>{static_cast<long>(idx % plane % g.size[0]), static_cast<long>(idx % plane / g.size[0])};
  };
  long i0 = LONG_MAX, j0 = LONG_MAX, i1 = -1, j1 = -1;
  for (std::size_t idx : slice_voxels) {
    const auto [i, j] = pixel(idx);
    i0 = std::min(i0, i), i1 = std::max(i1, i), j0 = std::min(j0, j), j1 = std::max(j1, j);
  }
  cv::Mat mask = cv::Mat::zeros(static_cast<int>(j1 - j0 + 3), static_cast<int>(i1 - i0 + 3), CV_8U);
  for (std::size_t idx : slice_voxels) {
    const auto [i, j] = pixel(idx);
    mask.at<std::uint8_t>(static_cast<int>(j - j0 + 1), static_cast<int>(i - i0 + 1)) = 1;
  }
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(mask, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_NONE, cv::Point(int(i0) - 1, int(j0) - 1));
  if (contours.empty()) return {};
  return *std::max_element(contours.begin(), contours.end(), [](const auto& a, const auto& b) {
    return cv::contourArea(a) < cv::contourArea(b) || (cv::contourArea(a) == cv::contourArea(b) && a.size() < b.size());
  });
}

LesionType classify_attenuation(const Volume& ct, const Region& r, double solid_hu) {
  std::size_t solid = 0;
  for (std::size_t idx : r.voxels) solid += ct.voxels[idx] >= solid_hu;
  const double fraction = static_cast<double>(solid) / static_cast<double>(r.voxels.size());
  if (fraction >= 0.5) return LesionType::kSolid;
  if (fraction >= 0.03) return LesionType::kPartSolid;  // a solid core in a ground-glass halo
  return LesionType::kGroundGlass;
}

}  // namespace

double candidate_probability(const Candidate& candidate) {
  if (candidate.probability >= 0) return candidate.probability;
  // Centred where the detector's responses on synthetic lesions and on vessels overlap most
  // (seeds 100-109, clip at -600 HU: response 30 keeps 22 true candidates at 0.5 false ones per
  // study; the old -400 HU clip kept 14 at 0.3 with its centre of 60).
  return 1.0 / (1.0 + std::exp(-(candidate.response - 30.0) / 7.5));
}

std::array<double, 2> outline_axes_mm(const std::vector<Vec3>& outline_mm, double pixel_mm) {
  if (outline_mm.empty()) return {0, 0};
  double best = 0;
  std::size_t a = 0, b = 0;
  for (std::size_t i = 0; i < outline_mm.size(); ++i)
    for (std::size_t j = i + 1; j < outline_mm.size(); ++j) {
      const double d = norm(sub(outline_mm[i], outline_mm[j]));
      if (d > best) best = d, a = i, b = j;
    }
  if (best == 0) return {pixel_mm, pixel_mm};
  // Perpendicular direction within the outline's plane: the plane normal from the spread of points.
  const Vec3 u = normalized(sub(outline_mm[b], outline_mm[a]));
  Vec3 normal{0, 0, 0};
  for (const Vec3& p : outline_mm) {
    const Vec3 n = cross(u, sub(p, outline_mm[a]));
    if (norm(n) > norm(normal)) normal = n;
  }
  double width = 0;
  if (norm(normal) > 1e-9) {
    const Vec3 v = normalized(cross(normalized(normal), u));
    double lo = 1e300, hi = -1e300;
    for (const Vec3& p : outline_mm) {
      const double t = dot(v, p);
      lo = std::min(lo, t), hi = std::max(hi, t);
    }
    width = hi - lo;
  }
  return {best + pixel_mm, width + pixel_mm};
}

SliceAxes longest_slice_axes(const Geometry& g, const std::vector<std::size_t>& voxels) {
  SliceAxes best;
  std::map<std::size_t, std::vector<std::size_t>> by_slice;  // one pass; slices in order
  const std::size_t plane = g.size[0] * g.size[1];
  for (std::size_t idx : voxels) by_slice[idx / plane].push_back(idx);
  const double pixel_mm = std::min(g.spacing_mm[0], g.spacing_mm[1]);
  for (const auto& [k, slice_voxels] : by_slice) {
    std::vector<Vec3> outline;
    for (const cv::Point& p : slice_outline(g, slice_voxels))
      outline.push_back(g.index_to_physical({double(p.x), double(p.y), double(k)}));
    const auto axes = outline_axes_mm(outline, pixel_mm);
    if (axes[0] > best.long_axis_mm) {
      best.slice = k;
      best.outline_mm = std::move(outline);
      best.long_axis_mm = axes[0];
      best.short_axis_mm = std::min(axes[0], axes[1]);
    }
  }
  return best;
}

MeasuredLesions measure_lesions(const Volume& ct, const std::vector<Candidate>& candidates,
                                const std::string& study_uid, const MeasurementOptions& options) {
  const Geometry& g = ct.geometry;
  MeasuredLesions out;
  out.labels.geometry = g;
  out.labels.labels.assign(g.voxel_count(), 0);
  std::vector<std::uint8_t> taken(g.voxel_count(), 0);
  const double voxel_mm3 = g.spacing_mm[0] * g.spacing_mm[1] * g.spacing_mm[2];
  const double min_volume = M_PI / 6.0 * std::pow(options.min_diameter_mm, 3);
  const auto measurable = [&](const Region& r) {
    return !r.voxels.empty() && double(r.voxels.size()) * voxel_mm3 >= min_volume;
  };

  std::vector<Candidate> ordered = candidates;
  std::stable_sort(ordered.begin(), ordered.end(), [](const Candidate& a, const Candidate& b) {
    return candidate_probability(a) > candidate_probability(b);
  });
  for (const Candidate& c : ordered) {
    if (out.findings.size() >= options.max_findings || out.findings.size() >= 255) break;
    const double probability = candidate_probability(c);
    if (probability < options.min_probability) break;  // sorted: the rest score lower
    // A candidate inside a lesion already reported is part of it, not a lesion of its own.
    if (const auto centre = g.nearest_voxel(c.center_mm); centre && taken[*centre]) continue;
    Region region;
    for (std::size_t idx : c.mask_voxels)
      if (idx < taken.size() && !taken[idx]) region.voxels.push_back(idx);
    if (2 * region.voxels.size() < c.mask_voxels.size()) continue;  // mostly a lesion already reported
    // No mask, or one too small to measure (the segmenter unsure of a lesion the classifier
    // reports): the lesion is still reported, measured by region growing.
    if (!measurable(region)) region = grow(ct, c, options, taken);
    // Grown from a part-solid lesion's solid core, the threshold leaves its ground glass out and
    // the core alone can be too small to measure: grow again at the ground-glass level.
    if (!measurable(region)) region = grow(ct, c, options, taken, options.ground_glass_hu);
    if (!measurable(region)) continue;

    Finding f;
    f.number = static_cast<int>(out.findings.size()) + 1;
    f.probability = probability;
    f.volume_mm3 = static_cast<double>(region.voxels.size()) * voxel_mm3;
    double hu_sum = 0;
    for (std::size_t idx : region.voxels) hu_sum += ct.voxels[idx];
    f.center_mm = centre_of_voxels(g, region.voxels);
    f.mean_hu = hu_sum / static_cast<double>(region.voxels.size());
    f.type = classify_attenuation(ct, region, options.solid_hu);
    SliceAxes axes = longest_slice_axes(g, region.voxels);
    f.key_slice = axes.slice;
    f.outline_mm = std::move(axes.outline_mm);
    f.long_axis_mm = axes.long_axis_mm;
    f.short_axis_mm = axes.short_axis_mm;
    f.tracking_uid = derived_uid("vigil/finding/" + study_uid + "/" + std::to_string(f.number));
    for (std::size_t idx : region.voxels) {
      taken[idx] = 1;
      out.labels.labels[idx] = static_cast<std::uint8_t>(f.number);
    }
    out.findings.push_back(std::move(f));
  }
  return out;
}

}  // namespace vigil::pipeline
