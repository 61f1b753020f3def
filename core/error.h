#pragma once
// The one exception type of Vigil, with a code per kind of failure.
// cli/main.cpp maps each code to an exit status; it is the only catch-all.

#include <stdexcept>
#include <string>

namespace vigil {

/// Every failure Vigil reports has one of these codes.
enum class ErrorCode {
  kInvalidArgument,         ///< A caller passed a value outside what the function accepts.
  kIo,                      ///< A file or folder could not be read or written.
  kNotDicom,                ///< The file is not a DICOM Part 10 file or data set.
  kCorruptDicom,            ///< DICOM that cannot be parsed: truncated, bad lengths, bad values.
  kMissingAttribute,        ///< A required attribute is absent or empty.
  kUnsupportedTransferSyntax,  ///< Pixel data encoded in a transfer syntax Vigil cannot decode.
  kUnsupportedImage,        ///< An image Vigil cannot turn into a volume (colour, float pixels, ...).
  kGeometry,                ///< The slices do not form a volume Vigil can trust (see the findings).
  kNotFound,                ///< A requested study, series or file does not exist.
  kDevice,                  ///< The GPU or its runtime failed (out of memory, launch error, no driver).
  kInternal,                ///< A bug in Vigil: an invariant did not hold.
};

/// Short stable name of a code, e.g. "unsupported_transfer_syntax".
const char* error_code_name(ErrorCode code);

/// What went wrong, on which input, and what to try. Derived from std::runtime_error.
class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace vigil
