// The segmenter's 3-D U-Net: shapes, size, errors, a save/load round trip, that a few optimiser
// steps fit a batch, and that it runs through sliding-window inference.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>

#include "core/error.h"
#include "models/sliding_window.h"
#include "models/unet3d.h"

namespace vigil::models {
namespace {

TEST(UNet3d, DefaultNetworkHasAFewMillionParametersAndKeepsTheShape) {
  torch::manual_seed(1);
  UNet3d net;
  const std::int64_t n = parameter_count(*net);
  EXPECT_GT(n, 2'000'000);
  EXPECT_LT(n, 10'000'000);
  net->eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor out = net->forward(torch::rand({1, 1, 32, 32, 48}));
  EXPECT_EQ(out.sizes(), torch::IntArrayRef({1, 2, 32, 32, 48}));
  EXPECT_TRUE(torch::isfinite(out).all().item<bool>());
}

TEST(UNet3d, RefusesInputsItCannotDownsample) {
  UNet3d net(UNet3dOptions{1, 2, 4, 3});
  EXPECT_THROW(net->forward(torch::rand({1, 1, 16, 16, 18})), Error);  // 18 is not divisible by 4
  EXPECT_THROW(net->forward(torch::rand({1, 2, 16, 16, 16})), Error);  // two input channels
  EXPECT_THROW(UNet3d(UNet3dOptions{1, 2, 4, 1}), Error);
}

TEST(UNet3d, SavedWeightsReloadToTheSameOutputs) {
  torch::manual_seed(2);
  UNet3d a(UNet3dOptions{1, 2, 4, 3}), b(UNet3dOptions{1, 2, 4, 3});
  char path_template[] = "/tmp/vigil-unet-XXXXXX";
  const int fd = ::mkstemp(path_template);
  ASSERT_GE(fd, 0);
  ::close(fd);
  torch::save(a, path_template);
  torch::load(b, path_template);
  std::remove(path_template);
  a->eval();
  b->eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor x = torch::rand({2, 1, 16, 16, 16});
  EXPECT_TRUE(torch::equal(a->forward(x), b->forward(x)));
}

TEST(UNet3d, AFewAdamWStepsFitABatch) {
  for (const std::uint64_t seed : {3u, 4u, 5u}) {
    torch::manual_seed(seed);
    UNet3d net(UNet3dOptions{1, 2, 4, 3});
    // A bright cube on noise, labelled voxel by voxel.
    torch::Tensor x = 0.1 * torch::rand({2, 1, 16, 16, 16});
    torch::Tensor labels = torch::zeros({2, 16, 16, 16}, torch::kLong);
    using torch::indexing::Slice;
    x.index_put_({Slice(), 0, Slice(4, 10), Slice(5, 12), Slice(3, 9)}, 0.8);
    labels.index_put_({Slice(), Slice(4, 10), Slice(5, 12), Slice(3, 9)}, 1);
    torch::optim::AdamW optimiser(net->parameters(), torch::optim::AdamWOptions(1e-2));
    float first = 0, last = 0;
    for (int step = 0; step < 15; ++step) {
      optimiser.zero_grad();
      const torch::Tensor loss = torch::nn::functional::cross_entropy(net->forward(x), labels);
      loss.backward();
      optimiser.step();
      (step == 0 ? first : last) = loss.item<float>();
    }
    EXPECT_LT(last, 0.5f * first) << "seed " << seed << ": first " << first << ", last " << last;
  }
}

TEST(UNet3d, RunsThroughSlidingWindowInference) {
  torch::manual_seed(4);
  UNet3d net(UNet3dOptions{1, 2, 4, 3});
  net->eval();
  SlidingWindowOptions o;
  o.window_zyx = {16, 16, 16};
  const torch::Tensor out =
      sliding_window([&](const torch::Tensor& x) { return net->forward(x); }, torch::rand({20, 24, 28}), o);
  EXPECT_EQ(out.sizes(), torch::IntArrayRef({2, 20, 24, 28}));
  EXPECT_TRUE(torch::isfinite(out).all().item<bool>());
}

}  // namespace
}  // namespace vigil::models
