#include "pipeline/summary_json.h"

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "core/version.h"

namespace vigil::pipeline {
namespace {

std::string relative(const std::string& path, const std::string& folder) {
  if (path.empty()) return {};
  return std::filesystem::relative(path, folder).generic_string();
}

}  // namespace

nlohmann::json summary_json(const StudyOutcome& o) {
  nlohmann::json j;
  j["schema"] = "vigil.summary/1";
  j["vigil_version"] = kVersion;
  j["notice"] = kResearchUseNotice;
  j["study_instance_uid"] = o.study_instance_uid;
  j["series_instance_uid"] = o.series_instance_uid;
  j["status"] = o.status;
  if (!o.error.empty()) j["error"] = o.error;
  j["algorithm"] = {{"name", o.algorithm.name}, {"version", o.algorithm.version}, {"description", o.algorithm.description}};
  j["candidate_count"] = o.candidate_count;
  if (!o.requested_priority.empty()) j["requested_priority"] = o.requested_priority;
  nlohmann::json findings = nlohmann::json::array();
  for (const Finding& f : o.findings) {
    findings.push_back({{"number", f.number},
                        {"tracking_uid", f.tracking_uid},
                        {"center_mm", {f.center_mm[0], f.center_mm[1], f.center_mm[2]}},
                        {"long_axis_mm", f.long_axis_mm},
                        {"short_axis_mm", f.short_axis_mm},
                        {"volume_mm3", f.volume_mm3},
                        {"mean_hu", f.mean_hu},
                        {"probability", f.probability},
                        {"type", lesion_type_name(f.type)},
                        {"finding_site", f.finding_site},
                        {"key_slice", f.key_slice}});
  }
  j["findings"] = findings;
  nlohmann::json timings = nlohmann::json::object();
  for (const StageTiming& t : o.timings) timings[t.stage] = t.seconds;
  j["timings_s"] = timings;
  nlohmann::json outputs = nlohmann::json::object();
  if (!o.sr_path.empty()) outputs["sr"] = relative(o.sr_path, o.folder);
  if (!o.seg_path.empty()) outputs["seg"] = relative(o.seg_path, o.folder);
  if (!o.kos_path.empty()) outputs["kos"] = relative(o.kos_path, o.folder);
  nlohmann::json pngs = nlohmann::json::array();
  for (const auto& p : o.key_image_pngs) pngs.push_back(relative(p, o.folder));
  outputs["key_image_pngs"] = pngs;
  nlohmann::json files = nlohmann::json::array();
  for (const auto& p : o.dicom_files) files.push_back(relative(p, o.folder));
  outputs["dicom"] = files;
  j["outputs"] = outputs;
  if (o.sent) {
    nlohmann::json instances = nlohmann::json::array();
    for (const auto& i : o.sent->instances)
      instances.push_back({{"file", relative(i.path, o.folder)},
                           {"stored", i.stored},
                           {"status", i.dimse_status},
                           {"message", i.message}});
    j["sent"] = {{"associations", o.sent->associations}, {"stored", o.sent->instances.size() - o.sent->failed()},
                 {"failed", o.sent->failed()}, {"instances", instances}};
  }
  return j;
}

void write_summary(const StudyOutcome& outcome, const std::string& path) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary);
    out << summary_json(outcome).dump(2) << "\n";
    if (!out) throw Error(ErrorCode::kIo, temporary + ": cannot write");
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) throw Error(ErrorCode::kIo, path + ": cannot rename into place: " + ec.message());
}

}  // namespace vigil::pipeline
