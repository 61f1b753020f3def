#pragma once
// Turns a file's header into an InstanceHeader without reading its pixel data.

#include <string>

#include "dicom/instance_header.h"

class DcmItem;

namespace vigil::dicom {

/// Reads the header of a DICOM file (Part 10, or a bare data set). Pixel data is located but not
/// loaded. Throws vigil::Error (kNotDicom, kCorruptDicom, kIo) naming the file.
InstanceHeader read_instance_header(const std::string& path);

/// Fills an InstanceHeader from an already-loaded data set (used by read_instance_header and by
/// the C-STORE receiver). transfer_syntax_uid is the one the data set was encoded in.
InstanceHeader header_from_dataset(DcmItem& dataset, const std::string& path,
                                   const std::string& transfer_syntax_uid);

}  // namespace vigil::dicom
