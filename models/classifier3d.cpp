#include "models/classifier3d.h"

#include <string>

#include "core/error.h"

namespace vigil::models {

Classifier3dImpl::Classifier3dImpl(const Classifier3dOptions& o) : options_(o) {
  if (o.levels < 1 || o.base_channels < 1 || o.in_channels < 1)
    throw Error(ErrorCode::kInvalidArgument, "classifier: need levels >= 1 and positive channel counts");
  int channels = o.base_channels;
  for (int level = 0; level < o.levels; ++level) {
    const int in = level == 0 ? o.in_channels : channels / 2;
    blocks_.push_back(register_module("block" + std::to_string(level), ResidualBlock(in, channels, level == 0 ? 1 : 2)));
    if (level + 1 < o.levels) channels *= 2;
  }
  dropout_ = register_module("dropout", torch::nn::Dropout(0.2));
  head_ = register_module("head", torch::nn::Linear(channels, 1));
}

torch::Tensor Classifier3dImpl::forward(const torch::Tensor& x) {
  if (x.dim() != 5 || x.size(1) != options_.in_channels)
    throw Error(ErrorCode::kInvalidArgument, "classifier: input must be N x " + std::to_string(options_.in_channels) +
                                                 " x D x H x W");
  torch::Tensor y = x;
  for (auto& block : blocks_) y = block(y);
  y = y.mean({2, 3, 4});  // global average pooling: N x C
  return head_(dropout_(y));
}

}  // namespace vigil::models
