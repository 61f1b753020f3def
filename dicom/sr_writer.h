#pragma once
// DICOM Comprehensive 3D SR, template TID 1500 "Imaging Measurement Report": one TID 1410 planar
// ROI measurement group per lesion, with the key-slice outline as SCOORD on the source image.

#include <string>

#include "dicom/result_input.h"

namespace vigil::dicom {

/// Private codes (coding scheme "99VIGIL") for the concepts no standard code says exactly.
inline constexpr const char* kVigilCodingScheme = "99VIGIL";

/// Writes the SR to `path`. A study without findings gets a report that says so.
/// Throws vigil::Error(kIo) on failure.
void write_measurement_report(const ResultInput& input, const std::string& path);

}  // namespace vigil::dicom
