// Kernels against ITK where ITK has the same operation: trilinear resampling vs ResampleImageFilter
// (linear interpolator, identity transform), 26-connected components vs ConnectedComponentImageFilter.
#include <gtest/gtest.h>
#include <itkConnectedComponentImageFilter.h>
#include <itkImage.h>
#include <itkResampleImageFilter.h>

#include <map>
#include <random>

#include "kernels/components.h"
#include "kernels/resample.h"
#include "tests/pipeline/itk_test_image.h"

namespace vigil::kernels {
namespace {

using test::itk_direction;
using test::to_itk;

TEST(ItkKernelAgreement, TrilinearResamplingMatchesResampleImageFilter) {
  for (unsigned seed : {1u, 2u}) {
    Geometry in;
    in.size = {31, 27, 19};
    in.spacing_mm = {0.7, 0.8, 2.5};
    in.origin_mm = {-11, 4, 100};
    in.direction = {0, 0, 1, 1, 0, 0, 0, 1, 0};  // a non-identity direction, shared by both grids
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> d(-1000, 1000);
    std::vector<float> data(in.voxel_count());
    for (auto& x : data) x = d(rng);
    const Geometry out = grid_with_spacing(in, {1.0, 0.55, 1.2});
    std::vector<float> ours(out.voxel_count());
    resample_linear_cpu(data.data(), {in.size[0], in.size[1], in.size[2]}, ours.data(),
                        {out.size[0], out.size[1], out.size[2]}, axis_map(in, out), -2048.0f);

    using Image = itk::Image<float, 3>;
    auto resample = itk::ResampleImageFilter<Image, Image>::New();
    resample->SetInput(to_itk(data, in));
    resample->SetSize({out.size[0], out.size[1], out.size[2]});
    resample->SetOutputSpacing(out.spacing_mm.data());
    resample->SetOutputOrigin(out.origin_mm.data());
    resample->SetOutputDirection(itk_direction(out));
    resample->SetDefaultPixelValue(-2048.0f);
    resample->Update();
    const float* theirs = resample->GetOutput()->GetBufferPointer();
    std::size_t differ = 0;
    for (std::size_t v = 0; v < ours.size(); ++v)
      if (std::abs(ours[v] - theirs[v]) > 1e-2f) ++differ;
    // ITK decides "inside" with a floating-point index test; allow a few boundary voxels to differ.
    EXPECT_LE(differ, ours.size() / 1000) << "seed " << seed;
  }
}

TEST(ItkKernelAgreement, ComponentsMatchConnectedComponentImageFilter) {
  for (int percent : {10, 30, 55}) {
    Geometry g;
    g.size = {40, 35, 25};
    std::mt19937 rng(percent);
    std::vector<std::uint8_t> mask(g.voxel_count());
    for (auto& m : mask) m = int(rng() % 100) < percent;
    const Components ours = connected_components_cpu(mask.data(), {g.size[0], g.size[1], g.size[2]});
    using Mask = itk::Image<std::uint8_t, 3>;
    using Labels = itk::Image<std::uint32_t, 3>;
    auto cc = itk::ConnectedComponentImageFilter<Mask, Labels>::New();
    cc->SetInput(to_itk(mask, g));
    cc->SetFullyConnected(true);
    cc->Update();
    EXPECT_EQ(cc->GetObjectCount(), ours.components.size());
    // Same partition: the label maps are a bijection.
    std::map<std::uint32_t, std::uint32_t> forward, backward;
    const std::uint32_t* theirs = cc->GetOutput()->GetBufferPointer();
    for (std::size_t v = 0; v < mask.size(); ++v) {
      ASSERT_EQ(ours.labels[v] == 0, theirs[v] == 0);
      if (!ours.labels[v]) continue;
      const auto [f, fnew] = forward.emplace(ours.labels[v], theirs[v]);
      const auto [b, bnew] = backward.emplace(theirs[v], ours.labels[v]);
      ASSERT_EQ(f->second, theirs[v]);
      ASSERT_EQ(b->second, ours.labels[v]);
    }
  }
}

}  // namespace
}  // namespace vigil::kernels
