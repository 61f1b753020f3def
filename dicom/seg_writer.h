#pragma once
// DICOM Segmentation (binary): one segment per lesion, one frame per slice a lesion touches, in
// the analysed volume's grid, referencing the source series (Common Instance Reference) and, per
// frame, the source image in the same plane.

#include <string>

#include "dicom/result_input.h"

namespace vigil::dicom {

/// Writes the SEG to `path`. Requires input.labels; a study without findings gets no SEG
/// (a SEG needs at least one segment): returns false then, true when written.
/// Throws vigil::Error(kIo / kInvalidArgument).
bool write_segmentation(const ResultInput& input, const std::string& path);

}  // namespace vigil::dicom
