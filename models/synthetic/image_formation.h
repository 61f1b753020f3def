#pragma once
// What the scanner adds to the true HU map: in-plane blur (point-spread function) and
// correlated, band-pass noise like filtered back-projection's (not white).

#include <cstddef>
#include <cstdint>

#include "models/synthetic/slice_stack.h"

namespace vigil::synthetic {

/// Separable Gaussian blur of every slice in-plane with the given FWHM (mm).
void apply_psf(float* hu, const SliceStack& stack, double fwhm_mm, unsigned threads = 0);

/// Adds noise of standard deviation `sigma_hu` whose in-plane power spectrum is band-pass (a
/// difference of Gaussians of white noise, grain `grain_mm`), as CT noise is. Seeded per slice:
/// deterministic for any thread count.
void add_ct_noise(float* hu, const SliceStack& stack, double sigma_hu, double grain_mm, std::uint64_t seed,
                  unsigned threads = 0);

}  // namespace vigil::synthetic
