// Resampling, connected components, patch gather and window stitching: CPU references against
// brute-force expectations; GPU against CPU when a device is present (label gpu).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <vector>

#ifdef VIGIL_HAVE_CUDA
#include <cuda_fp16.h>
#include <cuda_runtime.h>
#endif

#include "kernels/components.h"
#include "kernels/patches.h"
#include "kernels/resample.h"

namespace vigil::kernels {
namespace {

std::vector<float> ramp(Extent3 e) {
  std::vector<float> v(e.count());
  for (std::size_t k = 0; k < e.nz; ++k)
    for (std::size_t j = 0; j < e.ny; ++j)
      for (std::size_t i = 0; i < e.nx; ++i) v[i + e.nx * (j + e.ny * k)] = float(3 * i + 5 * j + 7 * k);
  return v;
}

Geometry grid(Extent3 e, std::array<double, 3> spacing, Vec3 origin = {10, -20, 30}) {
  Geometry g;
  g.size = {e.nx, e.ny, e.nz};
  g.spacing_mm = spacing;
  g.origin_mm = origin;
  return g;
}

TEST(ResampleCpu, IsExactOnALinearRampInsideAndPadsOutside) {
  const Extent3 ie{20, 16, 12};
  const auto in = ramp(ie);
  const Geometry gi = grid(ie, {1.0, 1.0, 2.0});
  const Geometry go = grid_with_spacing(gi, {0.7, 1.3, 1.1});
  EXPECT_EQ(go.size, (std::array<std::size_t, 3>{29, 13, 22}));
  const AxisMap m = axis_map(gi, go);
  const Extent3 oe{go.size[0], go.size[1], go.size[2]};
  std::vector<float> out(oe.count());
  resample_linear_cpu(in.data(), ie, out.data(), oe, m, -1000.0f);
  for (std::size_t k = 0; k < oe.nz; ++k)
    for (std::size_t j = 0; j < oe.ny; ++j)
      for (std::size_t i = 0; i < oe.nx; ++i) {
        const double x = i * 0.7, y = j * 1.3, z = k * 1.1 / 2.0;  // input continuous index
        const float v = out[i + oe.nx * (j + oe.ny * k)];
        if (x >= 19.5 || y >= 15.5 || z >= 11.5) {
          ASSERT_EQ(v, -1000.0f);
        } else if (x <= 19 && y <= 15 && z <= 11) {
          ASSERT_NEAR(v, 3 * x + 5 * y + 7 * z, 1e-3) << i << "," << j << "," << k;  // linear: exact
        }
      }
}

TEST(ResampleCpu, RefusesGridsOfDifferentDirection) {
  Geometry a = grid({4, 4, 4}, {1, 1, 1}), b = a;
  b.direction = {0, 1, 0, 1, 0, 0, 0, 0, 1};
  EXPECT_ANY_THROW(axis_map(a, b));
}

std::vector<std::uint8_t> random_mask(Extent3 e, unsigned seed, int percent) {
  std::mt19937 rng(seed);
  std::vector<std::uint8_t> m(e.count());
  for (auto& x : m) x = int(rng() % 100) < percent;
  return m;
}

// Flood fill from each unlabelled foreground voxel in raster order: the definition of the labels.
std::vector<std::uint32_t> brute_labels(const std::vector<std::uint8_t>& m, Extent3 e) {
  std::vector<std::uint32_t> l(e.count(), 0);
  std::uint32_t next = 0;
  for (std::size_t s = 0; s < e.count(); ++s) {
    if (!m[s] || l[s]) continue;
    l[s] = ++next;
    std::vector<std::size_t> stack{s};
    while (!stack.empty()) {
      const std::size_t v = stack.back();
      stack.pop_back();
      const long i = long(v % e.nx), j = long((v / e.nx) % e.ny), k = long(v / (e.nx * e.ny));
      for (long dk = -1; dk <= 1; ++dk)
        for (long dj = -1; dj <= 1; ++dj)
          for (long di = -1; di <= 1; ++di) {
            const long a = i + di, b = j + dj, c = k + dk;
            if (a < 0 || b < 0 || c < 0 || a >= long(e.nx) || b >= long(e.ny) || c >= long(e.nz)) continue;
            const std::size_t q = a + e.nx * (b + e.ny * c);
            if (m[q] && !l[q]) {
              l[q] = next;
              stack.push_back(q);
            }
          }
    }
  }
  return l;
}

TEST(ComponentsCpu, MatchTheFloodFillDefinitionOnRandomMasks) {
  for (unsigned seed : {1u, 2u, 3u}) {
    for (int percent : {10, 30, 60}) {
      const Extent3 e{23, 17, 11};
      const auto m = random_mask(e, seed, percent);
      const Components c = connected_components_cpu(m.data(), e);
      ASSERT_EQ(c.labels, brute_labels(m, e)) << "seed " << seed << " density " << percent;
      std::size_t total = 0;
      for (const auto& comp : c.components) total += comp.voxels;
      EXPECT_EQ(total, std::size_t(std::count(m.begin(), m.end(), 1)));
    }
  }
}

TEST(ComponentsCpu, MeasuresCountCentroidAndBoundingBox) {
  const Extent3 e{10, 10, 10};
  std::vector<std::uint8_t> m(e.count(), 0);
  for (int k = 2; k <= 4; ++k)
    for (int j = 3; j <= 5; ++j)
      for (int i = 1; i <= 7; ++i) m[i + 10 * (j + 10 * k)] = 1;
  m[9 + 10 * (9 + 10 * 9)] = 1;
  m[8 + 10 * (8 + 10 * 8)] = 1;  // diagonal neighbour: same component under 26-connectivity
  const Components c = connected_components_cpu(m.data(), e);
  ASSERT_EQ(c.components.size(), 2u);
  EXPECT_EQ(c.components[0].voxels, 63u);
  EXPECT_NEAR(c.components[0].centroid[0], 4.0, 1e-9);
  EXPECT_NEAR(c.components[0].centroid[1], 4.0, 1e-9);
  EXPECT_NEAR(c.components[0].centroid[2], 3.0, 1e-9);
  EXPECT_EQ(c.components[0].bbox_min, (std::array<std::uint32_t, 3>{1, 3, 2}));
  EXPECT_EQ(c.components[0].bbox_max, (std::array<std::uint32_t, 3>{7, 5, 4}));
  EXPECT_EQ(c.components[1].voxels, 2u);
  EXPECT_TRUE(connected_components_cpu(m.data(), Extent3{0, 0, 0}).components.empty());
}

TEST(PatchesCpu, GatherCropsAroundCentresAndPadsOutside) {
  const Extent3 e{12, 10, 8};
  const auto v = ramp(e);
  const std::vector<Index3> centres{{5, 5, 4}, {0, 0, 0}, {11, 9, 7}};
  const std::array<int, 3> size{5, 4, 3};
  std::vector<float> out(centres.size() * 60);
  gather_patches_cpu(v.data(), e, centres.data(), centres.size(), size, -7.0f, out.data());
  for (std::size_t n = 0; n < centres.size(); ++n)
    for (int z = 0; z < 3; ++z)
      for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 5; ++x) {
          const long i = centres[n].i - 2 + x, j = centres[n].j - 2 + y, k = centres[n].k - 1 + z;
          const bool inside = i >= 0 && j >= 0 && k >= 0 && i < 12 && j < 10 && k < 8;
          ASSERT_EQ(out[n * 60 + (z * 4 + y) * 5 + x], inside ? float(3 * i + 5 * j + 7 * k) : -7.0f);
        }
}

TEST(StitchingCpu, WindowsCoverTheVolumeAndStitchCropsBackExactly) {
  for (const Extent3 e : {Extent3{40, 33, 20}, Extent3{16, 16, 16}, Extent3{10, 50, 7}}) {
    const std::array<int, 3> w{16, 16, 8};
    const auto windows = plan_windows(e, w, 0.5f);
    const auto imp = gaussian_importance(w);
    const auto truth = ramp(e);
    std::vector<float> sum(e.count(), 0), weight(e.count(), 0), out(e.count());
    std::vector<float> pred(imp.size());
    for (const auto& o : windows) {
      // A "model" that predicts the truth exactly (pad beyond the edge with garbage: cropped away).
      for (int z = 0; z < w[2]; ++z)
        for (int y = 0; y < w[1]; ++y)
          for (int x = 0; x < w[0]; ++x) {
            const long i = o.i + x, j = o.j + y, k = o.k + z;
            const bool inside = i < long(e.nx) && j < long(e.ny) && k < long(e.nz);
            pred[(z * w[1] + y) * w[0] + x] = inside ? truth[i + e.nx * (j + e.ny * k)] : 1e9f;
          }
      accumulate_window_cpu(pred.data(), imp.data(), o, w, sum.data(), weight.data(), e);
    }
    finish_stitch_cpu(sum.data(), weight.data(), out.data(), e.count());
    for (std::size_t v = 0; v < e.count(); ++v) {
      ASSERT_GT(weight[v], 0.0f) << "voxel not covered";
      ASSERT_NEAR(out[v], truth[v], 1e-3f * std::max(1.0f, truth[v]));
    }
  }
}

// The separable computation gives the Gaussian evaluated at each voxel, to the bit.
TEST(StitchingCpu, ImportanceIsTheGaussianOfEachVoxel) {
  const std::array<int, 3> w{9, 7, 5};
  const auto imp = gaussian_importance(w);
  for (int z = 0; z < w[2]; ++z)
    for (int y = 0; y < w[1]; ++y)
      for (int x = 0; x < w[0]; ++x) {
        double g = 1;
        const int p[3] = {x, y, z};
        for (int a = 0; a < 3; ++a) {
          const double c = (w[a] - 1) / 2.0, s = w[a] / 8.0;
          g *= std::exp(-0.5 * (p[a] - c) * (p[a] - c) / (s * s));
        }
        ASSERT_EQ(imp[(std::size_t(z) * w[1] + y) * w[0] + x], float(std::max(g, 1e-3))) << x << " " << y << " " << z;
      }
}

TEST(StitchingCpu, ImportanceIsSymmetricWithItsPeakInTheMiddle) {
  const auto imp = gaussian_importance({9, 9, 5});
  EXPECT_FLOAT_EQ(*std::max_element(imp.begin(), imp.end()), imp[(2 * 9 + 4) * 9 + 4]);
  EXPECT_FLOAT_EQ(imp[(2 * 9 + 4) * 9 + 0], imp[(2 * 9 + 4) * 9 + 8]);
  EXPECT_GE(*std::min_element(imp.begin(), imp.end()), 1e-3f);
}

void expect_same_components(const Components& cpu, const Components& gpu) {
  ASSERT_EQ(cpu.components.size(), gpu.components.size());
  for (std::size_t n = 0; n < cpu.components.size(); ++n) {
    const Component &a = cpu.components[n], &b = gpu.components[n];
    EXPECT_EQ(a.label, b.label);
    EXPECT_EQ(a.voxels, b.voxels) << n;
    EXPECT_EQ(a.bbox_min, b.bbox_min) << n;
    EXPECT_EQ(a.bbox_max, b.bbox_max) << n;
    for (int axis = 0; axis < 3; ++axis) EXPECT_DOUBLE_EQ(a.centroid[axis], b.centroid[axis]) << n;
  }
}

#ifdef VIGIL_HAVE_CUDA
// accumulate_window_cuda works on device memory: this test moves the data itself.
void accumulate_on_gpu(const std::vector<float>& prediction, const std::vector<float>& importance,
                       const std::vector<Index3>& origins, std::array<int, 3> window, Extent3 e,
                       std::vector<float>& sum, std::vector<float>& weight) {
  void *d_pred = nullptr, *d_imp = nullptr, *d_sum = nullptr, *d_weight = nullptr;
  const std::size_t window_bytes = prediction.size() * sizeof(float), volume_bytes = e.count() * sizeof(float);
  ASSERT_EQ(cudaMalloc(&d_pred, window_bytes), cudaSuccess);
  ASSERT_EQ(cudaMalloc(&d_imp, window_bytes), cudaSuccess);
  ASSERT_EQ(cudaMalloc(&d_sum, volume_bytes), cudaSuccess);
  ASSERT_EQ(cudaMalloc(&d_weight, volume_bytes), cudaSuccess);
  cudaMemcpy(d_pred, prediction.data(), window_bytes, cudaMemcpyHostToDevice);
  cudaMemcpy(d_imp, importance.data(), window_bytes, cudaMemcpyHostToDevice);
  cudaMemset(d_sum, 0, volume_bytes);
  cudaMemset(d_weight, 0, volume_bytes);
  for (const auto& o : origins)
    accumulate_window_cuda(static_cast<float*>(d_pred), static_cast<float*>(d_imp), o, window,
                           static_cast<float*>(d_sum), static_cast<float*>(d_weight), e, nullptr);
  sum.resize(e.count());
  weight.resize(e.count());
  cudaMemcpy(sum.data(), d_sum, volume_bytes, cudaMemcpyDeviceToHost);
  cudaMemcpy(weight.data(), d_weight, volume_bytes, cudaMemcpyDeviceToHost);
  for (void* p : {d_pred, d_imp, d_sum, d_weight}) cudaFree(p);
}
#endif

TEST(VolumeKernelsGpu, MatchTheCpuReferences) {
  if (cuda_device_count() == 0) GTEST_SKIP() << "no CUDA device";
  const Extent3 ie{67, 45, 31};
  const auto in = ramp(ie);
  const Geometry gi = grid(ie, {0.8, 0.8, 1.5});
  const Geometry go = grid_with_spacing(gi, {1.1, 0.9, 1.0});
  const AxisMap m = axis_map(gi, go);
  const Extent3 oe{go.size[0], go.size[1], go.size[2]};
  std::vector<float> a(oe.count()), b(oe.count());
  resample_linear(in.data(), ie, a.data(), oe, m, -5.0f, Backend::kCpu);
  resample_linear(in.data(), ie, b.data(), oe, m, -5.0f, Backend::kCuda);
  for (std::size_t v = 0; v < a.size(); ++v) ASSERT_NEAR(a[v], b[v], 1e-3f * std::max(1.0f, std::abs(a[v])));
  for (int percent : {5, 30, 60}) {
    const auto mask = random_mask(ie, 7, percent);
    const Components cpu = connected_components(mask.data(), ie, Backend::kCpu);
    const Components gpu = connected_components(mask.data(), ie, Backend::kCuda);
    EXPECT_EQ(cpu.labels, gpu.labels) << percent;
    expect_same_components(cpu, gpu);
  }
  // Isolated voxels on every other index: the most components a 26-connected mask can hold.
  std::vector<std::uint8_t> sparse(ie.count());
  for (std::size_t k = 0; k < ie.nz; k += 2)
    for (std::size_t j = 0; j < ie.ny; j += 2)
      for (std::size_t i = 0; i < ie.nx; i += 2) sparse[i + ie.nx * (j + ie.ny * k)] = 1;
  const Components cpu_sparse = connected_components(sparse.data(), ie, Backend::kCpu);
  const Components gpu_sparse = connected_components(sparse.data(), ie, Backend::kCuda);
  EXPECT_EQ(cpu_sparse.components.size(), 34u * 23u * 16u);
  EXPECT_EQ(cpu_sparse.labels, gpu_sparse.labels);
  expect_same_components(cpu_sparse, gpu_sparse);
  const std::vector<Index3> centres{{5, 5, 4}, {0, 0, 0}, {66, 44, 30}, {30, 20, 15}};
  std::vector<float> pc(centres.size() * 32 * 32 * 16), pg(pc.size());
  gather_patches(in.data(), ie, centres, {32, 32, 16}, -1.0f, pc.data(), Backend::kCpu);
  gather_patches(in.data(), ie, centres, {32, 32, 16}, -1.0f, pg.data(), Backend::kCuda);
  EXPECT_EQ(pc, pg);
#ifdef VIGIL_HAVE_CUDA
  // Stitching: every window of a plan accumulated on both sides.
  const std::array<int, 3> window{24, 16, 12};
  const auto importance = gaussian_importance(window);
  std::vector<float> prediction(importance.size());
  for (std::size_t p = 0; p < prediction.size(); ++p) prediction[p] = float(p % 97) / 97.0f;
  std::vector<float> sum_cpu(ie.count()), weight_cpu(ie.count()), sum_gpu, weight_gpu;
  const auto origins = plan_windows(ie, window, 0.5f);
  for (const auto& o : origins)
    accumulate_window_cpu(prediction.data(), importance.data(), o, window, sum_cpu.data(), weight_cpu.data(), ie);
  accumulate_on_gpu(prediction, importance, origins, window, ie, sum_gpu, weight_gpu);
  for (std::size_t v = 0; v < ie.count(); ++v) {
    ASSERT_NEAR(sum_gpu[v], sum_cpu[v], 1e-5f * std::max(1.0f, sum_cpu[v])) << v;
    ASSERT_NEAR(weight_gpu[v], weight_cpu[v], 1e-5f * std::max(1.0f, weight_cpu[v])) << v;
  }
#endif
}

// Two channels of each window in one pass, from fp32 and from fp16 predictions, against the CPU
// reference fed the same values (the fp16 ones rounded first).
TEST(VolumeKernelsGpu, AllChannelsOfAWindowInOnePassMatchTheCpuReference) {
  if (cuda_device_count() == 0) GTEST_SKIP() << "no CUDA device";
#ifdef VIGIL_HAVE_CUDA
  const Extent3 e{67, 45, 31};
  const std::array<int, 3> window{24, 16, 12};
  const int channels = 2;
  const auto importance = gaussian_importance(window);
  const auto origins = plan_windows(e, window, 0.5f);
  std::vector<float> prediction(channels * importance.size());
  for (std::size_t p = 0; p < prediction.size(); ++p) prediction[p] = float(p % 89) / 89.0f - 0.3f;
  for (const bool fp16 : {false, true}) {
    std::vector<float> values = prediction;
    std::vector<__half> halves(values.size());
    for (std::size_t p = 0; p < values.size(); ++p) halves[p] = __float2half(values[p]), values[p] = fp16 ? __half2float(halves[p]) : values[p];
    std::vector<float> sum_cpu(channels * e.count()), weight_cpu(e.count());
    for (const auto& o : origins)
      accumulate_window_channels_cpu(values.data(), channels, importance.data(), o, window, sum_cpu.data(), weight_cpu.data(), e);
    const std::size_t prediction_bytes = values.size() * (fp16 ? sizeof(__half) : sizeof(float));
    void *d_pred = nullptr, *d_imp = nullptr, *d_sum = nullptr, *d_weight = nullptr;
    ASSERT_EQ(cudaMalloc(&d_pred, prediction_bytes), cudaSuccess);
    ASSERT_EQ(cudaMalloc(&d_imp, importance.size() * sizeof(float)), cudaSuccess);
    ASSERT_EQ(cudaMalloc(&d_sum, sum_cpu.size() * sizeof(float)), cudaSuccess);
    ASSERT_EQ(cudaMalloc(&d_weight, e.count() * sizeof(float)), cudaSuccess);
    cudaMemcpy(d_pred, fp16 ? static_cast<const void*>(halves.data()) : values.data(), prediction_bytes, cudaMemcpyHostToDevice);
    cudaMemcpy(d_imp, importance.data(), importance.size() * sizeof(float), cudaMemcpyHostToDevice);
    cudaMemset(d_sum, 0, sum_cpu.size() * sizeof(float));
    cudaMemset(d_weight, 0, e.count() * sizeof(float));
    for (const auto& o : origins)
      accumulate_window_channels_cuda(d_pred, fp16, channels, static_cast<float*>(d_imp), o, window,
                                      static_cast<float*>(d_sum), static_cast<float*>(d_weight), e, nullptr);
    std::vector<float> sum_gpu(sum_cpu.size()), weight_gpu(e.count());
    cudaMemcpy(sum_gpu.data(), d_sum, sum_gpu.size() * sizeof(float), cudaMemcpyDeviceToHost);
    cudaMemcpy(weight_gpu.data(), d_weight, weight_gpu.size() * sizeof(float), cudaMemcpyDeviceToHost);
    for (void* p : {d_pred, d_imp, d_sum, d_weight}) cudaFree(p);
    for (std::size_t v = 0; v < sum_cpu.size(); ++v)
      ASSERT_NEAR(sum_gpu[v], sum_cpu[v], 1e-5f * std::max(1.0f, std::abs(sum_cpu[v]))) << (fp16 ? "fp16 " : "fp32 ") << v;
    for (std::size_t v = 0; v < e.count(); ++v)
      ASSERT_NEAR(weight_gpu[v], weight_cpu[v], 1e-5f * std::max(1.0f, weight_cpu[v])) << v;
  }
#endif
}

}  // namespace
}  // namespace vigil::kernels

