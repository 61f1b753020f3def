#pragma once
// Kernel 6: gather N patches around candidate centres into one contiguous batch in LibTorch's
// NCDHW layout (C = 1): patch n, voxel (x, y, z) at out[((n * pz + z) * py + y) * px + x].
// Kernel 7: sliding-window tiling with Gaussian-weighted stitching of window outputs.

#include <array>
#include <cstdint>
#include <vector>

#include "kernels/device.h"
#include "kernels/extent.h"

namespace vigil::kernels {

struct Index3 {
  std::int32_t i = 0, j = 0, k = 0;
};

/// Patch of size (px, py, pz) whose voxel (px/2, py/2, pz/2) sits on the centre; voxels outside the
/// volume read `pad_value`.
void gather_patches_cpu(const float* volume, Extent3 extent, const Index3* centres, std::size_t count,
                        std::array<int, 3> size, float pad_value, float* out);
/// CUDA: `volume`, `centres` and `out` are device pointers. Asynchronous on `stream`.
void gather_patches_cuda(const float* volume, Extent3 extent, const Index3* centres, std::size_t count,
                         std::array<int, 3> size, float pad_value, float* out, Stream stream);
/// Host arrays on the chosen backend.
void gather_patches(const float* volume, Extent3 extent, const std::vector<Index3>& centres, std::array<int, 3> size,
                    float pad_value, float* out, Backend backend = default_backend());

/// Window origins (voxel indices) covering the volume with `overlap` (0 <= overlap < 1): along each
/// axis from 0 in steps of ceil(window * (1 - overlap)), the last window flush with the far edge.
/// An axis shorter than the window gets one window at 0 (the caller pads). nnU-Net's layout.
std::vector<Index3> plan_windows(Extent3 extent, std::array<int, 3> window, float overlap);

/// Gaussian importance of each window voxel (sigma = window / 8 per axis), max 1, never below 1e-3
/// so that every voxel a window covers has weight. Layout [z][y][x].
std::vector<float> gaussian_importance(std::array<int, 3> window);

/// sum += importance * prediction and weight += importance over the part of the window inside the
/// volume. `prediction` and `importance` are window-sized, [z][y][x]. `weight` may be nullptr (the
/// second and later channels of one window: the weight is the same for all of them).
void accumulate_window_cpu(const float* prediction, const float* importance, Index3 origin, std::array<int, 3> window,
                           float* sum, float* weight, Extent3 extent);
void accumulate_window_cuda(const float* prediction, const float* importance, Index3 origin, std::array<int, 3> window,
                            float* sum, float* weight, Extent3 extent, Stream stream);

/// Every channel of one window in one pass (the network's output for it, C x window, [c][z][y][x]):
/// sum[c] += importance * prediction[c] for each channel (sum: C x extent, [c][k][j][i]) and
/// weight += importance once. On CUDA the prediction may be IEEE half (`fp16`), as the network
/// returns it under autocast: read as it is, no conversion pass.
void accumulate_window_channels_cpu(const float* prediction, int channels, const float* importance, Index3 origin,
                                    std::array<int, 3> window, float* sum, float* weight, Extent3 extent);
void accumulate_window_channels_cuda(const void* prediction, bool fp16, int channels, const float* importance,
                                     Index3 origin, std::array<int, 3> window, float* sum, float* weight, Extent3 extent,
                                     Stream stream);

/// out = sum / weight, 0 where no window contributed.
void finish_stitch_cpu(const float* sum, const float* weight, float* out, std::size_t count);

}  // namespace vigil::kernels
