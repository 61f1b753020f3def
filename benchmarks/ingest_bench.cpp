// Ingest of a 512x512x300 CT series into an HU volume: Vigil against ITK's ImageSeriesReader +
// GDCMImageIO and against dcm2niix converting the same series, in the same run. Prints the ratios
// (lower is better for Vigil) and Vigil's peak memory over the volume's size.
//
//   build/bin/vigil_ingest_bench [--benchmark_repetitions=5] [--slices=300]
#include <benchmark/benchmark.h>
#include <itkGDCMImageIO.h>
#include <itkGDCMSeriesFileNames.h>
#include <itkImage.h>
#include <itkImageSeriesReader.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <thread>

#include "benchmarks/ratio_reporter.h"
#include "dicom/catalog.h"
#include "dicom/volume_reader.h"
#include "tests/support/series_writer.h"
#include "tests/support/test_paths.h"

namespace {

int g_slices = 300;
std::string g_series_dir;

const std::string& series_dir() {
  static vigil::test::TempDir dir("ingest-bench");
  if (g_series_dir.empty()) {
    vigil::test::SeriesSpec spec;
    spec.rows = spec.columns = 512;
    spec.pixel_spacing_mm = {0.7, 0.7};
    spec.positions = vigil::test::regular_positions({-180, -180, -300}, spec.orientation, 1.0, g_slices);
    vigil::test::write_series(spec, dir.file("series"));
    g_series_dir = dir.file("series");
  }
  return g_series_dir;
}

double vigil_ingest_once() {
  const auto catalog = vigil::dicom::scan_catalog(series_dir());
  const auto result = vigil::dicom::read_volume(catalog.studies.at(0).series.at(0));
  return result.volume.voxels[result.volume.voxels.size() / 2];
}

void BM_VigilIngest(benchmark::State& state) {
  series_dir();
  for (auto _ : state) benchmark::DoNotOptimize(vigil_ingest_once());
}

void BM_ItkSeriesReader(benchmark::State& state) {
  series_dir();
  using Image = itk::Image<float, 3>;
  for (auto _ : state) {
    auto names = itk::GDCMSeriesFileNames::New();
    names->SetUseSeriesDetails(false);
    names->SetDirectory(series_dir());
    auto reader = itk::ImageSeriesReader<Image>::New();
    reader->SetImageIO(itk::GDCMImageIO::New());
    reader->SetFileNames(names->GetFileNames(names->GetSeriesUIDs().front()));
    reader->Update();
    benchmark::DoNotOptimize(reader->GetOutput()->GetBufferPointer());
  }
}

void BM_Dcm2niix(benchmark::State& state) {
  series_dir();
  vigil::test::TempDir out("dcm2niix-out");
  const std::string cmd = "dcm2niix -z n -b n -o " + out.path() + " -f vol " + series_dir() + " > /dev/null 2>&1";
  for (auto _ : state) {
    if (std::system(cmd.c_str()) != 0) state.SkipWithError("dcm2niix failed (is it installed?)");
  }
}

BENCHMARK(BM_VigilIngest)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_ItkSeriesReader)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_Dcm2niix)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);

// Peak resident memory of one ingest in a child process, over the volume's float bytes.
void report_peak_memory() {
  series_dir();
  int pipefd[2];
  if (pipe(pipefd) != 0) return;
  const pid_t pid = fork();
  if (pid == 0) {
    rusage before{};
    getrusage(RUSAGE_SELF, &before);
    vigil_ingest_once();
    rusage after{};
    getrusage(RUSAGE_SELF, &after);
    const long grown_kb = after.ru_maxrss - before.ru_maxrss;
    if (write(pipefd[1], &grown_kb, sizeof grown_kb) != sizeof grown_kb) _exit(1);
    _exit(0);
  }
  long grown_kb = 0;
  if (read(pipefd[0], &grown_kb, sizeof grown_kb) != sizeof grown_kb) grown_kb = -1;
  waitpid(pid, nullptr, 0);
  const double volume_mb = 512.0 * 512.0 * g_slices * sizeof(float) / (1024.0 * 1024.0);
  std::printf("peak memory of one Vigil ingest: %.1f MiB over the %.1f MiB float volume = %.2fx (target <= 1.5x)\n",
              grown_kb / 1024.0, volume_mb, grown_kb / 1024.0 / volume_mb);
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], "--slices=", 9) == 0) g_slices = std::atoi(argv[i] + 9);
  benchmark::Initialize(&argc, argv);
  std::printf("series: 512x512x%d CT, uncompressed, written once to a temp folder (page cache warm); %u core(s)\n",
              g_slices, std::thread::hardware_concurrency());
  vigil::bench::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_ratio("Vigil / ITK ImageSeriesReader+GDCM", "BM_VigilIngest", "BM_ItkSeriesReader", "target <= 0.5");
  reporter.print_ratio("Vigil / dcm2niix", "BM_VigilIngest", "BM_Dcm2niix", "target <= 1.0");
  report_peak_memory();
  benchmark::Shutdown();
  return 0;
}
