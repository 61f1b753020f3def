#pragma once
// Decodes the frames of one DICOM instance into rescaled values (HU for CT), one float per pixel.

#include <cstdint>
#include <memory>

#include "dicom/instance_header.h"

class DcmFileFormat;

namespace vigil::dicom {

/// Loads one file completely and decodes its frames. Handles native pixel data (8/16/32 bits,
/// signed or not, any Bits Stored), JPEG baseline/extended/lossless, JPEG-LS, RLE and deflate
/// through DCMTK, and JPEG 2000 through OpenJPEG. Not thread-safe; use one per thread.
class PixelDecoder {
 public:
  /// Throws vigil::Error naming the file: kUnsupportedImage (colour, float pixels, odd bit depths),
  /// kUnsupportedTransferSyntax, kCorruptDicom, kIo.
  explicit PixelDecoder(const InstanceHeader& header);
  ~PixelDecoder();
  PixelDecoder(const PixelDecoder&) = delete;
  PixelDecoder& operator=(const PixelDecoder&) = delete;

  /// Writes rows*columns values `stored * slope + intercept` for `frame` into `out`.
  /// Stored values honour Bits Stored and Pixel Representation. Throws kCorruptDicom when the
  /// frame's data is short.
  void decode_frame(std::uint32_t frame, double slope, double intercept, float* out);

 private:
  void load();
  void decode_native_frame(std::uint32_t frame, double slope, double intercept, float* out);
  void decode_j2k_frame(std::uint32_t frame, double slope, double intercept, float* out);

  InstanceHeader header_;
  std::unique_ptr<DcmFileFormat> file_;
  bool j2k_ = false;
};

/// True for the JPEG 2000 transfer syntaxes (including HTJ2K) decoded through OpenJPEG.
bool is_j2k_transfer_syntax(const std::string& uid);

}  // namespace vigil::dicom
