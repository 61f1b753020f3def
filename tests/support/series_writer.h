#pragma once
// Writes small CT series with DCMTK for tests: regular, tilted, uneven, missing slices, shuffled,
// compressed, multi-frame. Stored pixel value at (i, j) of slice k is i + 2*j + 100*k, so a test can
// tell exactly which slice and pixel landed where.

#include <array>
#include <string>
#include <vector>

#include "core/geometry.h"

namespace vigil::test {

enum class Encoding { kExplicitLittle, kImplicitLittle, kExplicitBig, kJpegLossless, kJpegLs, kRle, kDeflate };

struct SeriesSpec {
  std::string study_uid = "1.2.826.0.1.3680043.10.1432.1.1";
  std::string series_uid = "1.2.826.0.1.3680043.10.1432.1.1.1";
  int rows = 40;
  int columns = 48;
  std::array<double, 2> pixel_spacing_mm{0.7, 0.8};  ///< DICOM order: row spacing, column spacing
  std::array<double, 6> orientation{1, 0, 0, 0, 1, 0};
  std::vector<Vec3> positions;  ///< one per slice, in writing order (slice index k = position index)
  double slope = 1.0;
  double intercept = -1024.0;
  Encoding encoding = Encoding::kExplicitLittle;
  std::string image_type = "ORIGINAL\\PRIMARY\\AXIAL";
  double slice_thickness_mm = 1.0;
};

/// Stored value written at column i, row j of slice k.
inline int stored_value(int i, int j, int k) { return i + 2 * j + 100 * k; }

/// Positions of a regular stack along the normal of `orientation`, starting at `origin`.
std::vector<Vec3> regular_positions(const Vec3& origin, const std::array<double, 6>& orientation, double spacing_mm,
                                    int count);

/// Writes one file per slice into `dir` (created if needed); file names are `names[k]` or
/// slice_<k>.dcm. Returns the paths.
std::vector<std::string> write_series(const SeriesSpec& spec, const std::string& dir,
                                      const std::vector<std::string>& names = {});

/// Writes all slices as one Enhanced CT multi-frame file with per-frame functional groups.
std::string write_enhanced_ct(const SeriesSpec& spec, const std::string& path);

}  // namespace vigil::test
