#pragma once
// Synthetic study configurations shared by tests in different binaries (header only: the LibTorch
// tests link no test-support library).
#include "models/synthetic/synthetic_study.h"

namespace vigil::test {

/// A small chest: 256² at 1.2–1.5 mm, 70–90 slices, 3–6 lesions of 4–24 mm in every study (the
/// candidate-recall set of issue 5, seeds 100–109).
inline synthetic::SynthConfig small_chest_config() {
  synthetic::SynthConfig c;
  c.matrix = 256;
  c.pixel_spacing_mm = {1.2, 1.5};
  c.slice_thickness_mm = {1.5, 2.5};
  c.slices = {70, 90};
  c.p_no_lesion = 0;
  c.lesions_per_study = {3, 6};
  c.lesion_diameter_mm = {4, 24};
  return c;
}

}  // namespace vigil::test
