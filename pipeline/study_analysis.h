#pragma once
// The detection half of the pipeline for one CT volume: canonical orientation, lung mask,
// candidates, lesion measurement. Each stage is timed. Writers and senders are the caller's.

#include <string>
#include <vector>

#include "core/finding.h"
#include "core/volume.h"
#include "kernels/device.h"
#include "pipeline/candidate_detector.h"
#include "pipeline/lesion_measurement.h"

namespace vigil::pipeline {

struct StageTiming {
  std::string stage;
  double seconds = 0;
};

struct AnalysisOptions {
  CandidateOptions candidates;
  MeasurementOptions measurement;
  kernels::Backend backend = kernels::default_backend();
};

struct StudyAnalysis {
  AlgorithmInfo algorithm;
  std::vector<Finding> findings;
  LabelVolume labels;            ///< in the input volume's geometry
  std::size_t candidate_count = 0;
  std::vector<StageTiming> timings;
};

/// Runs the stages on `ct` (HU, any orientation). Findings and labels refer to `ct` itself.
StudyAnalysis analyze_ct(const Volume& ct, const std::string& study_uid, const AnalysisOptions& options = {});

/// Wall time of `stage` appended to `timings` around `work()`.
template <typename Work>
auto timed(std::vector<StageTiming>& timings, const std::string& stage, Work&& work) -> decltype(work());

}  // namespace vigil::pipeline

#include "pipeline/stage_timer.inl"
