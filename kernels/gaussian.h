#pragma once
// Kernel 3a: separable 3-D Gaussian blur (FIR, truncated at 3 sigma, edges replicated).

#include <array>

#include "kernels/device.h"
#include "kernels/extent.h"

namespace vigil::kernels {

/// CPU reference: `out` = G(sigma_vox) * `in`; `out` may be `in` itself (the passes run in place
/// with per-thread line buffers, so no second volume is allocated). Multi-threaded.
void gaussian_blur_cpu(const float* in, float* out, Extent3 extent, std::array<float, 3> sigma_vox);

/// CUDA on device pointers; `scratch` holds extent.count() floats. Asynchronous on `stream`.
void gaussian_blur_cuda(const float* in, float* out, float* scratch, Extent3 extent, std::array<float, 3> sigma_vox,
                        Stream stream);

/// Host arrays on the chosen backend (CUDA: copies in, runs, copies back, synchronises).
void gaussian_blur(const float* in, float* out, Extent3 extent, std::array<float, 3> sigma_vox,
                   Backend backend = default_backend());

}  // namespace vigil::kernels
