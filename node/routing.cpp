#include "node/routing.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "core/error.h"

namespace vigil::node {
namespace {

std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(" \t");
  if (a == std::string::npos) return {};
  return s.substr(a, s.find_last_not_of(" \t") - a + 1);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::vector<std::string> words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

bool matches(const RouteRule& rule, const StudyFacts& facts) {
  for (const auto& [field, pattern] : rule.match)
    if (field == "calling_ae" && !wildcard_match(pattern, facts.calling_ae)) return false;
  for (const auto& series : facts.series) {
    bool all = true;
    for (const auto& [field, pattern] : rule.match) {
      if (field == "modality") all = all && wildcard_match(pattern, series.modality);
      if (field == "body_part") all = all && wildcard_match(pattern, series.body_part);
      if (field == "series_description") all = all && wildcard_match(pattern, series.series_description);
    }
    if (all) return true;
  }
  return false;
}

}  // namespace

bool wildcard_match(const std::string& pattern_in, const std::string& value_in) {
  const std::string pattern = lower(pattern_in), value = lower(value_in);
  // Classic two-pointer glob with backtracking to the last '*'.
  std::size_t p = 0, v = 0, star = std::string::npos, mark = 0;
  while (v < value.size()) {
    if (p < pattern.size() && pattern[p] == value[v]) {
      ++p, ++v;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++, mark = v;
    } else if (star != std::string::npos) {
      p = star + 1, v = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

RouteRule parse_route(const std::string& text) {
  RouteRule rule;
  rule.text = text;
  std::istringstream parts(text);
  for (std::string part; std::getline(parts, part, '|');) {
    part = trim(part);
    const auto colon = part.find(':');
    if (colon == std::string::npos)
      throw Error(ErrorCode::kInvalidArgument, "route '" + text + "': '" + part + "' is not 'key: value'");
    const std::string key = trim(part.substr(0, colon)), value = trim(part.substr(colon + 1));
    if (key == "match") {
      for (const auto& w : words(value)) {
        const auto eq = w.find('=');
        const std::string field = w.substr(0, eq);
        if (eq == std::string::npos ||
            (field != "modality" && field != "calling_ae" && field != "body_part" && field != "series_description"))
          throw Error(ErrorCode::kInvalidArgument, "route '" + text + "': match '" + w +
                                                       "' (fields: modality, calling_ae, body_part, series_description)");
        rule.match.emplace_back(field, w.substr(eq + 1));
      }
    } else if (key == "pipeline") {
      if (value != "lung" && value != "none")
        throw Error(ErrorCode::kInvalidArgument, "route '" + text + "': pipeline is 'lung' or 'none'");
      rule.run_pipeline = value == "lung";
    } else if (key == "results") {
      for (const auto& w : words(value)) rule.results.push_back(dicom::parse_pacs_address(w));
    } else if (key == "forward") {
      for (const auto& w : words(value)) rule.forward.push_back(dicom::parse_pacs_address(w));
    } else {
      throw Error(ErrorCode::kInvalidArgument, "route '" + text + "': unknown part '" + key +
                                                   "' (match, pipeline, results, forward)");
    }
  }
  if (rule.match.empty()) throw Error(ErrorCode::kInvalidArgument, "route '" + text + "': no 'match:' part");
  return rule;
}

Route route_study(const std::vector<RouteRule>& rules, const RoutingDefaults& defaults, const StudyFacts& facts) {
  for (const auto& rule : rules)
    if (matches(rule, facts)) return {rule.run_pipeline, rule.results, rule.forward, rule.text};
  Route route;
  route.rule = "default";
  for (const auto& s : facts.series)
    if (std::find(defaults.pipeline_modalities.begin(), defaults.pipeline_modalities.end(), s.modality) !=
        defaults.pipeline_modalities.end())
      route.run_pipeline = true;
  route.results = defaults.results;
  route.forward = defaults.forward;
  if (route.results.empty())
    for (const auto& peer : defaults.peers)
      if (peer.called_ae == facts.calling_ae) route.results.push_back(peer);  // back to the sender
  return route;
}

}  // namespace vigil::node
