#pragma once
// Index of every DICOM instance under a folder: Patient → Study → Series, headers only.

#include <string>
#include <vector>

#include "dicom/instance_header.h"

namespace vigil::dicom {

/// A file that was not catalogued, and why.
struct SkippedFile {
  std::string path;
  std::string reason;
  bool not_dicom = false;  ///< true: not DICOM at all; false: DICOM that could not be read
};

struct Series {
  std::string series_instance_uid;
  std::string modality;
  std::string description;
  std::optional<int> series_number;
  std::vector<InstanceHeader> instances;  ///< in path order; the reader sorts by geometry
};

struct Study {
  std::string study_instance_uid;
  std::string patient_key;  ///< hash of Patient ID + Name: groups studies, never shows identity
  std::string study_date;
  std::string description;
  std::vector<Series> series;
};

struct Catalog {
  std::vector<Study> studies;
  std::vector<SkippedFile> skipped;
  std::size_t files_seen = 0;

  /// The series with this UID, or nullptr.
  const Series* find_series(const std::string& series_instance_uid) const;
};

struct CatalogOptions {
  unsigned threads = 0;  ///< 0 = all cores
};

/// Scans a file, a folder (recursively) or a DICOMDIR (its referenced files). Unreadable and
/// non-DICOM files are listed in `skipped` with a reason; they never stop the scan.
/// Throws vigil::Error(kNotFound) when `path` does not exist.
Catalog scan_catalog(const std::string& path, const CatalogOptions& options = {});

/// Groups already-parsed headers (e.g. received over the network) the same way.
Catalog build_catalog(std::vector<InstanceHeader> headers);

}  // namespace vigil::dicom
