#include "dicom/inspect_report.h"

#include <dcmtk/dcmdata/dcxfer.h>

#include <cstdio>
#include <set>
#include <sstream>

#include "core/version.h"
#include "dicom/volume_reader.h"

namespace vigil::dicom {
namespace {

std::string transfer_syntax_of(const Series& series) {
  std::set<std::string> uids;
  for (const auto& h : series.instances) uids.insert(h.transfer_syntax_uid);
  if (uids.size() == 1) return *uids.begin();
  std::string joined;
  for (const auto& u : uids) joined += (joined.empty() ? "" : ",") + u;
  return joined;
}

std::string transfer_syntax_name(const std::string& uid) {
  const DcmXfer xfer(uid.c_str());
  return xfer.getXfer() == EXS_Unknown ? uid : std::string(xfer.getXferName());
}

std::string volume_state(const SeriesLayout& layout) {
  for (const auto& f : layout.plan.findings)
    if (f.code == "no_images") return "no_image";  // SR, SEG without pixels, RT plans: not a volume at all
  return layout.plan.refused() ? "refused" : "ok";
}

std::string fixed(double v, int precision) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", precision, v);
  return buffer;
}

}  // namespace

nlohmann::json inspect_json(const Catalog& catalog, const GeometryPolicy& policy) {
  using nlohmann::json;
  json out;
  out["vigil_version"] = kVersion;
  out["notice"] = kResearchUseNotice;
  out["files_seen"] = catalog.files_seen;
  out["skipped"] = json::array();
  for (const auto& s : catalog.skipped)
    out["skipped"].push_back({{"path", s.path}, {"reason", s.reason}, {"not_dicom", s.not_dicom}});
  out["studies"] = json::array();
  for (const auto& study : catalog.studies) {
    json js = {{"study_instance_uid", study.study_instance_uid},
               {"patient_key", study.patient_key},
               {"study_date", study.study_date},
               {"description", study.description},
               {"series", json::array()}};
    for (const auto& series : study.series) {
      const SeriesLayout layout = analyze_series(series, policy);
      const Geometry& g = layout.plan.geometry;
      json codes = json::array(), details = json::array();
      for (const auto& f : layout.plan.findings) {
        codes.push_back(f.code);
        details.push_back({{"code", f.code}, {"action", action_name(f.action)}, {"detail", f.detail}});
      }
      json jseries = {{"series_instance_uid", series.series_instance_uid},
                      {"series_number", series.series_number ? json(*series.series_number) : json()},
                      {"modality", series.modality},
                      {"description", series.description},
                      {"sop_class_uid", series.instances.front().sop_class_uid},
                      {"instances", series.instances.size()},
                      {"slices", layout.frames.size()},
                      {"transfer_syntax", transfer_syntax_of(series)},
                      {"volume", volume_state(layout)},
                      {"geometry_findings", codes},
                      {"geometry_details", details}};
      if (!layout.frames.empty() && !layout.plan.refused()) {
        jseries["size"] = {g.size[0], g.size[1], g.size[2]};
        jseries["spacing_mm"] = {g.spacing_mm[0], g.spacing_mm[1], g.spacing_mm[2]};
        jseries["origin_mm"] = {g.origin_mm[0], g.origin_mm[1], g.origin_mm[2]};
        jseries["direction"] = g.direction;
      } else {
        jseries["size"] = jseries["spacing_mm"] = jseries["origin_mm"] = jseries["direction"] = nullptr;
      }
      js["series"].push_back(std::move(jseries));
    }
    out["studies"].push_back(std::move(js));
  }
  return out;
}

std::string inspect_table(const Catalog& catalog, const GeometryPolicy& policy) {
  std::ostringstream o;
  o << catalog.files_seen << " file(s), " << catalog.studies.size() << " study(ies), " << catalog.skipped.size()
    << " skipped\n";
  for (const auto& study : catalog.studies) {
    o << "\nStudy " << study.study_instance_uid << "  date " << (study.study_date.empty() ? "-" : study.study_date)
      << "  patient#" << study.patient_key << (study.description.empty() ? "" : "  \"" + study.description + "\"")
      << "\n";
    o << "  #    mod  slices  size           spacing mm             transfer syntax                 volume\n";
    for (const auto& series : study.series) {
      const SeriesLayout layout = analyze_series(series, policy);
      const Geometry& g = layout.plan.geometry;
      const std::string state = volume_state(layout);
      char line[512];
      const std::string size =
          state == "ok" ? std::to_string(g.size[0]) + "x" + std::to_string(g.size[1]) + "x" + std::to_string(g.size[2])
                        : "-";
      const std::string spacing = state == "ok" ? fixed(g.spacing_mm[0], 3) + " x " + fixed(g.spacing_mm[1], 3) +
                                                      " x " + fixed(g.spacing_mm[2], 3)
                                                : "-";
      std::snprintf(line, sizeof line, "  %-4s %-4s %6zu  %-14s %-22s %-31.31s %s\n",
                    series.series_number ? std::to_string(*series.series_number).c_str() : "-",
                    series.modality.c_str(), layout.frames.size(), size.c_str(), spacing.c_str(),
                    transfer_syntax_name(series.instances.front().transfer_syntax_uid).c_str(), state.c_str());
      o << line;
      o << "       series " << series.series_instance_uid
        << (series.description.empty() ? "" : "  \"" + series.description + "\"") << "\n";
      if (state == "ok") {
        o << "       orientation row (" << fixed(g.direction[0], 3) << ", " << fixed(g.direction[3], 3) << ", "
          << fixed(g.direction[6], 3) << ") col (" << fixed(g.direction[1], 3) << ", " << fixed(g.direction[4], 3)
          << ", " << fixed(g.direction[7], 3) << ")  origin (" << fixed(g.origin_mm[0], 1) << ", "
          << fixed(g.origin_mm[1], 1) << ", " << fixed(g.origin_mm[2], 1) << ") mm\n";
      }
      for (const auto& f : layout.plan.findings)
        o << "       ! " << f.code << " [" << action_name(f.action) << "] " << f.detail << "\n";
    }
  }
  if (!catalog.skipped.empty()) {
    o << "\nSkipped files:\n";
    for (const auto& s : catalog.skipped) o << "  " << s.reason << "\n";
  }
  return o.str();
}

}  // namespace vigil::dicom
