#pragma once
// Key images: one Secondary Capture per lesion (the key slice in a lung window, the outline
// drawn, a research-use banner burned in) and a Key Object Selection document listing them.

#include <string>
#include <vector>

#include "dicom/result_input.h"

namespace vigil::dicom {

struct KeyImageFiles {
  std::vector<std::string> secondary_captures;  ///< DICOM, one per finding
  std::vector<std::string> pngs;                ///< the same pictures as PNG (for the web page)
  std::string key_object_selection;             ///< empty when there are no findings
};

/// Writes the pictures into `folder` (created): sc-<n>.dcm, lesion-<n>.png, kos.dcm.
/// Requires input.ct. Throws vigil::Error(kIo / kInvalidArgument).
KeyImageFiles write_key_images(const ResultInput& input, const std::string& folder);

/// The 8-bit RGB picture of finding `f` (rows x columns x 3, row-major): what the SC holds.
std::vector<std::uint8_t> render_key_image(const ResultInput& input, const Finding& f);

}  // namespace vigil::dicom
