#pragma once
// Small DCMTK helpers shared by Vigil's writers (internal to dicom/: DCMTK types).

#include <dcmtk/dcmdata/dcitem.h>

#include <initializer_list>
#include <string>

namespace vigil::dicom {

/// Throws vigil::Error(kIo) with `what` when `condition` is bad.
void check_dcmtk(const OFCondition& condition, const std::string& what);

/// Sets one attribute from a string, checking the result.
void put_string(DcmItem& item, const DcmTagKey& tag, const std::string& value);

/// Decimal String of at most 16 characters (PS3.5 6.2).
std::string decimal_string(double value);

/// Backslash-separated Decimal Strings (a multi-valued DS).
std::string decimal_strings(std::initializer_list<double> values);

}  // namespace vigil::dicom
