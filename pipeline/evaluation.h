#pragma once
// `vigil eval`: detection and segmentation quality on studies with ground truth (the synthetic
// generator's layout: study folders holding dicom/, truth.json and labels.nrrd). Each study is read
// from its DICOM files and analysed exactly as `vigil run` does; its scored candidates give the
// FROC curve (pipeline/froc.h), its reported findings the sensitivity at the operating point, the
// lesion Dice and the diameter error. The diameter error compares like with like: the truth's
// lesion mask is measured by the same RECIST rule as a finding (longest in-plane axis over the
// slices); the generator's own 3-D long axis is reported beside it.

#include <functional>
#include <string>
#include <vector>

#include "pipeline/froc.h"
#include "pipeline/study_analysis.h"

namespace vigil::pipeline {

struct LesionOutcome {
  std::string study;          ///< folder name
  int id = 0;
  double diameter_mm = 0;
  double long_axis_mm = 0;         ///< the generator's 3-D long axis (truth.json)
  double mask_long_axis_mm = 0;    ///< the truth mask measured by Vigil's own RECIST rule (lesion_measurement.h)
  std::string type, placement;
  double best_probability = 0;  ///< of the most probable mark that hits it (0: none)
  bool has_candidate = false;   ///< a candidate (StudyAnalysis::candidate_centres, before NMS) lies within its radius
  bool reported = false;        ///< a reported finding (probability >= the operating point) hits it
  double dice = -1;             ///< of the reported finding's mask (-1: not reported)
  double long_axis_error_mm = -1;  ///< |reported long axis - mask_long_axis_mm| (-1: not reported)
  double long_axis_signed_error_mm = 0;  ///< reported minus mask_long_axis_mm (0 when not reported)
  double long_axis_3d_signed_error_mm = 0;  ///< reported minus the generator's 3-D long_axis_mm
};

struct EvalReport {
  std::string algorithm;
  std::size_t studies = 0;
  std::vector<std::string> failed;       ///< "folder: reason" for studies that could not be evaluated
  Froc froc;                             ///< all lesions
  Froc froc_solid_5mm;                   ///< solid lesions >= 5 mm (others' marks ignored)
  std::vector<LesionOutcome> lesions;
  std::size_t reported_false_positives = 0;  ///< reported findings that hit no lesion
  double seconds_per_study = 0;          ///< analysis (not ingest) wall time, mean
  std::vector<StageTiming> stage_seconds;  ///< summed per stage over the studies
};

/// Lesions of at least 4 mm, and how many of them had a candidate (LesionOutcome::has_candidate).
struct CandidateRecall {
  std::size_t lesions = 0, with_candidate = 0;
};
CandidateRecall candidate_recall_4mm(const EvalReport& report);

/// Evaluates every study folder under `data` (sorted by name). A study that fails is listed in
/// `failed` with its reason and the rest go on. Throws vigil::Error(kNotFound) when `data` holds
/// no study with a truth.json.
EvalReport evaluate(const std::string& data, const AnalysisOptions& options, unsigned threads,
                    const std::function<void(std::size_t, std::size_t, const std::string&)>& progress = {});

/// eval.json: `cpm` at the top, the FROC points, sensitivities by size, type and placement at the
/// operating point, Dice and diameter error statistics, every lesion's outcome.
void write_eval_json(const EvalReport& report, const std::string& path);

/// The FROC curve as a PNG (log2 false positives per study, 1/8 to 8).
void write_froc_png(const EvalReport& report, const std::string& path);

}  // namespace vigil::pipeline
