#include "dicom/source_series.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "core/uid_hash.h"

namespace vigil::dicom {

SourceSeries describe_series(const Series& series) {
  if (series.instances.empty())
    throw Error(ErrorCode::kInvalidArgument, "series " + hash_uid(series.series_instance_uid) + " has no instances");
  const InstanceHeader& first = series.instances.front();
  SourceSeries s;
  s.patient_name = first.patient_name;
  s.patient_id = first.patient_id;
  s.patient_birth_date = first.patient_birth_date;
  s.patient_sex = first.patient_sex;
  s.study_instance_uid = first.study_instance_uid;
  s.study_date = first.study_date;
  s.study_time = first.study_time;
  s.study_id = first.study_id;
  s.accession_number = first.accession_number;
  s.referring_physician_name = first.referring_physician_name;
  s.study_description = first.study_description;
  s.series_instance_uid = series.series_instance_uid;
  s.frame_of_reference_uid = first.frame_of_reference_uid;
  s.modality = first.modality;
  for (const InstanceHeader& h : series.instances) {
    if (!h.is_image() || h.is_localizer()) continue;
    for (std::uint32_t f = 0; f < h.frames.size(); ++f) {
      const FrameHeader& fh = h.frames[f];
      if (!fh.position_mm || !fh.orientation || !fh.pixel_spacing_mm)
        throw Error(ErrorCode::kMissingAttribute,
                    h.path + ": image without position, orientation or pixel spacing cannot be referenced");
      SourceImage image;
      image.sop_class_uid = h.sop_class_uid;
      image.sop_instance_uid = h.sop_instance_uid;
      image.frame = f;
      image.number_of_frames = h.number_of_frames;
      image.position_mm = *fh.position_mm;
      const auto& o = *fh.orientation;
      image.row_direction = normalized({o[0], o[1], o[2]});
      image.column_direction = normalized({o[3], o[4], o[5]});
      image.row_spacing_mm = (*fh.pixel_spacing_mm)[0];
      image.column_spacing_mm = (*fh.pixel_spacing_mm)[1];
      image.rows = h.rows;
      image.columns = h.columns;
      s.images.push_back(image);
    }
  }
  if (s.images.empty())
    throw Error(ErrorCode::kUnsupportedImage, "series " + hash_uid(series.series_instance_uid) + " has no images");
  const Vec3 normal = cross(s.images.front().row_direction, s.images.front().column_direction);
  std::stable_sort(s.images.begin(), s.images.end(), [&](const SourceImage& a, const SourceImage& b) {
    return dot(normal, a.position_mm) < dot(normal, b.position_mm);
  });
  return s;
}

std::size_t nearest_image(const SourceSeries& series, const Vec3& point_mm) {
  std::size_t best = 0;
  double best_distance = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < series.images.size(); ++i) {
    const SourceImage& im = series.images[i];
    const Vec3 normal = cross(im.row_direction, im.column_direction);
    const double d = std::abs(dot(normal, sub(point_mm, im.position_mm)));
    if (d < best_distance) best_distance = d, best = i;
  }
  return best;
}

std::array<double, 2> to_pixel(const SourceImage& image, const Vec3& point_mm) {
  const Vec3 d = sub(point_mm, image.position_mm);
  return {dot(d, image.row_direction) / image.column_spacing_mm, dot(d, image.column_direction) / image.row_spacing_mm};
}

}  // namespace vigil::dicom
