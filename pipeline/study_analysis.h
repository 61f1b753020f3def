#pragma once
// The detection half of the pipeline for one CT volume: canonical orientation, lung mask,
// candidates, classifier, segmenter, lesion measurement. Each stage is timed. Writers and senders are the caller's.

#include <string>
#include <vector>

#include "core/finding.h"
#include "core/volume.h"
#include "kernels/device.h"
#include "pipeline/candidate_detector.h"
#include "pipeline/lesion_measurement.h"

namespace vigil::models {
class LesionModels;
}

namespace vigil::pipeline {

struct StageTiming {
  std::string stage;
  double seconds = 0;
};

struct AnalysisOptions {
  CandidateOptions candidates;
  MeasurementOptions measurement;
  kernels::Backend backend = kernels::default_backend();
  /// The trained classifier and segmenter; nullptr: the classical detector alone (blob response
  /// as probability, region growing for masks), and the outputs say so.
  const models::LesionModels* models = nullptr;
  /// With `models`: the segmenter also runs over the whole lung and its lesion components join
  /// the blob candidates (pipeline/segmenter_candidates.h). Off by default and experimental: a
  /// minute a chest on a CPU, and it lowered the test-set CPM (models/weights/README.md).
  bool segmenter_candidates = false;
};

struct StudyAnalysis {
  AlgorithmInfo algorithm;
  std::vector<Finding> findings;
  LabelVolume labels;            ///< in the input volume's geometry
  std::size_t candidate_count = 0;
  /// Where the candidates were, before non-maximum suppression (`vigil eval`'s candidate recall).
  std::vector<Vec3> candidate_centres;
  /// Every candidate after the classifier and non-maximum suppression, most probable first (with
  /// the classical detector: the candidates with their response's probability). `vigil eval`
  /// draws its FROC curve from these.
  std::vector<Candidate> scored_candidates;
  std::vector<StageTiming> timings;
};

/// Runs the stages on `ct` (HU, any orientation). Findings and labels refer to `ct` itself.
StudyAnalysis analyze_ct(const Volume& ct, const std::string& study_uid, const AnalysisOptions& options = {});

/// Wall time of `stage` appended to `timings` around `work()`.
template <typename Work>
auto timed(std::vector<StageTiming>& timings, const std::string& stage, Work&& work) -> decltype(work());

}  // namespace vigil::pipeline

#include "pipeline/stage_timer.inl"
