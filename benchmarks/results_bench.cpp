// Time to write and send the full result set (SR + SEG + key images + KOS) of a synthetic study
// with 10 lesions, against the peer: highdicom writing the same SR (benchmarks/highdicom_sr.py),
// measured in the same run. Sending goes to DCMTK's storescp on loopback; run the benchmark in a
// private network namespace so storescp is reachable from nowhere else:
//
//   tests/support/private_network.sh build/bin/vigil_results_bench
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <thread>

#include "dicom/catalog.h"
#include "dicom/key_image_writer.h"
#include "dicom/seg_writer.h"
#include "dicom/source_series.h"
#include "dicom/sr_writer.h"
#include "dicom/store_scu.h"
#include "dicom/volume_reader.h"
#include "pipeline/lesion_measurement.h"
#include "tests/support/command.h"
#include "tests/support/orthanc.h"
#include "tests/support/test_paths.h"

namespace {

using Clock = std::chrono::steady_clock;

double median_seconds(int repetitions, const std::function<void()>& work) {
  std::vector<double> times;
  for (int i = 0; i < repetitions; ++i) {
    const auto start = Clock::now();
    work();
    times.push_back(std::chrono::duration<double>(Clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

}  // namespace

int main() {
  vigil::test::TempDir dir("results-bench");
  const std::string config = dir.file("synth.json");
  std::ofstream(config) << R"({"lesions_per_study": [10, 10], "p_no_lesion": 0, "slices": [120, 120],
                             "lesion_diameter_mm": [6, 20]})";
  if (vigil::test::run_vigil("synth --out " + dir.file("in") + " --studies 1 --seed 77 --config " + config).status != 0)
    return std::fprintf(stderr, "synth failed\n"), 1;

  const auto catalog = vigil::dicom::scan_catalog(dir.file("in"));
  const auto& series = catalog.studies.at(0).series.at(0);
  const auto volume = vigil::dicom::read_volume(series).volume;
  const vigil::dicom::SourceSeries source = vigil::dicom::describe_series(series);
  // Findings from the truth's lesions, measured as the pipeline measures candidates.
  std::ifstream truth_file(dir.file("in/study_0000/truth.json"));
  const auto truth = nlohmann::json::parse(truth_file);
  std::vector<vigil::pipeline::Candidate> candidates;
  for (const auto& l : truth["lesions"]) {
    vigil::pipeline::Candidate c;
    c.center_mm = {l["center_mm"][0], l["center_mm"][1], l["center_mm"][2]};
    c.response = 200.0f;
    c.radius_mm = static_cast<float>(l["diameter_mm"].get<double>() / 2);
    candidates.push_back(std::move(c));
  }
  vigil::pipeline::MeasurementOptions options;
  options.min_diameter_mm = 1;
  const auto measured = vigil::pipeline::measure_lesions(volume, candidates, source.study_instance_uid, options);
  vigil::dicom::ResultInput input;
  input.source = &source;
  input.ct = &volume;
  input.labels = &measured.labels;
  input.findings = measured.findings;
  input.algorithm.version = "bench";
  std::printf("study 512x512x120, %zu findings\n", input.findings.size());

  // The peer's input: the same findings with the outline in the referenced image's pixels.
  nlohmann::json peer = nlohmann::json::array();
  for (const auto& f : input.findings) {
    const auto& image = source.images[vigil::dicom::nearest_image(source, f.outline_mm.front())];
    nlohmann::json outline = nlohmann::json::array();
    for (const auto& p : f.outline_mm) {
      const auto px = vigil::dicom::to_pixel(image, p);
      outline.push_back({px[0] + 0.5, px[1] + 0.5});
    }
    outline.push_back(outline.front());
    peer.push_back({{"number", f.number}, {"tracking_uid", f.tracking_uid}, {"long_axis_mm", f.long_axis_mm},
                    {"short_axis_mm", f.short_axis_mm}, {"volume_mm3", f.volume_mm3},
                    {"probability", f.probability}, {"sop_instance_uid", image.sop_instance_uid},
                    {"outline_px", outline}});
  }
  std::ofstream(dir.file("findings.json")) << peer.dump();

  const int repetitions = 5;
  const double sr_s = median_seconds(repetitions, [&] { vigil::dicom::write_measurement_report(input, dir.file("sr.dcm")); });
  std::vector<std::string> files;
  auto write_all = [&] {
    files = {dir.file("out/sr.dcm"), dir.file("out/seg.dcm")};
    vigil::dicom::write_measurement_report(input, files[0]);
    vigil::dicom::write_segmentation(input, files[1]);
    const auto keys = vigil::dicom::write_key_images(input, dir.file("out/keys"));
    files.insert(files.end(), keys.secondary_captures.begin(), keys.secondary_captures.end());
    files.push_back(keys.key_object_selection);
  };
  const double write_all_s = median_seconds(repetitions, write_all);

  // storescp on loopback as the receiving PACS.
  const int port = vigil::test::free_port();
  std::filesystem::create_directories(dir.file("received"));
  const pid_t storescp = ::fork();
  if (storescp == 0) {
    ::setenv("TCP_NODELAY", "1", 1);
    if (std::freopen("/dev/null", "w", stderr) == nullptr) std::_Exit(126);  // "overwriting" warnings
    ::execlp("storescp", "storescp", "-od", dir.file("received").c_str(), std::to_string(port).c_str(),
             static_cast<char*>(nullptr));
    std::_Exit(127);
  }
  vigil::dicom::PacsAddress pacs{"STORESCP", "127.0.0.1", static_cast<std::uint16_t>(port), "VIGIL", {}};
  for (int i = 0; i < 50; ++i) {
    try {
      vigil::dicom::echo(pacs);
      break;
    } catch (const std::exception&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  std::size_t stored = 0;
  const double write_send_s = median_seconds(repetitions, [&] {
    write_all();
    stored = files.size() - vigil::dicom::send_files(pacs, files).failed();
  });
  ::kill(storescp, SIGTERM);
  ::waitpid(storescp, nullptr, 0);

  const auto peer_run = vigil::test::run_command(vigil::test::python() + " " + VIGIL_BENCH_DIR + "/highdicom_sr.py " +
                                                 dir.file("findings.json") + " " + dir.file("in/study_0000/dicom") +
                                                 " " + dir.file("peer-sr.dcm") + " " + std::to_string(repetitions));
  const double peer_s = std::atof(peer_run.out.c_str());
  std::printf("Vigil SR (TID 1500, %zu groups)        %8.4f s (median of %d)\n", input.findings.size(), sr_s, repetitions);
  std::printf("Vigil SR + SEG + %zu SC + KOS written   %8.4f s\n", input.findings.size(), write_all_s);
  std::printf("Vigil full set written + C-STOREd       %8.4f s (%zu/%zu stored by storescp)\n", write_send_s, stored,
              files.size());
  if (peer_run.status != 0 || peer_s <= 0) return std::fprintf(stderr, "highdicom peer failed:\n%s\n", peer_run.out.c_str()), 1;
  std::printf("highdicom SR (same content)            %8.4f s\n", peer_s);
  std::printf("ratio SR Vigil/highdicom: %.3f (lower is better)\n", sr_s / peer_s);
  std::printf("ratio full set written+sent Vigil / highdicom SR only: %.3f\n", write_send_s / peer_s);
  return 0;
}
