// GPU kernels against the card's own copy bandwidth and against the CPU references, same run.
// Built in the compute-only tree (CUDA + core + kernels + the synthetic generator), so it runs on
// the lent GPU machines: scripts/gpu-check.sh runs it after the tests.
//
//   build-gpu/bin/vigil_gpu_bench [--slices N] [--markdown FILE]
//
// Input: one synthetic chest CT, 512 x 512 x N (default 300) at 0.7 x 0.7 x 1.25 mm, with its
// true lung mask. GPU times are CUDA-event times of the kernels on device memory (no transfers),
// median of several runs; "GPU + copies" is the host-memory entry point a caller without device
// memory uses. CPU times use every core of the machine. Streaming kernels report achieved memory
// bandwidth (the bytes they must read and write at least once) as a fraction of a device-to-device
// cudaMemcpy measured in the same run (target >= 60%).
#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "core/parallel.h"
#include "kernels/blob_filter.h"
#include "kernels/components.h"
#include "kernels/cuda_check.h"
#include "kernels/device.h"
#include "kernels/device_buffer.h"
#include "kernels/gaussian.h"
#include "kernels/normalize.h"
#include "kernels/patches.h"
#include "kernels/peaks.h"
#include "kernels/resample.h"
#include "models/synthetic/synthetic_study.h"

