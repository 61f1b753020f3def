#pragma once
// Routing rules of the node: which pipeline a study runs and where its results and the study
// itself go, decided by what the study is and who sent it. The first matching rule wins; no
// match falls back to the node's defaults (--pipeline-modality, --result-dest, --forward-dest,
// or the sender's own address from --peer when no result destination is set).
//
// A rule, one string (so it fits a flag and a config-file line):
//   "match: modality=CT calling_ae=CT_1 body_part=CHEST series_description=*LUNG* | pipeline: lung |
//    results: PACS@10.0.0.5:104 | forward: ARCHIVE@10.0.0.6:104"
// Values match case-insensitively; `*` matches any run of characters. `pipeline: none` only routes.

#include <string>
#include <vector>

#include "dicom/store_scu.h"

namespace vigil::node {

struct RouteRule {
  std::string text;  ///< as configured, for logs
  std::vector<std::pair<std::string, std::string>> match;  ///< (field, pattern)
  bool run_pipeline = true;
  std::vector<dicom::PacsAddress> results, forward;
};

/// Parses one rule; throws vigil::Error(kInvalidArgument) naming what is wrong.
RouteRule parse_route(const std::string& text);

/// What a study looks like to the rules: one entry per series (the study matches when any of its
/// series does), plus who sent it.
struct StudyFacts {
  std::string calling_ae;
  struct Series {
    std::string modality, body_part, series_description;
  };
  std::vector<Series> series;
};

struct Route {
  bool run_pipeline = false;
  std::vector<dicom::PacsAddress> results, forward;
  std::string rule;  ///< the rule's text, or "default"
};

struct RoutingDefaults {
  std::vector<std::string> pipeline_modalities;
  std::vector<dicom::PacsAddress> results, forward;
  std::vector<dicom::PacsAddress> peers;  ///< known senders: results go back to them by default
};

Route route_study(const std::vector<RouteRule>& rules, const RoutingDefaults& defaults, const StudyFacts& facts);

/// Case-insensitive match with `*` wildcards.
bool wildcard_match(const std::string& pattern, const std::string& value);

}  // namespace vigil::node
