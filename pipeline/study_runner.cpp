#include "pipeline/study_runner.h"

#include <algorithm>
#include <filesystem>

#include "core/error.h"
#include "core/uid_hash.h"
#include "dicom/key_image_writer.h"
#include "dicom/seg_writer.h"
#include "dicom/source_series.h"
#include "dicom/sr_writer.h"
#include "dicom/volume_reader.h"
#include "pipeline/summary_json.h"

namespace vigil::pipeline {
namespace {

constexpr std::size_t kMinSlices = 16;

std::size_t image_count(const dicom::Series& s) {
  std::size_t n = 0;
  for (const auto& h : s.instances)
    if (h.is_image() && !h.is_localizer()) n += h.number_of_frames;
  return n;
}

void write_results(StudyOutcome& out, const dicom::Series& series, const Volume& ct, const StudyAnalysis& analysis,
                   int revision) {
  const dicom::SourceSeries source = dicom::describe_series(series);
  dicom::ResultInput input;
  input.source = &source;
  input.ct = &ct;
  input.labels = &analysis.labels;
  input.findings = analysis.findings;
  input.algorithm = analysis.algorithm;
  input.revision = revision;
  out.sr_path = out.folder + "/sr.dcm";
  dicom::write_measurement_report(input, out.sr_path);
  out.dicom_files.push_back(out.sr_path);
  if (dicom::write_segmentation(input, out.folder + "/seg.dcm")) {
    out.seg_path = out.folder + "/seg.dcm";
    out.dicom_files.push_back(out.seg_path);
  }
  const dicom::KeyImageFiles keys = dicom::write_key_images(input, out.folder + "/key_images");
  out.dicom_files.insert(out.dicom_files.end(), keys.secondary_captures.begin(), keys.secondary_captures.end());
  out.key_image_pngs = keys.pngs;
  if (!keys.key_object_selection.empty()) {
    out.kos_path = keys.key_object_selection;
    out.dicom_files.push_back(out.kos_path);
  }
}

}  // namespace

const dicom::Series* choose_ct_series(const dicom::Study& study) {
  const dicom::Series* best = nullptr;
  for (const auto& s : study.series) {
    if (s.modality != "CT" || image_count(s) < kMinSlices) continue;
    if (!best || image_count(s) > image_count(*best)) best = &s;
  }
  return best;
}

StudyOutcome run_study(const dicom::Study& study, const std::string& out_root, const RunOptions& options) {
  StudyOutcome out;
  out.study_instance_uid = study.study_instance_uid;
  out.folder = out_root + "/" + hash_uid(study.study_instance_uid);
  try {
    std::filesystem::create_directories(out.folder);
    const dicom::Series* series = choose_ct_series(study);
    if (!series)
      throw Error(ErrorCode::kUnsupportedImage, "study " + hash_uid(study.study_instance_uid) +
                                                    ": no CT series with at least " + std::to_string(kMinSlices) +
                                                    " images");
    out.series_instance_uid = series->series_instance_uid;
    for (const auto& h : series->instances)
      if (!h.requested_priority.empty()) out.requested_priority = h.requested_priority;
    dicom::ReadOptions read;
    read.policy = options.geometry;
    read.threads = options.threads;
    const dicom::VolumeReadResult volume = timed(out.timings, "ingest", [&] { return dicom::read_volume(*series, read); });
    StudyAnalysis analysis = analyze_ct(volume.volume, study.study_instance_uid, options.analysis);
    out.timings.insert(out.timings.end(), analysis.timings.begin(), analysis.timings.end());
    out.algorithm = analysis.algorithm;
    out.candidate_count = analysis.candidate_count;
    out.findings = analysis.findings;
    timed(out.timings, "write", [&] { write_results(out, *series, volume.volume, analysis, options.revision); });
    out.status = "succeeded";
    if (options.pacs) {
      out.sent = timed(out.timings, "send", [&] { return dicom::send_files(*options.pacs, out.dicom_files, options.send); });
      const auto& sent = out.sent->instances;
      const auto first_failed = std::find_if(sent.begin(), sent.end(), [](const auto& i) { return !i.stored; });
      if (first_failed != sent.end()) {
        out.status = "failed";
        out.error = std::to_string(out.sent->failed()) + " of " + std::to_string(sent.size()) +
                    " result instances not stored at the PACS; first: " +
                    std::filesystem::path(first_failed->path).filename().string() + ": " + first_failed->message;
      }
    }
  } catch (const Error& e) {
    out.status = "failed";
    out.error = e.what();
  } catch (const std::exception& e) {
    out.status = "failed";
    out.error = std::string("internal error: ") + e.what();
  }
  try {
    write_summary(out, out.folder + "/summary.json");
  } catch (const std::exception& e) {
    out.status = "failed";
    out.error += std::string(out.error.empty() ? "" : "; ") + "summary.json: " + e.what();
  }
  return out;
}

}  // namespace vigil::pipeline