namespace vigil::kernels {
namespace {

// The CPU side of the one-pass accumulation: channel by channel, the weight once.
TEST(StitchingCpu, AllChannelsAtOnceEqualChannelByChannel) {
  const Extent3 e{30, 20, 10};
  const std::array<int, 3> window{12, 10, 6};
  const auto importance = gaussian_importance(window);
  std::vector<float> prediction(3 * importance.size());
  for (std::size_t p = 0; p < prediction.size(); ++p) prediction[p] = float(p % 13) - 4.0f;
  std::vector<float> sum(3 * e.count()), weight(e.count()), sum_each(3 * e.count()), weight_each(e.count());
  for (const auto& o : plan_windows(e, window, 0.5f)) {
    accumulate_window_channels_cpu(prediction.data(), 3, importance.data(), o, window, sum.data(), weight.data(), e);
    for (int c = 0; c < 3; ++c)
      accumulate_window_cpu(prediction.data() + c * importance.size(), importance.data(), o, window,
                            sum_each.data() + c * e.count(), c == 0 ? weight_each.data() : nullptr, e);
  }
  EXPECT_EQ(sum, sum_each);
  EXPECT_EQ(weight, weight_each);
  EXPECT_GT(*std::max_element(weight.begin(), weight.end()), 1.0f) << "the windows should overlap";
}

TEST(ResampleNearestCpu, KeepsLabelValuesAndPicksTheNearestVoxel) {
  const Extent3 ie{9, 7, 5};
  std::vector<std::uint16_t> labels(ie.count());
  for (std::size_t v = 0; v < labels.size(); ++v) labels[v] = std::uint16_t(v % 4);
  const Geometry gi = grid(ie, {1.0, 1.0, 1.0});
  const Geometry go = grid_with_spacing(gi, {0.6, 1.7, 0.9});
  const Extent3 oe{go.size[0], go.size[1], go.size[2]};
  std::vector<std::uint16_t> out(oe.count());
  resample_nearest_cpu(labels.data(), ie, out.data(), oe, axis_map(gi, go), 99);
  for (std::size_t k = 0; k < oe.nz; ++k)
    for (std::size_t j = 0; j < oe.ny; ++j)
      for (std::size_t i = 0; i < oe.nx; ++i) {
        const double x = i * 0.6, y = j * 1.7, z = k * 0.9;
        const std::uint16_t v = out[i + oe.nx * (j + oe.ny * k)];
        if (x >= 8.5 || y >= 6.5 || z >= 4.5) {
          ASSERT_EQ(v, 99);
        } else {
          const long a = std::lround(x), b = std::lround(y), c = std::lround(z);
          ASSERT_EQ(v, labels[a + 9 * (b + 7 * c)]);
        }
      }
}

}  // namespace
}  // namespace vigil::kernels
