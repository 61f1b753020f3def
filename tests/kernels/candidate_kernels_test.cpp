// Gaussian, LoG blob response and peak finding: CPU references against brute-force expectations
// and known answers; GPU against CPU when a device is present (label gpu).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "kernels/blob_filter.h"
#include "kernels/gaussian.h"
#include "kernels/peaks.h"

namespace vigil::kernels {
namespace {

std::vector<float> random_volume(Extent3 e, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(-1000, 1000);
  std::vector<float> v(e.count());
  for (auto& x : v) x = d(rng);
  return v;
}

// Direct 3-D convolution with the outer product of the taps: independent of the separable code.
std::vector<float> brute_gaussian(const std::vector<float>& in, Extent3 e, std::array<float, 3> sigma) {
  const Taps t[3] = {gaussian_taps(sigma[0]), gaussian_taps(sigma[1]), gaussian_taps(sigma[2])};
  std::vector<float> out(e.count());
  const long n[3] = {long(e.nx), long(e.ny), long(e.nz)};
  for (long k = 0; k < n[2]; ++k)
    for (long j = 0; j < n[1]; ++j)
      for (long i = 0; i < n[0]; ++i) {
        double acc = 0;
        for (int c = -t[2].radius; c <= t[2].radius; ++c)
          for (int b = -t[1].radius; b <= t[1].radius; ++b)
            for (int a = -t[0].radius; a <= t[0].radius; ++a) {
              const long x = std::clamp(i + a, 0L, n[0] - 1), y = std::clamp(j + b, 0L, n[1] - 1),
                         z = std::clamp(k + c, 0L, n[2] - 1);
              acc += double(t[0].w[a + t[0].radius]) * t[1].w[b + t[1].radius] * t[2].w[c + t[2].radius] *
                     in[x + n[0] * (y + n[1] * z)];
            }
        out[i + n[0] * (j + n[1] * k)] = float(acc);
      }
  return out;
}

const Extent3 kShapes[] = {{1, 1, 1}, {7, 5, 3}, {17, 13, 11}, {33, 1, 9}};

TEST(GaussianCpu, EqualsTheDirect3dConvolutionOnRandomVolumes) {
  for (unsigned seed : {1u, 2u}) {
    for (const Extent3& e : kShapes) {
      const auto in = random_volume(e, seed);
      const std::array<float, 3> sigma{1.3f, 0.7f, 2.1f};
      std::vector<float> out(e.count());
      gaussian_blur_cpu(in.data(), out.data(), e, sigma);
      const auto expected = brute_gaussian(in, e, sigma);
      // float32 sums of up to 13 x 5 x 15 products of values <= 1000: 2e-3 absolute.
      for (std::size_t v = 0; v < e.count(); ++v) ASSERT_NEAR(out[v], expected[v], 2e-3) << v;
    }
  }
}

TEST(GaussianCpu, PreservesConstantsAndSpreadsAnImpulseSymmetrically) {
  const Extent3 e{21, 21, 21};
  std::vector<float> c(e.count(), 42.0f), out(e.count());
  gaussian_blur_cpu(c.data(), out.data(), e, {2, 2, 2});
  for (float x : out) ASSERT_NEAR(x, 42.0f, 1e-3);
  std::vector<float> impulse(e.count(), 0.0f);
  impulse[10 + 21 * (10 + 21 * 10)] = 1.0f;
  gaussian_blur_cpu(impulse.data(), out.data(), e, {1.5f, 1.5f, 1.5f});
  double sum = 0;
  for (float x : out) sum += x;
  EXPECT_NEAR(sum, 1.0, 1e-5);
  EXPECT_FLOAT_EQ(out[9 + 21 * (10 + 21 * 10)], out[11 + 21 * (10 + 21 * 10)]);
  EXPECT_FLOAT_EQ(out[10 + 21 * (9 + 21 * 10)], out[10 + 21 * (10 + 21 * 11)]);
}

// A bright ball of radius r (mm) on a dark background, sampled at 1 mm.
std::vector<float> ball(Extent3 e, double r, float inside = 1000.0f) {
  std::vector<float> v(e.count(), 0.0f);
  const double c[3] = {e.nx / 2.0, e.ny / 2.0, e.nz / 2.0};
  for (std::size_t k = 0; k < e.nz; ++k)
    for (std::size_t j = 0; j < e.ny; ++j)
      for (std::size_t i = 0; i < e.nx; ++i)
        if (std::pow(i - c[0], 2) + std::pow(j - c[1], 2) + std::pow(k - c[2], 2) <= r * r)
          v[i + e.nx * (j + e.ny * k)] = inside;
  return v;
}

TEST(BlobFilterCpu, PeaksAtTheBallCentreAtTheMatchingScaleForAnySize) {
  const Extent3 e{41, 41, 41};
  BlobScales scales;
  scales.sigma_mm = blob_sigmas_for_radii(2, 12, 8);
  std::vector<float> centre_values;
  for (double r : {2.5, 4.0, 6.0, 9.0}) {
    const auto v = ball(e, r);
    std::vector<float> response(e.count());
    std::vector<std::uint8_t> scale(e.count());
    log_blob_response_cpu(v.data(), response.data(), scale.data(), e, scales);
    const auto best = std::max_element(response.begin(), response.end()) - response.begin();
    const long bi = best % 41, bj = (best / 41) % 41, bk = best / (41 * 41);
    EXPECT_LE(std::abs(bi - 20) + std::abs(bj - 20) + std::abs(bk - 20), 2) << "r " << r;
    // The winning sigma is the one nearest r / sqrt(3).
    const float want = float(r / std::sqrt(3.0));
    const auto nearest = std::min_element(scales.sigma_mm.begin(), scales.sigma_mm.end(),
                                          [&](float a, float b) { return std::abs(a - want) < std::abs(b - want); }) -
                         scales.sigma_mm.begin();
    EXPECT_LE(std::abs(int(scale[best]) - int(nearest)), 1) << "r " << r;
    centre_values.push_back(response[best]);
  }
  // Scale normalisation: the response does not grow or shrink with the ball's size (within 35%).
  const auto [mn, mx] = std::minmax_element(centre_values.begin(), centre_values.end());
  EXPECT_LT(*mx / *mn, 1.35f);
}

// Across scales a voxel skips the eigen-solve when its trace bound cannot beat the maximum so far:
// the result must be exactly the maximum of each scale run alone, with the same winning scale.
TEST(BlobFilterCpu, MultiScaleDotEqualsTheMaximumOfSingleScaleRuns) {
  const Extent3 e{37, 31, 29};
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> unit(0, 1);
  std::vector<float> v(e.count());
  for (auto& x : v) x = float(-850 + 40 * (unit(rng) - 0.5));  // lung-like noise
  for (int n = 0; n < 12; ++n) {  // balls and short tubes of several sizes and contrasts
    const double c[3] = {unit(rng) * e.nx, unit(rng) * e.ny, unit(rng) * e.nz}, r = 1 + 5 * unit(rng);
    const float hu = float(-700 + 700 * unit(rng));
    const bool tube = n % 3 == 0;
    for (std::size_t k = 0; k < e.nz; ++k)
      for (std::size_t j = 0; j < e.ny; ++j)
        for (std::size_t i = 0; i < e.nx; ++i) {
          const double dx = i - c[0], dy = j - c[1], dz = tube ? 0.0 : k - c[2];
          if (dx * dx + dy * dy + dz * dz <= r * r) v[i + e.nx * (j + e.ny * k)] = hu;
        }
  }
  BlobScales scales;
  scales.sigma_mm = blob_sigmas_for_radii(1.5f, 9, 6);
  scales.spacing_mm = {0.8f, 0.8f, 1.25f};
  scales.measure = BlobMeasure::kHessianDot;
  std::vector<float> response(e.count());
  std::vector<std::uint8_t> scale(e.count());
  log_blob_response_cpu(v.data(), response.data(), scale.data(), e, scales);
  std::vector<float> best(e.count()), one(e.count());
  std::vector<std::uint8_t> best_scale(e.count(), 0);
  for (std::size_t s = 0; s < scales.sigma_mm.size(); ++s) {
    BlobScales single = scales;
    single.sigma_mm = {scales.sigma_mm[s]};
    log_blob_response_cpu(v.data(), one.data(), nullptr, e, single);
    for (std::size_t i = 0; i < e.count(); ++i)
      if (s == 0 || one[i] > best[i]) best[i] = one[i], best_scale[i] = std::uint8_t(s);
  }
  std::size_t positive = 0;
  for (std::size_t i = 0; i < e.count(); ++i) {
    ASSERT_EQ(response[i], best[i]) << "voxel " << i;
    ASSERT_EQ(scale[i], best_scale[i]) << "voxel " << i;
    positive += response[i] > 0;
  }
  EXPECT_GT(positive, 100u);  // blobs were there to find
}

// With a `needed` mask the CPU measures only those voxels: the same values there, 0 elsewhere.
TEST(BlobFilterCpu, OnlyTheNeededVoxelsAreMeasuredAndTheyAreUnchanged) {
  const Extent3 e{29, 23, 19};
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> hu(-900, -300);
  std::vector<float> v(e.count());
  for (auto& x : v) x = hu(rng);
  std::vector<std::uint8_t> needed(e.count());
  for (auto& n : needed) n = rng() % 3 == 0;
  BlobScales scales;
  scales.sigma_mm = blob_sigmas_for_radii(1.5f, 6, 4);
  scales.measure = BlobMeasure::kHessianDot;
  std::vector<float> all(e.count()), some(e.count(), 123.0f);
  std::vector<std::uint8_t> all_scale(e.count()), some_scale(e.count(), 7);
  log_blob_response_cpu(v.data(), all.data(), all_scale.data(), e, scales);
  log_blob_response_cpu(v.data(), some.data(), some_scale.data(), e, scales, needed.data());
  std::size_t differing = 0;
  for (std::size_t i = 0; i < e.count(); ++i) {
    ASSERT_EQ(some[i], needed[i] ? all[i] : 0.0f) << i;
    ASSERT_EQ(some_scale[i], needed[i] ? all_scale[i] : 0) << i;
    differing += !needed[i] && all[i] != 0.0f;
  }
  EXPECT_GT(differing, 0u);  // the skipped voxels did have a response to skip
}

TEST(BlobFilterCpu, DarkBallsAndFlatImagesGiveNoPositiveResponse) {
  const Extent3 e{25, 25, 25};
  BlobScales scales;
  scales.sigma_mm = blob_sigmas_for_radii(2, 6, 3);
  std::vector<float> response(e.count());
  const auto dark = ball(e, 4, -1000.0f);
  log_blob_response_cpu(dark.data(), response.data(), nullptr, e, scales);
  EXPECT_LE(response[12 + 25 * (12 + 25 * 12)], 0.0f);
  std::vector<float> flat(e.count(), -850.0f);
  log_blob_response_cpu(flat.data(), response.data(), nullptr, e, scales);
  for (float r : response) ASSERT_NEAR(r, 0.0f, 1e-2);
}

// Brute-force peaks straight from the definition in peaks.h.
std::vector<Peak> brute_peaks(const std::vector<float>& v, Extent3 e, const PeakOptions& o,
                              const std::vector<std::uint8_t>* mask) {
  std::vector<Peak> out;
  const long n[3] = {long(e.nx), long(e.ny), long(e.nz)};
  for (long p = 0; p < long(e.count()); ++p) {
    if (!(v[p] > o.threshold) || (mask && !(*mask)[p])) continue;
    const long i = p % n[0], j = (p / n[0]) % n[1], k = p / (n[0] * n[1]);
    bool peak = true;
    for (long q = 0; q < long(e.count()) && peak; ++q) {
      const long a = q % n[0], b = (q / n[0]) % n[1], c = q / (n[0] * n[1]);
      if (q == p || std::abs(a - i) > o.radius || std::abs(b - j) > o.radius || std::abs(c - k) > o.radius) continue;
      if (v[q] > v[p] || (v[q] == v[p] && q < p)) peak = false;
    }
    if (peak) out.push_back({std::uint32_t(i), std::uint32_t(j), std::uint32_t(k), v[p], 0});
  }
  rank_peaks(out, e, o.max_peaks);
  return out;
}

TEST(PeaksCpu, MatchTheDefinitionOnRandomVolumesWithAndWithoutMask) {
  for (unsigned seed : {3u, 4u, 5u}) {
    const Extent3 e{13, 11, 9};
    auto v = random_volume(e, seed);
    for (auto& x : v) x = std::round(x / 200);  // many ties: plateaus must still give one peak each
    std::vector<std::uint8_t> mask(e.count());
    std::mt19937 rng(seed);
    for (auto& m : mask) m = rng() % 3 != 0;
    for (int radius : {1, 2}) {
      const PeakOptions o{0.5f, radius, 50};
      EXPECT_EQ(find_peaks_cpu(v.data(), nullptr, nullptr, e, o), brute_peaks(v, e, o, nullptr));
      EXPECT_EQ(find_peaks_cpu(v.data(), nullptr, mask.data(), e, o), brute_peaks(v, e, o, &mask));
    }
  }
}

TEST(PeaksCpu, APlateauGivesOnePeakAndTopKKeepsTheStrongest) {
  const Extent3 e{10, 10, 10};
  std::vector<float> v(e.count(), 0.0f);
  for (int k = 4; k < 6; ++k)
    for (int j = 4; j < 6; ++j)
      for (int i = 4; i < 6; ++i) v[i + 10 * (j + 10 * k)] = 5.0f;
  v[1 + 10 * (1 + 10 * 1)] = 9.0f;
  v[8 + 10 * (8 + 10 * 8)] = 7.0f;
  const auto all = find_peaks_cpu(v.data(), nullptr, nullptr, e, {0.0f, 1, 10});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].value, 9.0f);
  EXPECT_EQ(all[1].value, 7.0f);
  EXPECT_EQ(all[2], (Peak{4, 4, 4, 5.0f, 0}));  // the plateau's lowest-index voxel
  EXPECT_EQ(find_peaks_cpu(v.data(), nullptr, nullptr, e, {0.0f, 1, 2}).size(), 2u);
  EXPECT_TRUE(find_peaks_cpu(v.data(), nullptr, nullptr, Extent3{0, 0, 0}, {}).empty());
}

