#pragma once
// The candidate classifier's network: a small 3-D CNN (residual blocks with instance norm, each
// level halving the resolution, then global average pooling) mapping a patch around a candidate
// to one lesion logit. Includes LibTorch: for models/, its tests and benchmarks only.
#include <torch/torch.h>

#include <vector>

#include "models/unet3d.h"

namespace vigil::models {

struct Classifier3dOptions {
  int in_channels = 1;
  int base_channels = 16;  ///< doubled at each level down
  int levels = 4;
};

class Classifier3dImpl : public torch::nn::Module {
 public:
  explicit Classifier3dImpl(const Classifier3dOptions& options = {});
  /// N x in x D x H x W to N x 1 logits (any spatial size of at least 2^(levels-1)).
  torch::Tensor forward(const torch::Tensor& x);
  const Classifier3dOptions& options() const { return options_; }

 private:
  Classifier3dOptions options_;
  std::vector<ResidualBlock> blocks_;
  torch::nn::Dropout dropout_{nullptr};
  torch::nn::Linear head_{nullptr};
};
TORCH_MODULE(Classifier3d);

}  // namespace vigil::models
