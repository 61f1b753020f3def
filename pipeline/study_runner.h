#pragma once
// One study end to end: choose the CT series, read it, analyse it, write SR + SEG + key images +
// summary.json into a folder, and optionally send the DICOM results to a PACS. Failures become the
// study's status (with the reason), never an exception that would stop other studies.

#include <optional>
#include <string>
#include <vector>

#include "core/finding.h"
#include "dicom/catalog.h"
#include "dicom/slice_geometry.h"
#include "dicom/store_scu.h"
#include "pipeline/study_analysis.h"

namespace vigil::pipeline {

struct RunOptions {
  dicom::GeometryPolicy geometry;
  AnalysisOptions analysis;
  std::optional<dicom::PacsAddress> pacs;  ///< send results when set
  dicom::SendOptions send;
  unsigned threads = 0;
  int revision = 0;  ///< results' revision (see dicom::ResultInput::revision)
};

struct StudyOutcome {
  std::string study_instance_uid;
  std::string series_instance_uid;       ///< the series analysed (empty when none qualified)
  std::string status = "failed";         ///< "succeeded" or "failed"
  std::string error;                     ///< why it failed (names file/series, UIDs hashed)
  std::string folder;                    ///< where its results are
  AlgorithmInfo algorithm;
  std::vector<Finding> findings;
  std::size_t candidate_count = 0;
  std::vector<StageTiming> timings;
  std::vector<std::string> dicom_files;  ///< SR, SEG, SCs, KOS written
  std::vector<std::string> key_image_pngs;
  std::string sr_path, seg_path, kos_path;
  std::optional<dicom::SendReport> sent;
  std::string requested_priority;        ///< from the source images, when the scanner sent one
  bool succeeded() const { return status == "succeeded"; }
};

/// The series Vigil analyses in a study: the CT image series with the most slices (at least 16),
/// excluding localizers. nullptr when the study has none.
const dicom::Series* choose_ct_series(const dicom::Study& study);

/// Runs one study; results go to `out_root`/<hashed study UID>/. Writes summary.json there.
StudyOutcome run_study(const dicom::Study& study, const std::string& out_root, const RunOptions& options);

}  // namespace vigil::pipeline
