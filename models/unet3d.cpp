#include "models/unet3d.h"

#include <string>

#include "core/error.h"

namespace vigil::models {
namespace {

torch::nn::InstanceNorm3d instance_norm(int channels) {
  return torch::nn::InstanceNorm3d(torch::nn::InstanceNorm3dOptions(channels).affine(true));
}

torch::Tensor leaky(const torch::Tensor& x) { return torch::leaky_relu(x, 0.01); }

}  // namespace

ResidualBlockImpl::ResidualBlockImpl(int in_channels, int out_channels, int stride) {
  conv1_ = register_module("conv1", torch::nn::Conv3d(torch::nn::Conv3dOptions(in_channels, out_channels, 3)
                                                          .stride(stride).padding(1).bias(false)));
  norm1_ = register_module("norm1", instance_norm(out_channels));
  conv2_ = register_module("conv2", torch::nn::Conv3d(torch::nn::Conv3dOptions(out_channels, out_channels, 3)
                                                          .padding(1).bias(false)));
  norm2_ = register_module("norm2", instance_norm(out_channels));
  if (in_channels != out_channels || stride != 1) {
    skip_ = register_module("skip", torch::nn::Conv3d(torch::nn::Conv3dOptions(in_channels, out_channels, 1)
                                                          .stride(stride).bias(false)));
    skip_norm_ = register_module("skip_norm", instance_norm(out_channels));
  }
}

torch::Tensor ResidualBlockImpl::forward(const torch::Tensor& x) {
  torch::Tensor y = norm2_(conv2_(leaky(norm1_(conv1_(x)))));
  return leaky(y + (skip_ ? skip_norm_(skip_(x)) : x));
}

UNet3dImpl::UNet3dImpl(const UNet3dOptions& o) : options_(o) {
  if (o.levels < 2 || o.base_channels < 1 || o.in_channels < 1 || o.out_channels < 1)
    throw Error(ErrorCode::kInvalidArgument, "U-Net: need levels >= 2 and positive channel counts");
  int channels = o.base_channels;
  for (int level = 0; level < o.levels; ++level) {
    const int in = level == 0 ? o.in_channels : channels / 2;
    encoder_.push_back(register_module("encoder" + std::to_string(level),
                                       ResidualBlock(in, channels, level == 0 ? 1 : 2)));
    if (level + 1 < o.levels) channels *= 2;
  }
  for (int level = o.levels - 2; level >= 0; --level) {
    const int skip_channels = o.base_channels << level;
    up_.push_back(register_module("up" + std::to_string(level),
                                  torch::nn::ConvTranspose3d(torch::nn::ConvTranspose3dOptions(channels, skip_channels, 2)
                                                                 .stride(2).bias(false))));
    decoder_.push_back(register_module("decoder" + std::to_string(level),
                                       ResidualBlock(2 * skip_channels, skip_channels, 1)));
    channels = skip_channels;
  }
  head_ = register_module("head", torch::nn::Conv3d(torch::nn::Conv3dOptions(channels, o.out_channels, 1)));
}

torch::Tensor UNet3dImpl::forward(const torch::Tensor& x) {
  const std::int64_t factor = std::int64_t(1) << (options_.levels - 1);
  if (x.dim() != 5 || x.size(1) != options_.in_channels)
    throw Error(ErrorCode::kInvalidArgument, "U-Net: input must be N x " + std::to_string(options_.in_channels) +
                                                 " x D x H x W");
  for (int a = 2; a < 5; ++a)
    if (x.size(a) % factor != 0)
      throw Error(ErrorCode::kInvalidArgument, "U-Net: every spatial size must be divisible by " +
                                                   std::to_string(factor) + " (got " + std::to_string(x.size(a)) + ")");
  std::vector<torch::Tensor> skips;
  torch::Tensor y = x;
  for (auto& block : encoder_) {
    y = block(y);
    skips.push_back(y);
  }
  skips.pop_back();  // the bottleneck feeds the decoder directly
  for (std::size_t d = 0; d < decoder_.size(); ++d) {
    y = up_[d](y);
    y = decoder_[d](torch::cat({y, skips.back()}, 1));
    skips.pop_back();
  }
  return head_(y);
}

std::int64_t parameter_count(const torch::nn::Module& module) {
  std::int64_t n = 0;
  for (const auto& p : module.parameters())
    if (p.requires_grad()) n += p.numel();
  return n;
}

}  // namespace vigil::models