TEST(CandidateKernelsGpu, GaussianBlobAndPeaksMatchTheCpuReferences) {
  if (cuda_device_count() == 0) GTEST_SKIP() << "no CUDA device";
  for (const Extent3& e : {Extent3{1, 1, 1}, Extent3{17, 13, 11}, Extent3{129, 67, 33}}) {
    const auto in = random_volume(e, 9);
    std::vector<float> cpu(e.count()), gpu(e.count());
    gaussian_blur(in.data(), cpu.data(), e, {1.5f, 1.5f, 0.8f}, Backend::kCpu);
    gaussian_blur(in.data(), gpu.data(), e, {1.5f, 1.5f, 0.8f}, Backend::kCuda);
    // Same taps and summation order; FMA contraction on the GPU: 1e-3 absolute on values <= 1000.
    for (std::size_t v = 0; v < e.count(); ++v) ASSERT_NEAR(gpu[v], cpu[v], 1e-3) << v;
    BlobScales scales;
    scales.sigma_mm = blob_sigmas_for_radii(2, 8, 4);
    std::vector<std::uint8_t> s_cpu(e.count()), s_gpu(e.count());
    log_blob_response(in.data(), cpu.data(), s_cpu.data(), e, scales, Backend::kCpu);
    log_blob_response(in.data(), gpu.data(), s_gpu.data(), e, scales, Backend::kCuda);
    for (std::size_t v = 0; v < e.count(); ++v) ASSERT_NEAR(gpu[v], cpu[v], 1e-2f * std::max(1.0f, std::abs(cpu[v])));
    const PeakOptions o{0.0f, 1, 100};
    EXPECT_EQ(find_peaks(cpu.data(), nullptr, nullptr, e, o, Backend::kCuda),
              find_peaks(cpu.data(), nullptr, nullptr, e, o, Backend::kCpu));
  }
}

