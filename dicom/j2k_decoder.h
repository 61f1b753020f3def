#pragma once
// JPEG 2000 decoding with OpenJPEG: free DCMTK has no J2K codec (PS3.5 A.4.4, A.4.7).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace vigil::dicom {

/// A decoded single-component image: stored values as 32-bit integers, row-major.
struct J2kImage {
  int width = 0;
  int height = 0;
  int precision = 0;
  bool is_signed = false;
  std::vector<std::int32_t> values;
};

/// Decodes a JPEG 2000 codestream or JP2 file held in memory. `context` names the input in
/// errors. Throws vigil::Error(kCorruptDicom) on failure, kUnsupportedImage for colour.
J2kImage decode_j2k(const std::uint8_t* data, std::size_t size, const std::string& context);

}  // namespace vigil::dicom
