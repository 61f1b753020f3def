#pragma once
// Attributes every Vigil result object shares (internal to dicom/: DCMTK types). Patient and
// study modules copied from the source; Vigil as the equipment; the research-use notice.

#include <dcmtk/dcmdata/dcdatset.h>

#include <string>

#include "dicom/dcmtk_helpers.h"
#include "dicom/result_input.h"

namespace vigil::dicom {

/// A UID derived from the source series, the algorithm version and `kind` ("sr", "seg", ...):
/// the same analysis of the same series always yields the same result UIDs, so re-sending is
/// idempotent at the PACS.
std::string result_uid(const ResultInput& input, const std::string& kind);
/// The same for an explicit revision (the predecessor of a re-run).
std::string result_uid(const ResultInput& input, const std::string& kind, int revision);

/// Patient, General Study, equipment (Vigil + version), Contributing Equipment, dates/times
/// (now), SOP Common (SOP Class/Instance), series identity, and the research-use notice.
void put_common_modules(DcmItem& dataset, const ResultInput& input, const std::string& sop_class_uid,
                        const std::string& kind, const std::string& modality, int series_number,
                        const std::string& series_description);

/// Saves `dataset` as a Part 10 file (Explicit VR Little Endian) at `path`; throws kIo.
void save_part10(DcmDataset& dataset, const std::string& path);

}  // namespace vigil::dicom
