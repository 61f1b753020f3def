#pragma once
// The segmenter's network: a 3-D U-Net with residual blocks and instance normalisation (nnU-Net's
// recipe), defined in C++ with torch::nn so that Vigil trains and runs it without Python.
// Includes LibTorch: for models/, its tests and benchmarks only.
#include <torch/torch.h>

#include <vector>

namespace vigil::models {

struct UNet3dOptions {
  int in_channels = 1;
  int out_channels = 2;     ///< background + lesion logits
  int base_channels = 16;   ///< doubled at each level down
  int levels = 5;           ///< resolution levels (inputs must be divisible by 2^(levels-1))
};

/// conv-norm-LeakyReLU-conv-norm, plus the input (through a 1x1x1 convolution when the channel
/// count or the stride changes), then LeakyReLU.
class ResidualBlockImpl : public torch::nn::Module {
 public:
  ResidualBlockImpl(int in_channels, int out_channels, int stride);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Conv3d conv1_{nullptr}, conv2_{nullptr}, skip_{nullptr};
  torch::nn::InstanceNorm3d norm1_{nullptr}, norm2_{nullptr}, skip_norm_{nullptr};
};
TORCH_MODULE(ResidualBlock);

class UNet3dImpl : public torch::nn::Module {
 public:
  explicit UNet3dImpl(const UNet3dOptions& options = {});
  /// N x in x D x H x W (each of D, H, W divisible by 2^(levels-1)) to N x out x D x H x W logits.
  torch::Tensor forward(const torch::Tensor& x);
  const UNet3dOptions& options() const { return options_; }

 private:
  UNet3dOptions options_;
  std::vector<ResidualBlock> encoder_, decoder_;
  std::vector<torch::nn::ConvTranspose3d> up_;
  torch::nn::Conv3d head_{nullptr};
};
TORCH_MODULE(UNet3d);

/// Number of trainable parameters.
std::int64_t parameter_count(const torch::nn::Module& module);

}  // namespace vigil::models
