#pragma once
// What Vigil knows about one DICOM instance from its header alone (no pixel data read).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/geometry.h"

namespace vigil::dicom {

/// Geometry and value mapping of one 2-D image: a single-frame instance, or one frame of a
/// multi-frame (Enhanced) instance taken from its per-frame or shared functional groups.
struct FrameHeader {
  std::optional<Vec3> position_mm;                    ///< Image Position (Patient), LPS
  std::optional<std::array<double, 6>> orientation;   ///< Image Orientation (Patient): row, column cosines
  std::optional<std::array<double, 2>> pixel_spacing_mm;  ///< DICOM order: between rows, between columns
  std::optional<double> slice_thickness_mm;
  double rescale_slope = 1.0;
  double rescale_intercept = 0.0;
};

/// Header of one instance. Patient identifiers are kept only to group studies; never log them.
struct InstanceHeader {
  std::string path;
  std::string sop_class_uid;
  std::string sop_instance_uid;
  std::string transfer_syntax_uid;
  std::string patient_id;
  std::string patient_name;
  std::string study_instance_uid;
  std::string series_instance_uid;
  std::string study_date;
  std::string study_time;
  std::string study_id;
  std::string accession_number;
  std::string referring_physician_name;
  std::string patient_birth_date;
  std::string patient_sex;
  std::string frame_of_reference_uid;
  std::string requested_priority;  ///< Requested Procedure Priority when the scanner sent it
  int study_related_instances = 0; ///< Number of Study Related Instances when sent (0 = unknown)
  std::string study_description;
  std::string series_description;
  std::string body_part_examined;
  std::string modality;
  std::optional<int> series_number;
  std::optional<int> instance_number;
  std::vector<std::string> image_type;

  // Image Pixel module; rows == 0 means the instance carries no image.
  std::uint16_t rows = 0;
  std::uint16_t columns = 0;
  std::uint16_t bits_allocated = 0;
  std::uint16_t bits_stored = 0;
  std::uint16_t high_bit = 0;
  std::uint16_t pixel_representation = 0;  ///< 0 unsigned, 1 two's complement
  std::uint16_t samples_per_pixel = 1;
  std::string photometric_interpretation;
  std::uint32_t number_of_frames = 1;
  bool has_pixel_data = false;
  bool has_float_pixel_data = false;
  std::optional<double> gantry_tilt_deg;  ///< Gantry/Detector Tilt as written by the scanner

  /// One entry per frame for images (number_of_frames entries); empty for non-images.
  std::vector<FrameHeader> frames;

  bool is_image() const { return has_pixel_data && rows > 0 && columns > 0; }
  bool is_localizer() const;
};

}  // namespace vigil::dicom
