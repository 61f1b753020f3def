#pragma once
// Kernel 3b: multi-scale, scale-normalised blob response for nodule candidates: response = max
// over scales s of sigma_s^2 * measure(Hessian of G_sigma_s * image). With the Laplacian measure
// (-trace) a bright ball of radius r answers most strongly at sigma = r / sqrt(3), with a value
// independent of r. The measure itself is in blob_measure.h, shared by CPU and CUDA code.

#include <cstdint>
#include <vector>

#include "kernels/device.h"
#include "kernels/extent.h"

namespace vigil::kernels {

/// What a scale contributes: the Laplacian (answers to blobs and, less, to tubes) or the Hessian
/// "dot" measure of Li et al. 2003, |lambda_min|^2 / |lambda_max| when all three eigenvalues are
/// negative (a bright blob) and 0 otherwise, so vessels (one eigenvalue near 0) fade out.
enum class BlobMeasure { kLaplacian, kHessianDot };

struct BlobScales {
  std::vector<float> sigma_mm;           ///< at most 255 scales
  std::array<float, 3> spacing_mm{1, 1, 1};
  BlobMeasure measure = BlobMeasure::kLaplacian;
};

/// Sigmas (mm) for balls of radius r_min..r_max mm: r / sqrt(3), `count` values spaced geometrically.
std::vector<float> blob_sigmas_for_radii(float r_min_mm, float r_max_mm, int count);

/// CPU reference. `scale_index` (may be nullptr) receives the index of the winning scale. `needed`
/// (may be nullptr): where it is 0 the measure is skipped and response and scale are 0 (a caller
/// that reads only some voxels, such as the candidate search's peaks, saves the rest).
void log_blob_response_cpu(const float* in, float* response, std::uint8_t* scale_index, Extent3 extent,
                           const BlobScales& scales, const std::uint8_t* needed = nullptr);

/// CUDA on device pointers; `scratch` holds 2 * extent.count() floats. Asynchronous on `stream`.
void log_blob_response_cuda(const float* in, float* response, std::uint8_t* scale_index, float* scratch,
                            Extent3 extent, const BlobScales& scales, Stream stream);

/// Host arrays on the chosen backend. `needed` as for the CPU reference; CUDA computes every voxel
/// (the same values where `needed` is set).
void log_blob_response(const float* in, float* response, std::uint8_t* scale_index, Extent3 extent,
                       const BlobScales& scales, Backend backend = default_backend(),
                       const std::uint8_t* needed = nullptr);

}  // namespace vigil::kernels
