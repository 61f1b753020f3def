#pragma once
// Training patches for the segmenter from synthetic studies generated in memory (no DICOM round
// trip): the study resampled to the model's spacing (linear for HU, nearest for labels, the
// kernels' resamplers), windowed to [0, 1], and cut into patches centred on lesions or anywhere,
// then augmented (flips, in-plane quarter turns, intensity scale and shift, noise). No torch
// header: the trainer turns patches into tensors.
#include <array>
#include <cstdint>
#include <random>
#include <vector>

#include "models/synthetic/synthetic_study.h"

namespace vigil::models {

struct PatchOptions {
  std::array<double, 3> spacing_mm{1.0, 1.0, 1.0};  ///< x, y, z spacing the network works at
  std::array<int, 3> patch_zyx{48, 48, 48};
  float window_low_hu = -1000, window_high_hu = 400;  ///< mapped onto [0, 1]
  double p_lesion_centred = 0.67;  ///< share of patches centred on a lesion (when the study has one)
};

struct AugmentOptions {
  bool flips = true;               ///< each axis with probability 1/2
  bool quarter_turns = true;       ///< in-plane rotation by k * 90 degrees (square patches only)
  float intensity_scale = 0.10f;   ///< image *= 1 + U(-s, s)
  float intensity_shift = 0.05f;   ///< image += U(-s, s)
  float noise_sigma_max = 0.03f;   ///< Gaussian noise of sigma U(0, max)
};

/// One patch: image [z][y][x] of PatchOptions::patch_zyx, and its lesion label: per voxel (0/1,
/// the same layout) for the segmenter, or one value (1 = lesion at the centre) for the classifier.
struct TrainingPatch {
  std::array<int, 3> size_zyx{0, 0, 0};
  std::vector<float> image;
  std::vector<std::uint8_t> label;
};

/// `count` patches from `study` (an axial stack with regular slices, as the generator makes without
/// an acquisition variant). Throws vigil::Error(kInvalidArgument) for other stacks.
std::vector<TrainingPatch> sample_patches(const synthetic::SyntheticStudy& study, const PatchOptions& options,
                                          int count, std::mt19937_64& rng);

/// Applies the same geometric changes to image and a per-voxel label, intensity changes to the
/// image only (a one-value label is left as it is).
void augment(TrainingPatch& patch, const AugmentOptions& options, std::mt19937_64& rng);

}  // namespace vigil::models
