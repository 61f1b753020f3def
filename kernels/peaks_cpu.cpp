#include <algorithm>
#include <mutex>

#include "core/parallel.h"
#include "kernels/peaks.h"

namespace vigil::kernels {

void rank_peaks(std::vector<Peak>& peaks, Extent3 e, std::size_t max_peaks) {
  auto index = [&](const Peak& p) { return std::size_t(p.i) + e.nx * (std::size_t(p.j) + e.ny * p.k); };
  std::sort(peaks.begin(), peaks.end(), [&](const Peak& a, const Peak& b) {
    return a.value != b.value ? a.value > b.value : index(a) < index(b);
  });
  if (peaks.size() > max_peaks) peaks.resize(max_peaks);
}

std::vector<Peak> find_peaks_cpu(const float* v, const std::uint8_t* scale, const std::uint8_t* mask, Extent3 e,
                                 const PeakOptions& o) {
  std::vector<std::vector<Peak>> per_slice(e.nz);
  const long nx = long(e.nx), ny = long(e.ny), nz = long(e.nz), r = std::max(1, o.radius);
  parallel_for(e.nz, [&](std::size_t kk) {
    const long k = long(kk);
    for (long j = 0; j < ny; ++j)
      for (long i = 0; i < nx; ++i) {
        const long p = i + nx * (j + ny * k);
        const float value = v[p];
        if (!(value > o.threshold) || (mask && !mask[p])) continue;
        bool peak = true;
        for (long c = std::max(0L, k - r); peak && c <= std::min(nz - 1, k + r); ++c)
          for (long b = std::max(0L, j - r); peak && b <= std::min(ny - 1, j + r); ++b)
            for (long a = std::max(0L, i - r); a <= std::min(nx - 1, i + r); ++a) {
              const long q = a + nx * (b + ny * c);
              if (q != p && (v[q] > value || (v[q] == value && q < p))) {
                peak = false;
                break;
              }
            }
        if (peak)
          per_slice[kk].push_back({std::uint32_t(i), std::uint32_t(j), std::uint32_t(k), value, scale ? scale[p] : std::uint8_t{0}});
      }
  });
  std::vector<Peak> all;
  for (auto& s : per_slice) all.insert(all.end(), s.begin(), s.end());
  rank_peaks(all, e, o.max_peaks);
  return all;
}

}  // namespace vigil::kernels