namespace {

using namespace vigil::kernels;
using Clock = std::chrono::steady_clock;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

/// Median milliseconds of `runs` GPU launches of `body` on the default stream (one warm-up first).
double gpu_ms(int runs, const std::function<void()>& body) {
  cudaEvent_t start, stop;
  VIGIL_CUDA_CHECK(cudaEventCreate(&start));
  VIGIL_CUDA_CHECK(cudaEventCreate(&stop));
  body();
  VIGIL_CUDA_CHECK(cudaDeviceSynchronize());
  std::vector<double> times;
  for (int r = 0; r < runs; ++r) {
    VIGIL_CUDA_CHECK(cudaEventRecord(start));
    body();
    VIGIL_CUDA_CHECK(cudaEventRecord(stop));
    VIGIL_CUDA_CHECK(cudaEventSynchronize(stop));
    float ms = 0;
    VIGIL_CUDA_CHECK(cudaEventElapsedTime(&ms, start, stop));
    times.push_back(ms);
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  return median(times);
}

/// Median wall milliseconds of `runs` calls of a host function.
double host_ms(int runs, const std::function<void()>& body) {
  std::vector<double> times;
  for (int r = 0; r < runs; ++r) {
    const auto t0 = Clock::now();
    body();
    times.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  return median(times);
}

struct Row {
  std::string name;
  double gpu_ms = 0, gpu_with_copies_ms = 0, cpu_ms = 0;
  double bytes = 0;  ///< minimum bytes moved by the GPU kernel; 0 = not a streaming kernel
};

}  // namespace

int main(int argc, char** argv) {
  int slices = 300;
  std::string markdown;
  for (int a = 1; a + 1 < argc; a += 2) {
    const std::string flag = argv[a];
    if (flag == "--slices") slices = std::stoi(argv[a + 1]);
    else if (flag == "--markdown") markdown = argv[a + 1];
  }
  if (cuda_device_count() == 0) {
    std::fprintf(stderr, "vigil_gpu_bench: no CUDA device\n");
    return 2;
  }
  const std::string card = cuda_device_description(0);

  vigil::synthetic::SynthConfig config;
  config.matrix = 512;
  config.pixel_spacing_mm = {0.7, 0.7};
  config.slice_thickness_mm = {1.25, 1.25};
  config.slices = {double(slices), double(slices)};
  config.lesions_per_study = {6, 6};
  config.p_no_lesion = 0;
  const auto t_gen = Clock::now();
  const auto study = vigil::synthetic::generate_study(config, 2026, 0, 0, true);
  std::printf("synthetic CT 512x512x%d generated in %.1f s; card: %s; CPU threads: %u\n", slices,
              std::chrono::duration<double>(Clock::now() - t_gen).count(), card.c_str(), vigil::hardware_threads());

  const Extent3 e{512, 512, std::size_t(slices)};
  const std::size_t n = e.count();
  const std::array<float, 3> spacing{0.7f, 0.7f, 1.25f};
  std::vector<std::int16_t> raw(n);
  for (std::size_t v = 0; v < n; ++v) raw[v] = std::int16_t(std::lround(std::clamp(study.hu[v], -1024.0f, 3000.0f)));
  std::vector<float> hu(study.hu.begin(), study.hu.end());
  const std::vector<std::uint8_t>& lung = study.lung_mask;

  DeviceBuffer<std::int16_t> d_raw(n);
  DeviceBuffer<float> d_a(n), d_b(n), d_c(n), d_scratch(2 * n);
  DeviceBuffer<std::uint8_t> d_scale(n), d_mask(n);
  d_raw.upload(raw.data());
  d_a.upload(hu.data());
  d_mask.upload(lung.data());
  std::vector<float> host_out(n);
  std::vector<Row> rows;

  // The card's streaming reference: a device-to-device copy of the float volume.
  const double copy_ms = gpu_ms(20, [&] {
    VIGIL_CUDA_CHECK(cudaMemcpyAsync(d_b.get(), d_a.get(), n * sizeof(float), cudaMemcpyDeviceToDevice));
  });
  const double copy_gbs = 2.0 * n * sizeof(float) / (copy_ms * 1e6);

  const IntensityTransform unit_window = IntensityTransform::window(-1000, 400);
  rows.push_back({"int16 -> float window (kernel 1)",
                  gpu_ms(20, [&] { normalize_cuda(d_raw.get(), d_b.get(), n, unit_window, nullptr); }),
                  host_ms(5, [&] { normalize(raw.data(), host_out.data(), n, unit_window, Backend::kCuda); }),
                  host_ms(5, [&] { normalize_cpu(raw.data(), host_out.data(), n, unit_window); }), n * 6.0});

  vigil::Geometry in_geometry;
  in_geometry.size = {e.nx, e.ny, e.nz};
  in_geometry.spacing_mm = {spacing[0], spacing[1], spacing[2]};
  const vigil::Geometry out_geometry = grid_with_spacing(in_geometry, {1.0, 1.0, 1.0});
  const Extent3 oe{out_geometry.size[0], out_geometry.size[1], out_geometry.size[2]};
  const AxisMap map = axis_map(in_geometry, out_geometry);
  std::vector<float> resampled(oe.count());
  rows.push_back({"trilinear resample to 1 mm (kernel 2)",
                  gpu_ms(20, [&] { resample_linear_cuda(d_a.get(), e, d_b.get(), oe, map, -1024, nullptr); }),
                  host_ms(3, [&] { resample_linear(hu.data(), e, resampled.data(), oe, map, -1024, Backend::kCuda); }),
                  host_ms(3, [&] { resample_linear_cpu(hu.data(), e, resampled.data(), oe, map, -1024); }),
                  (n + oe.count()) * 4.0});

  for (float sigma_mm : {2.0f, 8.66f}) {
    const std::array<float, 3> s{sigma_mm / spacing[0], sigma_mm / spacing[1], sigma_mm / spacing[2]};
    rows.push_back({"Gaussian sigma " + std::to_string(sigma_mm).substr(0, 4) + " mm, 3 passes (kernel 3a)",
                    gpu_ms(10, [&] { gaussian_blur_cuda(d_a.get(), d_b.get(), d_c.get(), e, s, nullptr); }),
                    host_ms(3, [&] { gaussian_blur(hu.data(), host_out.data(), e, s, Backend::kCuda); }),
                    host_ms(3, [&] { gaussian_blur_cpu(hu.data(), host_out.data(), e, s); }), n * 24.0});
  }

  // The candidate stage as pipeline/candidate_detector.cpp runs it: clip, 8-scale dot measure, peaks.
  BlobScales scales;
  scales.sigma_mm = blob_sigmas_for_radii(1.5f, 15.0f, 8);
  scales.spacing_mm = spacing;
  scales.measure = BlobMeasure::kHessianDot;
  IntensityTransform clip;
  clip.window_low = -1000, clip.window_high = -400, clip.scale = 1, clip.shift = 0;
  std::vector<float> clipped(n), response(n);
  std::vector<std::uint8_t> scale_index(n);
  normalize_cpu(hu.data(), clipped.data(), n, clip);
  d_b.upload(clipped.data());
  rows.push_back({"blob response, Hessian dot, 8 scales (kernel 3b)",
                  gpu_ms(3, [&] { log_blob_response_cuda(d_b.get(), d_c.get(), d_scale.get(), d_scratch.get(), e, scales, nullptr); }),
                  host_ms(1, [&] { log_blob_response(clipped.data(), response.data(), scale_index.data(), e, scales, Backend::kCuda); }),
                  host_ms(1, [&] { log_blob_response_cpu(clipped.data(), response.data(), scale_index.data(), e, scales); }),
                  0});
  const PeakOptions peak_options{20.0f, 2, 100};
  d_c.upload(response.data());
  d_scale.upload(scale_index.data());
  rows.push_back({"3-D NMS + top 100 in the lung mask (kernel 4)",
                  gpu_ms(10, [&] { find_peaks_cuda(d_c.get(), d_scale.get(), d_mask.get(), e, peak_options, nullptr); }),
                  host_ms(3, [&] { find_peaks(response.data(), scale_index.data(), lung.data(), e, peak_options, Backend::kCuda); }),
                  host_ms(3, [&] { find_peaks_cpu(response.data(), scale_index.data(), lung.data(), e, peak_options); }),
                  n * 6.0});

  rows.push_back({"26-connected components of the lung mask, labels and stats copied to the host (kernel 5)",
                  gpu_ms(5, [&] { connected_components_cuda(d_mask.get(), e, nullptr); }),
                  host_ms(3, [&] { connected_components(lung.data(), e, Backend::kCuda); }),
                  host_ms(3, [&] { connected_components_cpu(lung.data(), e); }), 0});

  std::vector<Index3> centres;
  std::mt19937 rng(7);
  for (int c = 0; c < 100; ++c)
    centres.push_back({int(rng() % e.nx), int(rng() % e.ny), int(rng() % e.nz)});
  const std::array<int, 3> patch{64, 64, 32};
  const std::size_t patch_voxels = centres.size() * 64 * 64 * 32;
  DeviceBuffer<Index3> d_centres(centres.size());
  d_centres.upload(centres.data());
  DeviceBuffer<float> d_patches(patch_voxels);
  std::vector<float> patches(patch_voxels);
  rows.push_back({"gather 100 patches 64x64x32 (kernel 6)",
                  gpu_ms(20, [&] { gather_patches_cuda(d_a.get(), e, d_centres.get(), centres.size(), patch, -1024, d_patches.get(), nullptr); }),
                  host_ms(5, [&] { gather_patches(hu.data(), e, centres, patch, -1024, patches.data(), Backend::kCuda); }),
                  host_ms(5, [&] { gather_patches_cpu(hu.data(), e, centres.data(), centres.size(), patch, -1024, patches.data()); }),
                  patch_voxels * 8.0});

  const std::array<int, 3> window{128, 128, 128};
  const auto origins = plan_windows(e, window, 0.5f);
  const auto importance = gaussian_importance(window);
  const std::size_t window_voxels = importance.size();
  DeviceBuffer<float> d_importance(window_voxels), d_prediction(window_voxels);
  d_importance.upload(importance.data());
  std::vector<float> prediction(window_voxels);
  for (auto& p : prediction) p = float(rng() % 1000) / 1000.0f;
  d_prediction.upload(prediction.data());
  std::vector<float> sum(n), weight(n);
  rows.push_back({"stitch " + std::to_string(origins.size()) + " windows 128^3, 50% overlap (kernel 7)",
                  gpu_ms(5, [&] {
                    for (const auto& o : origins)
                      accumulate_window_cuda(d_prediction.get(), d_importance.get(), o, window, d_b.get(), d_c.get(), e, nullptr);
                  }),
                  0,
                  host_ms(1, [&] {
                    for (const auto& o : origins)
                      accumulate_window_cpu(prediction.data(), importance.data(), o, window, sum.data(), weight.data(), e);
                  }),
                  origins.size() * double(window_voxels) * 24.0});

  std::string table = "| kernel | GPU (device memory) | GPU + copies | CPU, " + std::to_string(vigil::hardware_threads()) +
                      " threads | CPU / GPU | bandwidth, % of copy |\n|---|---|---|---|---|---|\n";
  char line[512];
  for (const Row& r : rows) {
    std::string bw = "—";
    if (r.bytes > 0) {
      const double gbs = r.bytes / (r.gpu_ms * 1e6);
      std::snprintf(line, sizeof line, "%.0f GB/s, %.0f%%", gbs, 100.0 * gbs / copy_gbs);
      bw = line;
    }
    std::string with_copies = r.gpu_with_copies_ms > 0 ? std::to_string(r.gpu_with_copies_ms).substr(0, 7) + " ms" : "—";
    std::snprintf(line, sizeof line, "| %s | %.3f ms | %s | %.1f ms | %.0f× | %s |\n", r.name.c_str(), r.gpu_ms,
                  with_copies.c_str(), r.cpu_ms, r.cpu_ms / r.gpu_ms, bw.c_str());
    table += line;
  }
  std::snprintf(line, sizeof line,
                "\nCard: %s. Device-to-device copy of the %.0f MiB float volume: %.3f ms, %.0f GB/s (read + write).\n",
                card.c_str(), n * 4.0 / (1 << 20), copy_ms, copy_gbs);
  table += line;
  std::fputs(table.c_str(), stdout);
  if (!markdown.empty()) std::ofstream(markdown) << table;
  return 0;
}
