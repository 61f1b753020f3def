#pragma once
// Study priority for the radiologist's worklist (formula in docs/worklist.md): the most
// suspicious finding's Lung-RADS-like category weighted by its probability, the finding count,
// the exam's requested priority, and waiting time, which grows without bound so that no study
// waits forever behind newer ones.

#include <string>
#include <vector>

#include "core/finding.h"

namespace vigil::node {

struct PriorityWeights {
  double finding = 60;    ///< category score (0..1) × probability of the most suspicious finding
  double count = 10;      ///< min(findings, 5) / 5
  double requested = 30;  ///< STAT 1, HIGH 0.66, MEDIUM 0.33, ROUTINE/LOW/absent 0
  double per_hour = 4;    ///< points per hour waited (unbounded: aging lifts every study)
};

/// Lung-RADS-like category of one finding from size and attenuation (not a clinical Lung-RADS
/// assessment: no prior, no growth): "2", "3", "4A", "4B".
std::string lung_rads_like_category(const Finding& f);
/// 0 for category 2 … 1 for 4B.
double category_score(const std::string& category);
/// DICOM Requested Procedure Priority (STAT, HIGH, MEDIUM, ROUTINE, LOW) → 0..1.
double requested_score(const std::string& requested_priority);

struct PriorityResult {
  double score = 0;
  std::string category;       ///< of the most suspicious finding; "1" when none
  std::string fhir_priority;  ///< routine | urgent | asap | stat
};

PriorityResult study_priority(const std::vector<Finding>& findings, const std::string& requested_priority,
                              double waiting_s, const PriorityWeights& weights = {});

struct RankedStudy {
  std::string study_uid;
  double score = 0;
  double received_at = 0;
};

/// Highest score first; ties by earlier arrival, then by UID (a stable, total order).
void rank(std::vector<RankedStudy>& studies);

}  // namespace vigil::node
