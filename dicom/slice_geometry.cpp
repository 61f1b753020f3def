#include "dicom/slice_geometry.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

namespace vigil::dicom {
namespace {

constexpr double kPi = 3.14159265358979323846;

std::string format(double v, int precision = 3) {
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(precision);
  s << v;
  return s.str();
}

void add(SlicePlan& plan, std::string code, std::string detail, GeometryFinding::Action action) {
  plan.findings.push_back({std::move(code), std::move(detail), action});
}

GeometryFinding::Action to_action(GeometryPolicy::Action a) {
  return a == GeometryPolicy::Action::kCorrect ? GeometryFinding::Action::kCorrected
                                               : GeometryFinding::Action::kRefused;
}

// Same header facts across the stack, else the slices cannot share one grid.
bool check_consistency(const std::vector<SliceInput>& s, const GeometryPolicy& policy, SlicePlan& plan) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!s[i].position_mm || !s[i].orientation || !s[i].pixel_spacing_mm) {
      add(plan, "missing_geometry",
          "image " + std::to_string(i) +
              " lacks Image Position/Orientation (Patient) or Pixel Spacing; cannot place it in the patient",
          GeometryFinding::Action::kRefused);
      return false;
    }
  }
  const SliceInput& first = s.front();
  for (const auto& x : s) {
    if (x.rows != first.rows || x.columns != first.columns) {
      add(plan, "mixed_dimensions",
          "images of " + std::to_string(first.columns) + "x" + std::to_string(first.rows) + " and " +
              std::to_string(x.columns) + "x" + std::to_string(x.rows) + " pixels in one series",
          GeometryFinding::Action::kRefused);
      return false;
    }
  }
  for (const auto& x : s) {
    for (int c = 0; c < 6; ++c) {
      if (std::abs((*x.orientation)[c] - (*first.orientation)[c]) > policy.orientation_tolerance) {
        add(plan, "inconsistent_orientation",
            "Image Orientation (Patient) differs between slices (cosine " + std::to_string(c) + ": " +
                format((*first.orientation)[c], 4) + " vs " + format((*x.orientation)[c], 4) + ")",
            GeometryFinding::Action::kRefused);
        return false;
      }
    }
  }
  for (const auto& x : s) {
    for (int c = 0; c < 2; ++c) {
      if (std::abs((*x.pixel_spacing_mm)[c] - (*first.pixel_spacing_mm)[c]) > 1e-4) {
        add(plan, "mixed_pixel_spacing",
            "Pixel Spacing differs between slices (" + format((*first.pixel_spacing_mm)[c], 4) + " vs " +
                format((*x.pixel_spacing_mm)[c], 4) + " mm)",
            GeometryFinding::Action::kRefused);
        return false;
      }
    }
  }
  return true;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Looks at the gaps between sorted slices; returns the output slice spacing and sets resample_z.
double plan_spacing(const std::vector<double>& pos, const GeometryPolicy& policy, SlicePlan& plan) {
  std::vector<double> gaps(pos.size() - 1);
  for (std::size_t k = 0; k + 1 < pos.size(); ++k) gaps[k] = pos[k + 1] - pos[k];
  const double nominal = median(gaps);
  const double tol = std::max(policy.spacing_tolerance_mm, policy.spacing_tolerance_fraction * nominal);
  const double extent = pos.back() - pos.front();
  const bool even = std::all_of(gaps.begin(), gaps.end(), [&](double g) { return std::abs(g - nominal) <= tol; });
  if (even) return extent / static_cast<double>(gaps.size());

  // Gaps that are whole multiples of the nominal gap mean slices are missing from a regular stack.
  std::size_t missing = 0;
  bool multiples = true;
  double first_gap_at = 0;
  for (std::size_t k = 0; k < gaps.size(); ++k) {
    const double m = std::round(gaps[k] / nominal);
    if (m < 1 || std::abs(gaps[k] - m * nominal) > tol) {
      multiples = false;
      break;
    }
    if (m >= 2 && missing == 0) first_gap_at = pos[k];
    missing += static_cast<std::size_t>(m) - 1;
  }
  if (multiples && missing > 0) {
    const auto action = to_action(policy.on_missing_slices);
    add(plan, "missing_slices",
        std::to_string(missing) + " slice(s) missing from a regular " + format(nominal) +
            " mm stack (first gap after " + format(first_gap_at, 2) + " mm along the normal)" +
            (action == GeometryFinding::Action::kCorrected ? "; interpolated linearly from neighbours"
                                                           : "; refusing to invent them (series incomplete?)"),
        action);
    plan.resample_z = true;
    return nominal;
  }
  const double smallest = *std::min_element(gaps.begin(), gaps.end());
  const double largest = *std::max_element(gaps.begin(), gaps.end());
  // Keep the finest sampling unless that multiplies the slice count unreasonably.
  const double target = (extent / smallest + 1.0 <= 4.0 * static_cast<double>(pos.size())) ? smallest : nominal;
  const auto action = to_action(policy.on_uneven_spacing);
  add(plan, "uneven_spacing",
      "slice gaps range from " + format(smallest) + " to " + format(largest) + " mm (median " + format(nominal) +
          ")" +
          (action == GeometryFinding::Action::kCorrected
               ? "; resampled linearly onto a regular " + format(target) + " mm grid"
               : ""),
      action);
  plan.resample_z = true;
  return target;
}

}  // namespace

const char* action_name(GeometryFinding::Action action) {
  switch (action) {
    case GeometryFinding::Action::kNoted: return "noted";
    case GeometryFinding::Action::kCorrected: return "corrected";
    case GeometryFinding::Action::kRefused: return "refused";
  }
  return "unknown";
}

