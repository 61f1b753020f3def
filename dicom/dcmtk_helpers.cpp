#include "dicom/dcmtk_helpers.h"

#include <cstdio>

#include "core/error.h"

namespace vigil::dicom {

void check_dcmtk(const OFCondition& condition, const std::string& what) {
  if (condition.bad()) throw Error(ErrorCode::kIo, what + ": " + condition.text());
}

void put_string(DcmItem& item, const DcmTagKey& tag, const std::string& value) {
  check_dcmtk(item.putAndInsertString(tag, value.c_str()), std::string("setting ") + DcmTag(tag).getTagName());
}

std::string decimal_string(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.10g", value);
  std::string s = buffer;
  if (s.size() > 16) {
    std::snprintf(buffer, sizeof buffer, "%.6g", value);
    s = buffer;
  }
  return s;
}

std::string decimal_strings(std::initializer_list<double> values) {
  std::string out;
  for (double v : values) out += (out.empty() ? "" : "\\") + decimal_string(v);
  return out;
}

}  // namespace vigil::dicom
