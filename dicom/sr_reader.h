#pragma once
// Reads a Vigil TID 1500 measurement report back into findings (the worklist's input, and the
// round-trip check of the writer).

#include <array>
#include <string>
#include <vector>

#include "core/finding.h"

namespace vigil::dicom {

struct ReportedFinding {
  Finding finding;  ///< outline_mm and center_mm are not in the SR and stay empty / zero
  std::string referenced_sop_instance_uid;          ///< image the outline is drawn on
  std::vector<std::array<double, 2>> outline_px;    ///< SCOORD graphic data (column, row)
};

struct MeasurementReport {
  std::string study_instance_uid;
  std::string sop_instance_uid;
  std::string algorithm_name, algorithm_version;
  std::vector<ReportedFinding> findings;
};

/// Throws vigil::Error(kNotDicom / kCorruptDicom / kInvalidArgument) naming the file when it is not
/// a TID 1500 report.
MeasurementReport read_measurement_report(const std::string& path);

}  // namespace vigil::dicom
