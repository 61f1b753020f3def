#pragma once
// Decides how a stack of 2-D images becomes a regular volume, from their headers alone:
// sort along the slice normal, check spacing/orientation/tilt, and plan any correction.
// Pure arithmetic, no DICOM library: `vigil inspect` uses it without decoding pixels.

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "core/geometry.h"

namespace vigil::dicom {

/// One geometry check's outcome. `code` is stable (tools read it): gantry_tilt, uneven_spacing,
/// missing_slices, duplicate_positions, inconsistent_orientation, mixed_dimensions,
/// mixed_pixel_spacing, missing_geometry, single_slice, localizer, no_images.
struct GeometryFinding {
  enum class Action { kNoted, kCorrected, kRefused };
  std::string code;
  std::string detail;
  Action action = Action::kNoted;
};

const char* action_name(GeometryFinding::Action action);

/// What the reader does when a check fails. Defaults: correct what can be corrected exactly
/// from the header (tilt, uneven spacing), refuse what would mean inventing data (missing slices).
struct GeometryPolicy {
  enum class Action { kCorrect, kRefuse };
  double spacing_tolerance_mm = 0.05;       ///< gaps differing less than this from nominal are even...
  double spacing_tolerance_fraction = 0.02;  ///< ...or less than this fraction of the nominal gap
  double orientation_tolerance = 1e-3;      ///< largest allowed difference of direction cosines
  double tilt_tolerance_px = 0.1;           ///< in-plane drift of slice origins (pixels) that counts as tilt
  double duplicate_tolerance_mm = 0.01;     ///< slices closer than this along the normal are duplicates
  Action on_gantry_tilt = Action::kCorrect;
  Action on_uneven_spacing = Action::kCorrect;
  Action on_missing_slices = Action::kRefuse;
  bool allow_single_slice = true;
};

/// Header facts of one 2-D image used for planning.
struct SliceInput {
  std::optional<Vec3> position_mm;
  std::optional<std::array<double, 6>> orientation;
  std::optional<std::array<double, 2>> pixel_spacing_mm;  ///< DICOM order: row spacing, column spacing
  std::optional<double> slice_thickness_mm;
  int rows = 0;
  int columns = 0;
};

/// How to build the volume. Input slices are referred to by their index in the input vector.
struct SlicePlan {
  std::vector<std::size_t> order;        ///< input indices sorted along the slice normal
  std::vector<double> positions_mm;      ///< sorted slices' positions along the normal, relative to the first
  std::vector<std::array<double, 2>> shift_px;  ///< per sorted slice: in-plane offset (i, j) from the first
  /// With shear: output pixel (i, j) of sorted slice k samples input (i + shift_origin_px - shift_px[k]).
  /// The output grid is enlarged so that no slice's content falls outside it.
  std::array<double, 2> shift_origin_px{0, 0};
  bool shear = false;                    ///< gantry tilt correction: resample each slice by shift_px
  bool resample_z = false;               ///< uneven or missing slices: interpolate onto the output grid
  Geometry geometry;                     ///< the output grid (orthogonal, regular)
  std::vector<GeometryFinding> findings;

  bool refused() const;
  /// Details of all refusing findings joined, empty when not refused.
  std::string refusal_reason() const;
};

/// Plans the volume for these slices under the policy. Never throws for bad geometry: a problem
/// becomes a finding (refused ones make refused() true).
SlicePlan plan_slices(const std::vector<SliceInput>& slices, const GeometryPolicy& policy = {});

}  // namespace vigil::dicom