// The GPU Gaussian stages tiles of 128 (x) and 64 (y, z) outputs plus halos of up to 64 taps:
// extents that straddle several tiles and sigmas whose halo exceeds a tile must still match.
TEST(CandidateKernelsGpu, LargeSigmasAcrossTileEdgesMatchTheCpu) {
  if (cuda_device_count() == 0) GTEST_SKIP() << "no CUDA device";
  const Extent3 e{261, 140, 75};
  const auto in = random_volume(e, 21);
  for (const std::array<float, 3> sigma : {std::array<float, 3>{21.0f, 12.0f, 20.0f}, {0.5f, 3.0f, 0.0f}}) {
    std::vector<float> cpu(e.count()), gpu(e.count());
    gaussian_blur(in.data(), cpu.data(), e, sigma, Backend::kCpu);
    gaussian_blur(in.data(), gpu.data(), e, sigma, Backend::kCuda);
    for (std::size_t v = 0; v < e.count(); ++v) ASSERT_NEAR(gpu[v], cpu[v], 1e-3) << v;
  }
  std::vector<std::uint8_t> mask(e.count());
  for (std::size_t v = 0; v < e.count(); ++v) mask[v] = (v / 7) % 3 != 0;
  const PeakOptions o{100.0f, 2, 500};
  EXPECT_EQ(find_peaks(in.data(), nullptr, mask.data(), e, o, Backend::kCuda),
            find_peaks(in.data(), nullptr, mask.data(), e, o, Backend::kCpu));
}

}  // namespace
}  // namespace vigil::kernels
