// Sliding-window inference: pointwise networks must come back exactly (the Gaussian blend of
// identical window outputs is the output itself), on any extent, including volumes smaller than a
// window; a TorchScript file written by Python runs through the same path; bad shapes are errors.
#include <gtest/gtest.h>
#include <torch/script.h>
#include <torch/torch.h>


#include <cstdlib>

#include "core/error.h"
#include "models/sliding_window.h"
#include "tests/models/python_model.h"
#include "tests/models/temp_folder.h"

namespace vigil::models {
namespace {

// Two channels computed voxel by voxel: 2x + 1 and x^2.
torch::Tensor pointwise(const torch::Tensor& x) { return torch::cat({2 * x + 1, x * x}, 1); }

void expect_pointwise_result(const torch::Device& device, bool autocast) {
  torch::manual_seed(5);
  SlidingWindowOptions o;
  o.window_zyx = {8, 10, 12};
  o.batch = 3;
  o.fp16_autocast_on_cuda = autocast;
  for (const auto& shape : {std::vector<std::int64_t>{20, 17, 33}, {5, 7, 9}, {8, 10, 12}, {1, 40, 3}}) {
    const torch::Tensor volume = torch::rand(shape, torch::TensorOptions().device(device));
    const torch::Tensor out = sliding_window(pointwise, volume, o);
    ASSERT_EQ(out.sizes(), torch::IntArrayRef({2, shape[0], shape[1], shape[2]}));
    EXPECT_EQ(out.device(), volume.device());
    const torch::Tensor expected = pointwise(volume.unsqueeze(0).unsqueeze(0)).squeeze(0);
    EXPECT_TRUE(torch::allclose(out, expected, 1e-5, 1e-6)) << shape[0] << "x" << shape[1] << "x" << shape[2];
  }
}

TEST(SlidingWindow, PointwiseNetworksComeBackExactlyOnAnyExtent) { expect_pointwise_result(torch::kCPU, false); }

TEST(SlidingWindowGpu, PointwiseNetworksComeBackExactlyOnCuda) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  expect_pointwise_result(torch::kCUDA, false);
  expect_pointwise_result(torch::kCUDA, true);  // mul/add/cat stay fp32 under autocast
}

TEST(SlidingWindow, TorchScriptFileWrittenByPythonRunsThroughIt) {
  const test::TempFolder dir;
  const std::string model = dir.path + "/model.pt";
  ASSERT_TRUE(test::export_pointwise_net(model));
  torch::jit::Module net = torch::jit::load(model);
  net.eval();
  const Predictor predict = [&](const torch::Tensor& x) { return net.forward({x}).toTensor(); };
  torch::manual_seed(6);
  const torch::Tensor volume = torch::rand({24, 30, 19});
  SlidingWindowOptions o;
  o.window_zyx = {16, 16, 16};
  const torch::Tensor out = sliding_window(predict, volume, o);
  torch::NoGradGuard no_grad;
  const torch::Tensor whole = predict(volume.unsqueeze(0).unsqueeze(0)).squeeze(0);
  EXPECT_TRUE(torch::allclose(out, whole, 1e-5, 1e-6));
}

TEST(SlidingWindow, WrongShapesAreErrors) {
  EXPECT_THROW(sliding_window(pointwise, torch::rand({4, 4})), Error);
  const Predictor cropping = [](const torch::Tensor& x) {
    return x.index({torch::indexing::Slice(), torch::indexing::Slice(), torch::indexing::Slice(0, 2)});
  };
  SlidingWindowOptions o;
  o.window_zyx = {4, 4, 4};
  EXPECT_THROW(sliding_window(cropping, torch::rand({6, 6, 6}), o), Error);
}

}  // namespace
}  // namespace vigil::models
