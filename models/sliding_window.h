#pragma once
// Sliding-window inference: a network that maps N x 1 x D x H x W windows to N x C x D x H x W runs
// over a whole volume window by window (nnU-Net's layout from kernels::plan_windows, 50% overlap by
// default), several windows per batch, and the window outputs are blended with a Gaussian
// importance (kernels::accumulate_window_channels_*). On CUDA the network runs under fp16 autocast; on the
// CPU in fp32. Windows are cut with kernels::gather_patches straight from the tensor's storage.
// Includes LibTorch: for models/, its tests and benchmarks only.
#include <torch/torch.h>

#include <array>
#include <functional>

namespace vigil::models {

struct SlidingWindowOptions {
  std::array<int, 3> window_zyx{64, 64, 64};  ///< window size, voxels (z, y, x)
  float overlap = 0.5f;                       ///< fraction of a window shared with its neighbour
  int batch = 4;                              ///< windows per forward pass
  bool fp16_autocast_on_cuda = true;
  float pad_value = 0.0f;                     ///< outside the volume (volumes smaller than a window)
};

/// The network: a float batch N x 1 x wz x wy x wx in, N x C x wz x wy x wx out (any float type).
using Predictor = std::function<torch::Tensor(const torch::Tensor&)>;

/// Runs `predict` over `volume` (D x H x W, any float type, CPU or CUDA; results stay on its
/// device) and returns the blended C x D x H x W float output. Throws vigil::Error
/// (kInvalidArgument) for other shapes or a network whose output does not match its input.
torch::Tensor sliding_window(const Predictor& predict, const torch::Tensor& volume,
                             const SlidingWindowOptions& options = {});

}  // namespace vigil::models