bool SlicePlan::refused() const {
  return std::any_of(findings.begin(), findings.end(),
                     [](const auto& f) { return f.action == GeometryFinding::Action::kRefused; });
}

std::string SlicePlan::refusal_reason() const {
  std::string out;
  for (const auto& f : findings) {
    if (f.action != GeometryFinding::Action::kRefused) continue;
    if (!out.empty()) out += "; ";
    out += f.code + ": " + f.detail;
  }
  return out;
}

SlicePlan plan_slices(const std::vector<SliceInput>& slices, const GeometryPolicy& policy) {
  SlicePlan plan;
  if (slices.empty()) {
    add(plan, "no_images", "the series has no images", GeometryFinding::Action::kRefused);
    return plan;
  }
  if (!check_consistency(slices, policy, plan)) return plan;

  const auto& o = *slices.front().orientation;
  const Vec3 row = normalized({o[0], o[1], o[2]});
  const Vec3 col = normalized({o[3], o[4], o[5]});
  const Vec3 normal = normalized(cross(row, col));
  const double spacing_i = (*slices.front().pixel_spacing_mm)[1];
  const double spacing_j = (*slices.front().pixel_spacing_mm)[0];

  const std::size_t n = slices.size();
  std::vector<double> along(n);
  for (std::size_t i = 0; i < n; ++i) along[i] = dot(*slices[i].position_mm, normal);
  plan.order.resize(n);
  std::iota(plan.order.begin(), plan.order.end(), 0);
  std::stable_sort(plan.order.begin(), plan.order.end(), [&](auto a, auto b) { return along[a] < along[b]; });

  std::size_t duplicates = 0;
  for (std::size_t k = 0; k + 1 < n; ++k)
    if (along[plan.order[k + 1]] - along[plan.order[k]] < policy.duplicate_tolerance_mm) ++duplicates;
  if (duplicates > 0) {
    add(plan, "duplicate_positions",
        std::to_string(duplicates) +
            " slice(s) share a position with another: the series holds several volumes (time points, "
            "echoes, b-values) or repeats images",
        GeometryFinding::Action::kRefused);
    return plan;
  }

  const Vec3 origin = *slices[plan.order.front()].position_mm;
  plan.positions_mm.resize(n);
  plan.shift_px.resize(n);
  double max_shift_px = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const Vec3 d = sub(*slices[plan.order[k]].position_mm, origin);
    plan.positions_mm[k] = dot(d, normal);
    plan.shift_px[k] = {dot(d, row) / spacing_i, dot(d, col) / spacing_j};
    max_shift_px = std::max(max_shift_px, std::hypot(plan.shift_px[k][0], plan.shift_px[k][1]));
  }

  double spacing_k = slices.front().slice_thickness_mm.value_or(1.0);
  if (spacing_k <= 0) spacing_k = 1.0;
  std::size_t size_k = 1;
  if (n == 1) {
    add(plan, "single_slice",
        "one image only; slice spacing taken from Slice Thickness (" + format(spacing_k) + " mm)",
        policy.allow_single_slice ? GeometryFinding::Action::kNoted : GeometryFinding::Action::kRefused);
  } else {
    if (max_shift_px > policy.tilt_tolerance_px) {
      const Vec3 last = sub(*slices[plan.order.back()].position_mm, origin);
      const double inplane_mm = std::hypot(dot(last, row), dot(last, col));
      const double angle_deg = std::atan2(inplane_mm, plan.positions_mm.back()) * 180.0 / kPi;
      const auto action = to_action(policy.on_gantry_tilt);
      add(plan, "gantry_tilt",
          "slice origins drift " + format(max_shift_px, 1) + " px in-plane: stack sheared by " +
              format(angle_deg, 2) + " deg" +
              (action == GeometryFinding::Action::kCorrected
                   ? "; each slice resampled onto an orthogonal grid (bilinear)"
                   : ""),
          action);
      plan.shear = true;
    }
    spacing_k = plan_spacing(plan.positions_mm, policy, plan);
    // floor: the output grid never reaches past the last acquired slice.
    size_k = plan.resample_z ? static_cast<std::size_t>(std::floor(plan.positions_mm.back() / spacing_k + 1e-6)) + 1 : n;
  }

  Geometry& g = plan.geometry;
  g.size = {static_cast<std::size_t>(slices.front().columns), static_cast<std::size_t>(slices.front().rows), size_k};
  g.spacing_mm = {spacing_i, spacing_j, spacing_k};
  g.origin_mm = origin;
  if (plan.shear) {
    // Grow the in-plane grid to the union of all shifted slices, so tilt correction loses nothing.
    std::array<double, 2> lo{0, 0}, hi{0, 0};
    for (const auto& s : plan.shift_px)
      for (int a = 0; a < 2; ++a) {
        lo[a] = std::min(lo[a], s[a]);
        hi[a] = std::max(hi[a], s[a]);
      }
    for (int a = 0; a < 2; ++a) {
      lo[a] = std::floor(lo[a]);
      g.size[a] += static_cast<std::size_t>(std::ceil(hi[a] - lo[a]));
    }
    plan.shift_origin_px = lo;
    for (int r = 0; r < 3; ++r) g.origin_mm[r] += lo[0] * spacing_i * row[r] + lo[1] * spacing_j * col[r];
  }
  g.direction = {row[0], col[0], normal[0], row[1], col[1], normal[1], row[2], col[2], normal[2]};
  return plan;
}

}  // namespace vigil::dicom
