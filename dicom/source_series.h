#pragma once
// What the result writers need to know about the series they report on: the patient and study
// identity to copy into every result, and each source image's identity and plane geometry.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/geometry.h"
#include "dicom/catalog.h"

namespace vigil::dicom {

struct SourceImage {
  std::string sop_class_uid;
  std::string sop_instance_uid;
  std::uint32_t frame = 0;         ///< 0-based; only multi-frame instances have more than one
  std::uint32_t number_of_frames = 1;
  Vec3 position_mm{0, 0, 0};       ///< Image Position (Patient)
  Vec3 row_direction{1, 0, 0};     ///< direction of increasing column index
  Vec3 column_direction{0, 1, 0};  ///< direction of increasing row index
  double row_spacing_mm = 1;       ///< between rows (Pixel Spacing[0])
  double column_spacing_mm = 1;    ///< between columns (Pixel Spacing[1])
  int rows = 0, columns = 0;
};

/// Identity copied into results (never logged) and the images, sorted along the slice normal.
struct SourceSeries {
  std::string patient_name, patient_id, patient_birth_date, patient_sex;
  std::string study_instance_uid, study_date, study_time, study_id, accession_number;
  std::string referring_physician_name, study_description;
  std::string series_instance_uid, frame_of_reference_uid, modality;
  std::vector<SourceImage> images;
};

/// Builds the description from the series' headers (no pixel data read). Throws
/// vigil::Error(kMissingAttribute) when an image lacks the geometry a reference needs.
SourceSeries describe_series(const Series& series);

/// Index of the image whose plane lies nearest to `point_mm`.
std::size_t nearest_image(const SourceSeries& series, const Vec3& point_mm);

/// Continuous pixel index (column, row) of `point_mm` projected onto the image's plane; pixel
/// centres at integers.
std::array<double, 2> to_pixel(const SourceImage& image, const Vec3& point_mm);

}  // namespace vigil::dicom
