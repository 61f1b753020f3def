#pragma once
// Kernel 4: 3-D non-maximum suppression and top-K extraction of candidate peaks.

#include <cstdint>
#include <vector>

#include "kernels/device.h"
#include "kernels/extent.h"

namespace vigil::kernels {

struct Peak {
  std::uint32_t i = 0, j = 0, k = 0;
  float value = 0;
  std::uint8_t scale = 0;  ///< from the scale map when given, else 0

  bool operator==(const Peak& o) const {  // spelled out: .cu files compile as C++17
    return i == o.i && j == o.j && k == o.k && value == o.value && scale == o.scale;
  }
};

struct PeakOptions {
  float threshold = 0;         ///< peaks must exceed this
  int radius = 1;              ///< neighbourhood half-size in voxels (1 = the 26 neighbours)
  std::size_t max_peaks = 100; ///< keep the strongest
};

/// A voxel is a peak when it beats every neighbour within `radius` under the total order
/// (value, then lower linear index wins), so plateaus give exactly one peak. Returned strongest
/// first (ties: lower index first). `mask` and `scale` may be nullptr; with a mask only voxels where
/// mask != 0 can be peaks (neighbours outside the mask still suppress).
std::vector<Peak> find_peaks_cpu(const float* values, const std::uint8_t* scale, const std::uint8_t* mask,
                                 Extent3 extent, const PeakOptions& options);

/// CUDA on device pointers. Synchronises `stream` (it returns host results).
std::vector<Peak> find_peaks_cuda(const float* values, const std::uint8_t* scale, const std::uint8_t* mask,
                                  Extent3 extent, const PeakOptions& options, Stream stream);

/// Host arrays on the chosen backend.
std::vector<Peak> find_peaks(const float* values, const std::uint8_t* scale, const std::uint8_t* mask, Extent3 extent,
                             const PeakOptions& options, Backend backend = default_backend());

/// Sorts strongest first (ties: lower linear index) and keeps `max_peaks`: shared by both paths.
void rank_peaks(std::vector<Peak>& peaks, Extent3 extent, std::size_t max_peaks);

}  // namespace vigil::kernels
