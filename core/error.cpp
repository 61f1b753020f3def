#include "core/error.h"

namespace vigil {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kIo: return "io";
    case ErrorCode::kNotDicom: return "not_dicom";
    case ErrorCode::kCorruptDicom: return "corrupt_dicom";
    case ErrorCode::kMissingAttribute: return "missing_attribute";
    case ErrorCode::kUnsupportedTransferSyntax: return "unsupported_transfer_syntax";
    case ErrorCode::kUnsupportedImage: return "unsupported_image";
    case ErrorCode::kGeometry: return "geometry";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kDevice: return "device";
    case ErrorCode::kInternal: return "internal";
  }
  return "unknown";
}

}  // namespace vigil
