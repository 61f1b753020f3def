#include "cli/eval_command.h"

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "cli/exit_codes.h"
#include "pipeline/evaluation.h"

namespace vigil::cli {

int run_eval(const EvalArgs& args) {
  std::filesystem::create_directories(args.out);
  const auto lesion_models = load_lesion_models(args.models);
  wait_until_loaded(lesion_models.get());  // a load error ends the evaluation before it starts
  pipeline::AnalysisOptions options;
  options.models = lesion_models.get();
  options.segmenter_candidates = args.models.segmenter_candidates;
  const pipeline::EvalReport r = pipeline::evaluate(args.data, options, args.threads,
                                                    [](std::size_t i, std::size_t n, const std::string& name) {
                                                      std::fprintf(stderr, "[%zu/%zu] %s\n", i, n, name.c_str());
                                                    });
  pipeline::write_eval_json(r, args.out + "/eval.json");
  pipeline::write_froc_png(r, args.out + "/froc.png");
  std::size_t reported = 0;
  for (const auto& l : r.lesions) reported += l.reported;
  std::printf("%s\n%zu studies, %zu lesions (%zu failed studies)\n", r.algorithm.c_str(), r.studies, r.lesions.size(),
              r.failed.size());
  std::printf("CPM %.3f; sensitivity at 1/8..8 FP/study:", r.froc.cpm);
  for (double s : r.froc.sensitivity_at) std::printf(" %.3f", s);
  std::printf("\nsolid >= 5 mm: sensitivity %.3f at 1 FP/study\n", r.froc_solid_5mm.sensitivity_at[3]);
  std::printf("operating point: %zu of %zu lesions reported, %.2f false positives per study\n", reported, r.lesions.size(),
              r.studies ? double(r.reported_false_positives) / double(r.studies) : 0.0);
  const pipeline::CandidateRecall recall = pipeline::candidate_recall_4mm(r);
  std::printf("candidates: %zu of %zu lesions >= 4 mm have one\n", recall.with_candidate, recall.lesions);
  std::printf("%.1f s per study (analysis); eval.json and froc.png in %s\n", r.seconds_per_study, args.out.c_str());
  for (const auto& f : r.failed) std::fprintf(stderr, "failed: %s\n", f.c_str());
  return r.failed.empty() ? kExitOk : kExitPartial;
}

}  // namespace vigil::cli
