#pragma once
// Lesion insertion into an existing CT volume (e.g. the real LIDC series): lesions are added to
// the lung parenchyma with the generator's partial-volume and point-spread model, keeping the
// scan's own noise and texture (additive contrast: new = old + coverage * (lesion HU - background)).

#include <cstdint>
#include <vector>

#include "core/volume.h"
#include "models/synthetic/lesions.h"
#include "models/synthetic/slice_stack.h"
#include "models/synthetic/synth_config.h"

namespace vigil::synthetic {

struct InsertionResult {
  std::vector<LesionTruth> lesions;
  std::vector<std::uint16_t> labels;  ///< lesion id per voxel of the volume
  double noise_sigma_hu = 0;          ///< estimated from the scan's parenchyma
  double lung_hu = 0;                 ///< median parenchyma HU
};

/// The slice stack of a regular volume (one plane per k).
SliceStack stack_of(const Geometry& geometry);

/// Inserts lesions (count, types and sizes from `config`) into `volume` in place. Placement: lung
/// parenchyma found from the image itself (air enclosed by tissue, HU -950..-600, clear of vessels).
/// Deterministic for (volume, config, seed, index). Throws vigil::Error(kInvalidArgument) when no
/// lung parenchyma is found.
InsertionResult insert_lesions(Volume& volume, const SynthConfig& config, std::uint64_t seed, int index,
                               unsigned threads = 0);

}  // namespace vigil::synthetic
