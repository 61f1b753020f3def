#include "cli/inspect_command.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "cli/exit_codes.h"
#include "core/error.h"
#include "dicom/catalog.h"
#include "dicom/inspect_report.h"
#include "dicom/volume_reader.h"

namespace vigil::cli {
namespace {

struct DecodeOutcome {
  bool ok = false;
  double seconds = 0;
  float min = 0, max = 0;
  double mean = 0;
  std::string error;
};

DecodeOutcome decode(const dicom::Series& series, const InspectArgs& args) {
  DecodeOutcome out;
  const auto start = std::chrono::steady_clock::now();
  try {
    const auto result = dicom::read_volume(series, {args.policy, args.threads});
    const auto& v = result.volume.voxels;
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto [mn, mx] = std::minmax_element(v.begin(), v.end());
    out.min = *mn;
    out.max = *mx;
    double sum = 0;
    for (float x : v) sum += x;
    out.mean = sum / static_cast<double>(v.size());
    out.ok = true;
  } catch (const Error& e) {
    out.error = e.what();
  }
  return out;
}

}  // namespace

int run_inspect(const InspectArgs& args) {
  const dicom::Catalog catalog = dicom::scan_catalog(args.path, {args.threads});
  bool any_failed = false;
  if (args.json) {
    nlohmann::json report = dicom::inspect_json(catalog, args.policy);
    if (args.decode) {
      for (std::size_t s = 0; s < catalog.studies.size(); ++s) {
        for (std::size_t r = 0; r < catalog.studies[s].series.size(); ++r) {
          auto& js = report["studies"][s]["series"][r];
          if (js["volume"] != "ok") continue;
          const DecodeOutcome d = decode(catalog.studies[s].series[r], args);
          any_failed |= !d.ok;
          js["decoded"] = d.ok ? nlohmann::json{{"ok", true}, {"seconds", d.seconds}, {"min", d.min},
                                                {"max", d.max}, {"mean", d.mean}}
                               : nlohmann::json{{"ok", false}, {"error", d.error}};
        }
      }
    }
    std::cout << report.dump(2) << "\n";
  } else {
    std::cout << dicom::inspect_table(catalog, args.policy);
    if (args.decode) {
      std::cout << "\nDecoded volumes:\n";
      for (const auto& study : catalog.studies) {
        for (const auto& series : study.series) {
          const auto layout = dicom::analyze_series(series, args.policy);
          if (layout.frames.empty() || layout.plan.refused()) continue;
          const DecodeOutcome d = decode(series, args);
          any_failed |= !d.ok;
          if (d.ok) {
            std::printf("  %-5s %s  %.3f s  values %.1f .. %.1f (mean %.1f)\n", series.modality.c_str(),
                        series.series_instance_uid.c_str(), d.seconds, d.min, d.max, d.mean);
          } else {
            std::printf("  %-5s %s  FAILED: %s\n", series.modality.c_str(), series.series_instance_uid.c_str(),
                        d.error.c_str());
          }
        }
      }
    }
  }
  if (catalog.studies.empty()) return kExitNothingUsable;
  return any_failed ? kExitPartial : kExitOk;
}

}  // namespace vigil::cli
