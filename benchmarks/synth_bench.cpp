// Time to generate one 512x512x300 synthetic chest CT study in memory, and to write it as DICOM,
// on all cores (target: under 20 s on 2 cores). No peer generator exists to compare with; the
// in-memory study is what training consumes.
//
//   build/bin/vigil_synth_bench [--benchmark_repetitions=3]
#include <benchmark/benchmark.h>

#include "dicom/ct_series_writer.h"
#include "models/synthetic/synthetic_study.h"
#include "tests/support/test_paths.h"

namespace {

vigil::synthetic::SynthConfig config() {
  vigil::synthetic::SynthConfig c;
  c.slices = {300, 300};
  c.p_no_lesion = 0;
  c.lesions_per_study = {5, 5};
  return c;
}

void BM_GenerateStudy512x512x300(benchmark::State& state) {
  std::uint64_t seed = 1;
  for (auto _ : state) {
    const auto study = vigil::synthetic::generate_study(config(), seed++, 0);
    benchmark::DoNotOptimize(study.hu.data());
  }
}

void BM_GenerateAndWriteDicom512x512x300(benchmark::State& state) {
  std::uint64_t seed = 100;
  for (auto _ : state) {
    const auto s = vigil::synthetic::generate_study(config(), seed++, 0);
    vigil::test::TempDir dir("synth-bench");
    vigil::dicom::CtSeriesInfo info;
    info.patient_name = "SYNTHETIC^BENCH";
    info.patient_id = s.patient_id;
    info.study_instance_uid = s.study_uid;
    info.series_instance_uid = s.series_uid;
    info.frame_of_reference_uid = s.frame_of_reference_uid;
    vigil::dicom::CtPlanes planes{s.stack.row, s.stack.col, s.stack.spacing_row_mm, s.stack.spacing_col_mm,
                                  s.stack.thickness_mm, 512, 512};
    std::vector<vigil::dicom::CtSlice> slices;
    for (std::size_t k = 0; k < s.stack.slices(); ++k)
      slices.push_back({s.stack.positions[k], static_cast<int>(k) + 1, s.hu.data() + k * 512 * 512});
    vigil::dicom::write_ct_series(info, planes, slices, dir.path());
  }
}

BENCHMARK(BM_GenerateStudy512x512x300)->Unit(benchmark::kSecond)->UseRealTime()->Iterations(2);
BENCHMARK(BM_GenerateAndWriteDicom512x512x300)->Unit(benchmark::kSecond)->UseRealTime()->Iterations(2);

}  // namespace

BENCHMARK_MAIN();
