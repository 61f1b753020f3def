#pragma once
// One synthetic chest CT study in memory: HU voxels, lesion labels and ground truth. The training
// code calls generate_study directly; `vigil synth` writes the same study as DICOM.

#include <cstdint>
#include <string>
#include <vector>

#include "models/synthetic/lesions.h"
#include "models/synthetic/slice_stack.h"
#include "models/synthetic/synth_config.h"

namespace vigil::synthetic {

struct SyntheticStudy {
  std::uint64_t seed = 0;
  int index = 0;
  SynthConfig config;
  SliceStack stack;                    ///< acquisition geometry, slices in acquisition order
  std::vector<float> hu;               ///< stack.voxels() values, slice k at k * rows * columns
  std::vector<std::uint16_t> labels;   ///< lesion id per voxel (0 = none), same layout
  std::vector<std::uint8_t> lung_mask; ///< 1 inside the lung shapes (only when asked for), same layout
  std::vector<LesionTruth> lesions;
  double noise_sigma_hu = 0;
  double lung_hu = 0;
  int scars = 0;
  std::string study_uid, series_uid, frame_of_reference_uid;
  std::string patient_id;              ///< "SYNTH-<seed>-<index>": synthetic, never a person
};

/// Generates study `index` of the set seeded by `seed`. Deterministic for a given (config, seed,
/// index) and any thread count. `threads` 0 = all cores.
/// `with_lung_mask` also fills `lung_mask` (the lungs' true extent, vessels and lesions inside them
/// included): costs one lung-shape evaluation per voxel.
SyntheticStudy generate_study(const SynthConfig& config, std::uint64_t seed, int index, unsigned threads = 0,
                              bool with_lung_mask = false);

/// A short stable fingerprint of every config field, part of the UIDs (a changed config never
/// reuses the UIDs of another).
std::string config_fingerprint(const SynthConfig& config);

}  // namespace vigil::synthetic
