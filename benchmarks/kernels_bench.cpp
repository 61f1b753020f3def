// CPU paths of the kernels against their ITK counterparts on the same 256x256x160 CT-like volume,
// same thread count (all cores), in one run; prints the ratios (target: ratio <= 1, at least as fast).
//
//   build/bin/vigil_kernels_bench [--benchmark_repetitions=3]
#include <benchmark/benchmark.h>
#include <itkConnectedComponentImageFilter.h>
#include <itkHessianRecursiveGaussianImageFilter.h>
#include <itkImage.h>
#include <itkLaplacianRecursiveGaussianImageFilter.h>
#include <itkResampleImageFilter.h>
#include <itkSmoothingRecursiveGaussianImageFilter.h>
#include <itkSymmetricEigenAnalysisImageFilter.h>

#include <random>

#include "benchmarks/ratio_reporter.h"
#include "kernels/blob_filter.h"
#include "kernels/components.h"
#include "kernels/gaussian.h"
#include "kernels/resample.h"

namespace {

using vigil::kernels::Extent3;
using Image = itk::Image<float, 3>;
constexpr std::size_t kNx = 256, kNy = 256, kNz = 160;
constexpr double kSpacing[3] = {0.7, 0.7, 1.25};
constexpr double kSigmaMm = 2.0;

const std::vector<float>& volume() {
  static const std::vector<float> v = [] {
    std::vector<float> out(kNx * kNy * kNz);
    std::mt19937 rng(1);
    std::normal_distribution<float> noise(0, 30);
    for (std::size_t k = 0; k < kNz; ++k)
      for (std::size_t j = 0; j < kNy; ++j)
        for (std::size_t i = 0; i < kNx; ++i)
          out[i + kNx * (j + kNy * k)] = ((i / 16 + j / 16 + k / 8) % 3 ? -850.0f : 40.0f) + noise(rng);
    return out;
  }();
  return v;
}

Image::Pointer itk_volume() {
  static Image::Pointer image = [] {
    auto img = Image::New();
    Image::RegionType region;
    region.SetSize({kNx, kNy, kNz});
    img->SetRegions(region);
    img->SetSpacing(kSpacing);
    img->Allocate();
    std::copy(volume().begin(), volume().end(), img->GetBufferPointer());
    return img;
  }();
  return image;
}

constexpr Extent3 kExtent{kNx, kNy, kNz};

// The candidate detector's largest scale (15 mm radius / sqrt 3): a FIR's cost grows with sigma,
// a recursive filter's does not, so this is where Vigil's Gaussian is weakest against ITK's.
constexpr double kLargeSigmaMm = 8.66;

void vigil_gaussian(benchmark::State& state, double sigma_mm) {
  std::vector<float> out(kExtent.count());
  const std::array<float, 3> sigma{float(sigma_mm / kSpacing[0]), float(sigma_mm / kSpacing[1]),
                                   float(sigma_mm / kSpacing[2])};
  for (auto _ : state) vigil::kernels::gaussian_blur_cpu(volume().data(), out.data(), kExtent, sigma);
}

void itk_gaussian(benchmark::State& state, double sigma_mm) {
  for (auto _ : state) {
    auto f = itk::SmoothingRecursiveGaussianImageFilter<Image, Image>::New();
    f->SetInput(itk_volume());
    f->SetSigma(sigma_mm);
    f->Update();
  }
}

void BM_VigilGaussian(benchmark::State& state) { vigil_gaussian(state, kSigmaMm); }
void BM_ItkSmoothingRecursiveGaussian(benchmark::State& state) { itk_gaussian(state, kSigmaMm); }
void BM_VigilGaussianLargeSigma(benchmark::State& state) { vigil_gaussian(state, kLargeSigmaMm); }
void BM_ItkSmoothingRecursiveGaussianLargeSigma(benchmark::State& state) { itk_gaussian(state, kLargeSigmaMm); }

vigil::kernels::BlobScales one_scale(vigil::kernels::BlobMeasure measure) {
  vigil::kernels::BlobScales s;
  s.sigma_mm = {float(kSigmaMm)};
  s.spacing_mm = {float(kSpacing[0]), float(kSpacing[1]), float(kSpacing[2])};
  s.measure = measure;
  return s;
}

void BM_VigilLaplacianOfGaussian(benchmark::State& state) {
  std::vector<float> out(kExtent.count());
  const auto s = one_scale(vigil::kernels::BlobMeasure::kLaplacian);
  for (auto _ : state) vigil::kernels::log_blob_response_cpu(volume().data(), out.data(), nullptr, kExtent, s);
}

void BM_ItkLaplacianRecursiveGaussian(benchmark::State& state) {
  for (auto _ : state) {
    auto f = itk::LaplacianRecursiveGaussianImageFilter<Image, Image>::New();
    f->SetInput(itk_volume());
    f->SetSigma(kSigmaMm);
    f->Update();
  }
}

void BM_VigilHessianDot(benchmark::State& state) {
  std::vector<float> out(kExtent.count());
  const auto s = one_scale(vigil::kernels::BlobMeasure::kHessianDot);
  for (auto _ : state) vigil::kernels::log_blob_response_cpu(volume().data(), out.data(), nullptr, kExtent, s);
}

void BM_ItkHessianRecursiveGaussianEigen(benchmark::State& state) {
  using Hessian = itk::HessianRecursiveGaussianImageFilter<Image>;
  using Eigen = itk::Image<itk::FixedArray<double, 3>, 3>;
  for (auto _ : state) {
    auto h = Hessian::New();
    h->SetInput(itk_volume());
    h->SetSigma(kSigmaMm);
    auto e = itk::SymmetricEigenAnalysisImageFilter<Hessian::OutputImageType, Eigen>::New();
    e->SetInput(h->GetOutput());
    e->SetDimension(3);
    e->Update();
  }
}

void BM_VigilResample(benchmark::State& state) {
  vigil::Geometry in;
  in.size = {kNx, kNy, kNz};
  in.spacing_mm = {kSpacing[0], kSpacing[1], kSpacing[2]};
  const vigil::Geometry out = vigil::kernels::grid_with_spacing(in, {1.0, 1.0, 1.0});
  std::vector<float> result(out.voxel_count());
  const auto map = vigil::kernels::axis_map(in, out);
  for (auto _ : state)
    vigil::kernels::resample_linear_cpu(volume().data(), kExtent, result.data(), {out.size[0], out.size[1], out.size[2]},
                                        map, -1024.0f);
}

void BM_ItkResampleLinear(benchmark::State& state) {
  vigil::Geometry in;
  in.size = {kNx, kNy, kNz};
  in.spacing_mm = {kSpacing[0], kSpacing[1], kSpacing[2]};
  const vigil::Geometry out = vigil::kernels::grid_with_spacing(in, {1.0, 1.0, 1.0});
  for (auto _ : state) {
    auto f = itk::ResampleImageFilter<Image, Image>::New();
    f->SetInput(itk_volume());
    f->SetSize({out.size[0], out.size[1], out.size[2]});
    const double spacing[3] = {1, 1, 1};
    f->SetOutputSpacing(spacing);
    f->SetDefaultPixelValue(-1024.0f);
    f->Update();
  }
}

const std::vector<std::uint8_t>& mask() {
  static const std::vector<std::uint8_t> m = [] {
    std::vector<std::uint8_t> out(kExtent.count());
    for (std::size_t v = 0; v < out.size(); ++v) out[v] = volume()[v] > -400.0f;
    return out;
  }();
  return m;
}

void BM_VigilComponents(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(vigil::kernels::connected_components_cpu(mask().data(), kExtent));
}

void BM_ItkConnectedComponents(benchmark::State& state) {
  using Mask = itk::Image<std::uint8_t, 3>;
  auto image = Mask::New();
  Mask::RegionType region;
  region.SetSize({kNx, kNy, kNz});
  image->SetRegions(region);
  image->Allocate();
  std::copy(mask().begin(), mask().end(), image->GetBufferPointer());
  for (auto _ : state) {
    auto f = itk::ConnectedComponentImageFilter<Mask, itk::Image<std::uint32_t, 3>>::New();
    f->SetInput(image);
    f->SetFullyConnected(true);
    f->Update();
  }
}

#define VIGIL_BENCH(fn) BENCHMARK(fn)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(1.0)
VIGIL_BENCH(BM_VigilGaussian);
VIGIL_BENCH(BM_ItkSmoothingRecursiveGaussian);
VIGIL_BENCH(BM_VigilGaussianLargeSigma);
VIGIL_BENCH(BM_ItkSmoothingRecursiveGaussianLargeSigma);
VIGIL_BENCH(BM_VigilLaplacianOfGaussian);
VIGIL_BENCH(BM_ItkLaplacianRecursiveGaussian);
VIGIL_BENCH(BM_VigilHessianDot);
VIGIL_BENCH(BM_ItkHessianRecursiveGaussianEigen);
VIGIL_BENCH(BM_VigilResample);
VIGIL_BENCH(BM_ItkResampleLinear);
VIGIL_BENCH(BM_VigilComponents);
VIGIL_BENCH(BM_ItkConnectedComponents);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  std::printf("volume %zux%zux%zu floats, sigma %.1f mm, all cores; ratio = Vigil CPU time / ITK time\n", kNx, kNy, kNz,
              kSigmaMm);
  vigil::bench::RatioReporter r;
  benchmark::RunSpecifiedBenchmarks(&r);
  r.print_ratio("Gaussian / ITK SmoothingRecursiveGaussian", "BM_VigilGaussian", "BM_ItkSmoothingRecursiveGaussian",
                "target <= 1");
  r.print_ratio("Gaussian sigma 8.66 mm / ITK SmoothingRecursiveGaussian", "BM_VigilGaussianLargeSigma",
                "BM_ItkSmoothingRecursiveGaussianLargeSigma", "target <= 1");
  r.print_ratio("LoG / ITK LaplacianRecursiveGaussian", "BM_VigilLaplacianOfGaussian",
                "BM_ItkLaplacianRecursiveGaussian", "target <= 1");
  r.print_ratio("Hessian dot / ITK HessianRecursiveGaussian + eigen", "BM_VigilHessianDot",
                "BM_ItkHessianRecursiveGaussianEigen", "target <= 1");
  r.print_ratio("resample / ITK ResampleImageFilter", "BM_VigilResample", "BM_ItkResampleLinear", "target <= 1");
  r.print_ratio("components / ITK ConnectedComponentImageFilter", "BM_VigilComponents", "BM_ItkConnectedComponents",
                "target <= 1");
  benchmark::Shutdown();
  return 0;
}
