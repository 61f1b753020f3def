#pragma once
// Shape of a contiguous volume as the kernels see it: index = i + nx * (j + ny * k).

#include <array>
#include <cstddef>

#ifdef __CUDACC__
#define VIGIL_HOST_DEVICE __host__ __device__
#else
#define VIGIL_HOST_DEVICE
#endif

namespace vigil::kernels {

struct Extent3 {
  std::size_t nx = 0, ny = 0, nz = 0;
  VIGIL_HOST_DEVICE std::size_t count() const { return nx * ny * nz; }
};

/// Taps of a 1-D kernel passed by value to device code (no device allocation per launch).
struct Taps {
  static constexpr int kMaxRadius = 64;
  int radius = 0;
  float w[2 * kMaxRadius + 1] = {};
};

/// Normalised Gaussian taps, truncated at ceil(3 sigma) (at most kMaxRadius); sigma <= 0 gives the
/// identity. Throws vigil::Error(kInvalidArgument) when sigma needs more taps than fit.
Taps gaussian_taps(float sigma_vox);

}  // namespace vigil::kernels
