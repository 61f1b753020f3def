#pragma once
// A lesion Vigil reports: where it is, how big, how likely, and its outline on the key slice.
// Plain data shared by the pipeline (which measures it) and the writers (which report it).

#include <cstdint>
#include <string>
#include <vector>

#include "core/geometry.h"

namespace vigil {

enum class LesionType { kSolid, kPartSolid, kGroundGlass };

/// "solid", "part_solid", "ground_glass" (the JSON summary's spelling).
const char* lesion_type_name(LesionType type);
/// Inverse of lesion_type_name; throws vigil::Error(kInvalidArgument) for anything else.
LesionType parse_lesion_type(const std::string& name);

struct Finding {
  int number = 0;                  ///< 1-based, in report order (most likely first)
  std::string tracking_uid;        ///< stable per study and lesion (derived UID)
  Vec3 center_mm{0, 0, 0};         ///< centroid of the lesion mask, patient LPS
  double long_axis_mm = 0;         ///< longest in-plane diameter on the key slice
  double short_axis_mm = 0;        ///< longest diameter perpendicular to it, same slice
  double volume_mm3 = 0;           ///< mask voxels times voxel volume
  double mean_hu = 0;
  double probability = 0;          ///< the deciding algorithm's lesion probability, 0..1
  LesionType type = LesionType::kSolid;
  std::string finding_site = "lung";
  /// Slice index k of the analysed volume where the lesion's cross-section is largest.
  std::size_t key_slice = 0;
  /// Closed outline of the lesion on the key slice: boundary pixel centres in patient mm. Writers
  /// map it into the pixel coordinates of whichever image they reference.
  std::vector<Vec3> outline_mm;
};

/// Which algorithm produced the findings: said in every output (SR observer, SEG, JSON, web page).
struct AlgorithmInfo {
  std::string name = "Vigil candidate detector";
  std::string version;
  std::string description = "Multi-scale Hessian blob filter in the lung mask, region growing for size; "
                            "probability is a logistic map of the blob response, not a trained classifier.";
};

/// The lesion masks of a study: one label per voxel of the source volume, 0 = background,
/// n = Finding::number.
struct LabelVolume {
  Geometry geometry;
  std::vector<std::uint8_t> labels;
};

}  // namespace vigil
