#include "kernels/normalize.h"

#include <gtest/gtest.h>

#ifdef VIGIL_HAVE_CUDA
#include <cuda_runtime.h>
#endif

#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace vigil::kernels {
namespace {

// Independent expectation in double precision: the formula of normalize.h.
double expected(double v, const IntensityTransform& t) {
  double hu = v * t.slope + t.intercept;
  if (std::isnan(hu)) hu = t.window_low;
  hu = std::min(std::max(hu, double(t.window_low)), double(t.window_high));
  return hu * t.scale + t.shift;
}

// Sizes: empty, one voxel, not a multiple of any block or chunk, several CPU chunks.
const std::size_t kSizes[] = {0, 1, 255, 257, 65537, 300001};

std::vector<std::int16_t> random_int16(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> d(-32768, 32767);
  std::vector<std::int16_t> v(n);
  for (auto& x : v) x = static_cast<std::int16_t>(d(rng));
  return v;
}

TEST(NormalizeCpu, MatchesTheFormulaOnRandomInt16ForSeveralSeeds) {
  for (unsigned seed : {1u, 2u, 3u}) {
    for (std::size_t n : kSizes) {
      const auto in = random_int16(n, seed);
      IntensityTransform t = IntensityTransform::window(-1000, 400);
      t.slope = 1.0f;
      t.intercept = -1024.0f;
      std::vector<float> out(n);
      normalize_cpu(in.data(), out.data(), n, t);
      // float32 arithmetic against double: relative 1e-6 of the output range [0, 1].
      for (std::size_t i = 0; i < n; ++i) ASSERT_NEAR(out[i], expected(in[i], t), 1e-6) << i;
    }
  }
}

TEST(NormalizeCpu, WindowMapsEndsToZeroAndOneAndClamps) {
  const auto t = IntensityTransform::window(-1000, 400);
  const float in[] = {-1000, 400, -300, -5000, 5000};
  float out[5];
  normalize_cpu(in, out, 5, t);
  EXPECT_NEAR(out[0], 0.0, 1e-6);
  EXPECT_NEAR(out[1], 1.0, 1e-6);
  EXPECT_NEAR(out[2], 0.5, 1e-6);
  EXPECT_NEAR(out[3], 0.0, 1e-6);
  EXPECT_NEAR(out[4], 1.0, 1e-6);
}

TEST(NormalizeCpu, NanAndInfinityLandOnTheWindowEnds) {
  const auto t = IntensityTransform::window(-1000, 400);
  const float in[] = {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                      -std::numeric_limits<float>::infinity()};
  float out[3];
  normalize_cpu(in, out, 3, t);
  EXPECT_EQ(out[0], 0.0f);
  EXPECT_EQ(out[1], 1.0f);
  EXPECT_EQ(out[2], 0.0f);
}

TEST(NormalizeCpu, ZScoreIsTheSameMapWithOtherConstants) {
  IntensityTransform t;
  t.window_low = -1024;
  t.window_high = 3071;
  t.scale = 1.0f / 250.0f;      // 1 / std
  t.shift = 600.0f / 250.0f;    // -mean / std with mean -600
  const float in[] = {-600, -350};
  float out[2];
  normalize_cpu(in, out, 2, t);
  EXPECT_NEAR(out[0], 0.0, 1e-6);
  EXPECT_NEAR(out[1], 1.0, 1e-6);
}

TEST(NormalizeDispatch, CpuBackendGivesTheReference) {
  const auto in = random_int16(1000, 9);
  const auto t = IntensityTransform::window(-1350, 150);
  std::vector<float> a(1000), b(1000);
  normalize_cpu(in.data(), a.data(), 1000, t);
  normalize(in.data(), b.data(), 1000, t, Backend::kCpu);
  EXPECT_EQ(a, b);
}

TEST(NormalizeGpu, MatchesTheCpuReference) {
  if (cuda_device_count() == 0) GTEST_SKIP() << "no CUDA device";
  for (unsigned seed : {1u, 2u}) {
    for (std::size_t n : kSizes) {
      const auto in = random_int16(n, seed);
      IntensityTransform t = IntensityTransform::window(-1000, 400);
      t.intercept = -1024.0f;
      std::vector<float> cpu(n), gpu(n);
      normalize_cpu(in.data(), cpu.data(), n, t);
      normalize(in.data(), gpu.data(), n, t, Backend::kCuda);
      // Same float32 operations; the GPU may contract the multiply-add into an FMA: 1 ulp-ish.
      for (std::size_t i = 0; i < n; ++i) ASSERT_NEAR(gpu[i], cpu[i], 1e-6f) << i;
    }
  }
#ifdef VIGIL_HAVE_CUDA
  // Device pointers off the vector alignment (a tensor view's storage offset) take the scalar path.
  const auto in = random_int16(1027, 3);
  const IntensityTransform t = IntensityTransform::window(-1000, 400);
  std::vector<float> cpu(1027), gpu(1027);
  normalize_cpu(in.data() + 1, cpu.data() + 3, 1023, t);
  std::int16_t* d_in = nullptr;
  float* d_out = nullptr;
  ASSERT_EQ(cudaMalloc(&d_in, 1027 * sizeof(std::int16_t)), cudaSuccess);
  ASSERT_EQ(cudaMalloc(&d_out, 1027 * sizeof(float)), cudaSuccess);
  cudaMemcpy(d_in, in.data(), 1027 * sizeof(std::int16_t), cudaMemcpyHostToDevice);
  normalize_cuda(d_in + 1, d_out + 3, 1023, t, nullptr);
  cudaMemcpy(gpu.data(), d_out, 1027 * sizeof(float), cudaMemcpyDeviceToHost);
  cudaFree(d_in);
  cudaFree(d_out);
  for (std::size_t i = 3; i < 1026; ++i) ASSERT_NEAR(gpu[i], cpu[i], 1e-6f) << i;
#endif
}

}  // namespace
}  // namespace vigil::kernels

namespace vigil::kernels {
namespace {

TEST(CpuFallback, ADeviceErrorRunsTheCpuPathAndOtherErrorsPropagate) {
  int cpu_runs = 0;
  const int result = with_cpu_fallback(
      "test op", []() -> int { throw Error(ErrorCode::kDevice, "cudaMalloc failed: out of memory"); },
      [&] { return ++cpu_runs; });
  EXPECT_EQ(result, 1);
  EXPECT_EQ(cpu_runs, 1);
  EXPECT_THROW(with_cpu_fallback(
                   "test op", []() -> int { throw Error(ErrorCode::kInvalidArgument, "bad"); }, [] { return 0; }),
               Error);
}

}  // namespace
}  // namespace vigil::kernels
