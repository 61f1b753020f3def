#include "node/priority.h"

#include <algorithm>

namespace vigil::node {

std::string lung_rads_like_category(const Finding& f) {
  // Diameter as Lung-RADS uses it: the mean of long and short axis, in mm.
  const double d = (f.long_axis_mm + f.short_axis_mm) / 2;
  switch (f.type) {
    case LesionType::kGroundGlass: return d >= 30 ? "3" : "2";
    case LesionType::kPartSolid: return d >= 6 ? (d >= 15 ? "4B" : "4A") : "3";
    case LesionType::kSolid:
    default:
      if (d < 6) return "2";
      if (d < 8) return "3";
      if (d < 15) return "4A";
      return "4B";
  }
}

double category_score(const std::string& category) {
  if (category == "4B") return 1.0;
  if (category == "4A") return 0.75;
  if (category == "3") return 0.4;
  if (category == "2") return 0.1;
  return 0.0;
}

double requested_score(const std::string& p) {
  if (p == "STAT") return 1.0;
  if (p == "HIGH") return 0.66;
  if (p == "MEDIUM") return 0.33;
  return 0.0;
}

PriorityResult study_priority(const std::vector<Finding>& findings, const std::string& requested_priority,
                              double waiting_s, const PriorityWeights& w) {
  PriorityResult r;
  r.category = "1";
  double finding_term = 0;
  for (const Finding& f : findings) {
    const std::string category = lung_rads_like_category(f);
    const double term = category_score(category) * std::clamp(f.probability, 0.0, 1.0);
    const bool better = term > finding_term || (term == finding_term && category_score(category) > category_score(r.category));
    if (better) finding_term = term, r.category = category;
  }
  const double count_term = std::min<double>(static_cast<double>(findings.size()), 5.0) / 5.0;
  const double requested = requested_score(requested_priority);
  r.score = w.finding * finding_term + w.count * count_term + w.requested * requested +
            w.per_hour * std::max(0.0, waiting_s) / 3600.0;
  // FHIR ServiceRequest.priority: what the exam asked for, raised by what Vigil found.
  if (requested >= 1.0)
    r.fhir_priority = "stat";
  else if (requested >= 0.66 || finding_term >= 0.6)
    r.fhir_priority = "asap";
  else if (finding_term >= 0.3 || requested > 0)
    r.fhir_priority = "urgent";
  else
    r.fhir_priority = "routine";
  return r;
}

void rank(std::vector<RankedStudy>& studies) {
  std::stable_sort(studies.begin(), studies.end(), [](const RankedStudy& a, const RankedStudy& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.received_at != b.received_at) return a.received_at < b.received_at;
    return a.study_uid < b.study_uid;
  });
}

}  // namespace vigil::node
