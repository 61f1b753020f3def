// LibTorch from the venv: runtime settings, and tensors' storage passed straight into Vigil's
// kernels (no copies), on the CPU and, with a device, on CUDA with torch's own stream.
#include <gtest/gtest.h>
#include <malloc.h>
#include <torch/torch.h>

#ifdef VIGIL_HAVE_CUDA
#include <ATen/cuda/CUDAContext.h>
#endif

#include "kernels/device.h"
#include "kernels/normalize.h"
#include "models/torch_runtime.h"

namespace vigil::models {
namespace {

TEST(TorchRuntime, SetsThreadsAndAgreesWithVigilOnCuda) {
  const TorchRuntime r = configure_torch(2);
  EXPECT_EQ(r.threads, 2);
  EXPECT_EQ(r.version.rfind("2.", 0), 0u) << r.version;
  // Vigil's kernels and LibTorch see the same devices (they share one CUDA runtime).
  EXPECT_EQ(r.cuda_devices, kernels::cuda_device_count());
}

// A network's activations (megabytes each, freed and requested again every batch) come from the
// heap, not from a mapping of their own: glibc's defaults mapped each one afresh, and every batch
// paid for the kernel zeroing it again (a third of a CPU sliding-window pass).
TEST(TorchRuntime, ActivationSizedBuffersComeFromTheHeap) {
#ifdef __GLIBC__
  configure_torch(2);
  const std::int64_t floats = std::int64_t(24) << 18;  // 24 MiB; a 16-channel 48^3 window batch of 4 is 28
  for (int batch = 0; batch < 3; ++batch) {
    const auto mapped_before = ::mallinfo2().hblkhd;
    const auto activation = torch::empty({floats}, torch::kFloat32).fill_(1.0f);
    EXPECT_LT(::mallinfo2().hblkhd - mapped_before, std::size_t(floats) * 4) << "batch " << batch;
  }
#else
  GTEST_SKIP() << "the allocator tuning is glibc's";
#endif
}

torch::Tensor expected_window(const torch::Tensor& stored, const kernels::IntensityTransform& t) {
  return (stored.to(torch::kFloat32) * t.slope + t.intercept).clamp(t.window_low, t.window_high) * t.scale + t.shift;
}

TEST(TorchInterop, KernelsWorkInPlaceOnTensorStorage) {
  torch::manual_seed(3);
  const auto stored = torch::randint(-2000, 4000, {4, 64, 96}, torch::kInt16);
  auto out = torch::empty({4, 64, 96}, torch::kFloat32);
  auto t = kernels::IntensityTransform::window(-1000, 400);
  t.intercept = -1024;
  kernels::normalize_cpu(stored.data_ptr<std::int16_t>(), out.data_ptr<float>(), stored.numel(), t);
  EXPECT_TRUE(torch::allclose(out, expected_window(stored, t), 1e-5, 1e-6));
}

TEST(TorchInteropGpu, KernelsRunOnCudaTensorsOnTorchsStream) {
#ifdef VIGIL_HAVE_CUDA
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  const auto stored = torch::randint(-2000, 4000, {8, 128, 128}, torch::kInt16).cuda();
  auto out = torch::empty({8, 128, 128}, torch::dtype(torch::kFloat32).device(torch::kCUDA));
  const auto t = kernels::IntensityTransform::window(-1350, 150);
  kernels::normalize_cuda(stored.data_ptr<std::int16_t>(), out.data_ptr<float>(), stored.numel(), t,
                          at::cuda::getCurrentCUDAStream().stream());
  EXPECT_TRUE(torch::allclose(out.cpu(), expected_window(stored.cpu(), t), 1e-5, 1e-6));
#else
  GTEST_SKIP() << "built without CUDA";
#endif
}

}  // namespace
}  // namespace vigil::models
