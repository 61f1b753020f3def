#include "dicom/instance_header.h"

#include <algorithm>

namespace vigil::dicom {

bool InstanceHeader::is_localizer() const {
  // Image Type value 3 is LOCALIZER for CT scout views (PS3.3 C.8.2.1.1.1).
  return std::find(image_type.begin(), image_type.end(), "LOCALIZER") != image_type.end();
}

}  // namespace vigil::dicom
