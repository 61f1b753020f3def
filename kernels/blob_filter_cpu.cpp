#include <algorithm>
#include <cmath>
#include <vector>

#include "core/error.h"
#include "core/parallel.h"
#include "kernels/blob_filter.h"
#include "kernels/blob_measure.h"
#include "kernels/gaussian.h"

namespace vigil::kernels {

std::vector<float> blob_sigmas_for_radii(float r_min_mm, float r_max_mm, int count) {
  if (count < 1 || r_min_mm <= 0 || r_max_mm < r_min_mm)
    throw Error(ErrorCode::kInvalidArgument, "blob scales: need 0 < r_min <= r_max and count >= 1");
  std::vector<float> out;
  for (int s = 0; s < count; ++s) {
    const double f = count == 1 ? 0.0 : double(s) / (count - 1);
    out.push_back(static_cast<float>(r_min_mm * std::pow(r_max_mm / r_min_mm, f) / std::sqrt(3.0)));
  }
  return out;
}

void log_blob_response_cpu(const float* in, float* response, std::uint8_t* scale_index, Extent3 e,
                           const BlobScales& scales, const std::uint8_t* needed) {
  if (scales.sigma_mm.empty() || scales.sigma_mm.size() > 255)
    throw Error(ErrorCode::kInvalidArgument, "blob filter: need 1..255 scales");
  if (e.count() == 0) return;
  std::vector<float> blurred(e.count());
  const long nx = long(e.nx), ny = long(e.ny);
  const float ix = 1.0f / scales.spacing_mm[0], iy = 1.0f / scales.spacing_mm[1], iz = 1.0f / scales.spacing_mm[2];
  const bool dot = scales.measure == BlobMeasure::kHessianDot;
  for (std::size_t s = 0; s < scales.sigma_mm.size(); ++s) {
    const float sigma = scales.sigma_mm[s];
    gaussian_blur_cpu(in, blurred.data(), e,
                      {sigma / scales.spacing_mm[0], sigma / scales.spacing_mm[1], sigma / scales.spacing_mm[2]});
    parallel_for(e.nz, [&](std::size_t kk) {
      const long k = long(kk);
      for (long j = 0; j < ny; ++j)
        for (long i = 0; i < nx; ++i) {
          const std::size_t v = std::size_t(i + nx * (j + ny * k));
          if (needed && !needed[v]) {
            if (s == 0) {
              response[v] = 0.0f;
              if (scale_index) scale_index[v] = 0;
            }
            continue;
          }
          const float r = blob_measure_at(blurred.data(), e, i, j, k, ix, iy, iz, sigma * sigma, dot,
                                          s == 0 ? 0.0f : std::max(0.0f, response[v]));
          if (s == 0 || r > response[v]) {
            response[v] = r;
            if (scale_index) scale_index[v] = static_cast<std::uint8_t>(s);
          }
        }
    });
  }
}

}  // namespace vigil::kernels
