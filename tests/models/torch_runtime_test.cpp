// LibTorch's CUDA library loaded late. This executable links LibTorch's CPU library only, as
// `vigil` does, so it shows on any machine (GPU or not) what a GPU machine relies on: that the
// library is not there at start, that loading it at run time registers LibTorch's real CUDA hooks,
// and that LibTorch then answers about devices as the driver does.
#include <ATen/detail/CUDAHooksInterface.h>
#include <gtest/gtest.h>
#include <link.h>
#include <torch/torch.h>

#include <string>

#include "kernels/device.h"
#include "models/torch_runtime.h"

namespace vigil::models {
namespace {

bool loaded(const std::string& library) {
  std::string wanted = "/" + library;
  return ::dl_iterate_phdr(
             [](dl_phdr_info* info, std::size_t, void* data) {
               const std::string name = info->dlpi_name ? info->dlpi_name : "";
               const std::string& w = *static_cast<std::string*>(data);
               return int(name.size() >= w.size() && name.compare(name.size() - w.size(), w.size(), w) == 0);
             },
             &wanted) != 0;
}

TEST(LateTorchCuda, LoadingTheLibraryAtRunTimeRegistersLibTorchsCudaHooks) {
  ASSERT_TRUE(loaded("libtorch_cpu.so"));
  ASSERT_FALSE(loaded("libtorch_cuda.so")) << "this test's executable must not link LibTorch's CUDA library";
  const std::string error = load_torch_cuda_library();
  ASSERT_EQ(error, "");
  EXPECT_TRUE(loaded("libtorch_cuda.so"));
  // Without the CUDA library LibTorch's placeholder hooks throw here; the real ones answer.
  EXPECT_GT(at::detail::getCUDAHooks().versionCUDART(), 0);
  EXPECT_EQ(torch::cuda::is_available(), kernels::cuda_device_count() > 0);
  const TorchRuntime r = configure_torch(1);
  EXPECT_EQ(r.cuda_available, kernels::cuda_device_count() > 0);
  if (!r.cuda_available) EXPECT_FALSE(r.cuda_note.empty());
}

}  // namespace
}  // namespace vigil::models
