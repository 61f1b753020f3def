#pragma once
// summary.json of one study (schema in docs/summary-json.md).

#include <string>

#include <nlohmann/json.hpp>

#include "pipeline/study_runner.h"

namespace vigil::pipeline {

/// The documented JSON object for one study's outcome.
nlohmann::json summary_json(const StudyOutcome& outcome);

/// Writes summary_json(outcome) to `path` atomically (temporary file + rename).
void write_summary(const StudyOutcome& outcome, const std::string& path);

}  // namespace vigil::pipeline
