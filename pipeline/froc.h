#pragma once
// Detection scored the way LUNA16 scores it: a mark hits a lesion when its centre lies within the
// lesion's radius; marks on a lesion already hit are ignored (neither true nor false positive);
// the FROC curve is sensitivity against false positives per study as the threshold falls, and the
// CPM is the mean sensitivity at 1/8, 1/4, 1/2, 1, 2, 4 and 8 false positives per study.

#include <array>
#include <cstddef>
#include <vector>

#include "core/geometry.h"

namespace vigil::pipeline {

struct TruthLesion {
  Vec3 center_mm{0, 0, 0};
  double diameter_mm = 0;
  bool counted = true;  ///< false: hits on it are ignored, and it is not in the sensitivity (a subset's FROC)
};

struct Mark {
  Vec3 center_mm{0, 0, 0};
  double probability = 0;
};

/// Index of the lesion `mark` hits (the nearest whose radius contains it), or -1.
int hit_lesion(const Mark& mark, const std::vector<TruthLesion>& lesions);

struct FrocPoint {
  double threshold = 0;      ///< marks at or above it are kept
  double fp_per_study = 0;
  double sensitivity = 0;
};

struct Froc {
  std::vector<FrocPoint> curve;          ///< thresholds falling, one point per distinct probability
  static constexpr std::array<double, 7> kRates{0.125, 0.25, 0.5, 1, 2, 4, 8};
  std::array<double, 7> sensitivity_at{};  ///< best sensitivity with at most kRates[i] FPs per study
  double cpm = 0;
  std::size_t lesions = 0;               ///< counted lesions
  std::size_t studies = 0;
};

/// `marks[s]` and `lesions[s]` are study s's. Studies without lesions add false positives only.
Froc compute_froc(const std::vector<std::vector<Mark>>& marks, const std::vector<std::vector<TruthLesion>>& lesions);

}  // namespace vigil::pipeline
