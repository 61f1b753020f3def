#pragma once
// Writes CT Image Storage series (one file per slice) with DCMTK: the attributes dciodvfy
// requires, HU stored as 12-bit unsigned with Rescale Intercept -1024, optional compression.

#include <string>
#include <vector>

#include "core/geometry.h"

namespace vigil::dicom {

enum class TransferSyntax { kExplicitLittle, kJpegLossless, kJpegLsLossless, kRle };

/// Parses "explicit", "jpeg-lossless", "jpeg-ls", "rle"; throws vigil::Error(kInvalidArgument).
TransferSyntax parse_transfer_syntax(const std::string& name);

/// Identity and description of the series. Every UID is given by the caller.
struct CtSeriesInfo {
  std::string patient_name;
  std::string patient_id;
  std::string patient_birth_date;
  std::string patient_sex = "O";
  std::string study_instance_uid;
  std::string series_instance_uid;
  std::string frame_of_reference_uid;
  std::string study_date;  ///< YYYYMMDD
  std::string study_time;  ///< HHMMSS
  std::string study_id = "1";
  std::string accession_number;
  std::string study_description;
  std::string series_description;
  int series_number = 1;
  std::string body_part = "CHEST";
  std::string manufacturer = "Vigil";
  std::string model_name;
  std::string software_version;
  std::string image_comments;      ///< e.g. the synthetic-data notice
  std::string requested_priority;  ///< optional: ROUTINE, URGENT, ... (Request Attributes)
  double kvp = 120;
};

/// The plane geometry shared by all slices.
struct CtPlanes {
  Vec3 row{1, 0, 0};
  Vec3 col{0, 1, 0};
  double spacing_row_mm = 0.7;  ///< between columns (Pixel Spacing[1])
  double spacing_col_mm = 0.7;  ///< between rows (Pixel Spacing[0])
  double thickness_mm = 1.0;
  int rows = 512;
  int columns = 512;
};

struct CtSlice {
  Vec3 position_mm;
  int instance_number;
  const float* hu;  ///< rows * columns values, row-major
};

/// Writes the slices into `folder` (created) as IM<instance>.dcm; returns the paths. SOP Instance
/// UIDs are derived from the series UID and instance number, so rewriting is reproducible.
/// Throws vigil::Error(kIo) naming the file on failure.
std::vector<std::string> write_ct_series(const CtSeriesInfo& info, const CtPlanes& planes,
                                         const std::vector<CtSlice>& slices, const std::string& folder,
                                         TransferSyntax syntax = TransferSyntax::kExplicitLittle);

}  // namespace vigil::dicom
