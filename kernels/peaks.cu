// CUDA side of peak finding: one thread per voxel tests its neighbourhood; peaks are appended with
// an atomic counter (order arbitrary), copied back and ranked on the host like the CPU path.
#include "kernels/cuda_check.h"
#include "kernels/device_buffer.h"
#include "kernels/grid3.cuh"
#include "kernels/peaks.h"

namespace vigil::kernels {
namespace {

__global__ void peak_kernel(const float* __restrict__ v, const std::uint8_t* __restrict__ scale,
                            const std::uint8_t* __restrict__ mask, Extent3 e, float threshold, int r,
                            Peak* __restrict__ out, unsigned* __restrict__ count, unsigned capacity) {
  long i, j;
  if (!thread_ij(e.nx, e.ny, i, j)) return;
  const long nx = long(e.nx), ny = long(e.ny), nz = long(e.nz);
  for (long k = blockIdx.z; k < nz; k += gridDim.z) {
    const long p = i + nx * (j + ny * k);
    const float value = v[p];
    if (!(value > threshold) || (mask && !mask[p])) continue;
    bool is_peak = true;
    for (long c = max(0L, k - r); c <= min(nz - 1, k + r) && is_peak; ++c)
      for (long b = max(0L, j - r); b <= min(ny - 1, j + r) && is_peak; ++b)
        for (long a = max(0L, i - r); a <= min(nx - 1, i + r); ++a) {
          const long q = a + nx * (b + ny * c);
          if (q != p && (v[q] > value || (v[q] == value && q < p))) {
            is_peak = false;
            break;
          }
        }
    if (!is_peak) continue;
    const unsigned slot = atomicAdd(count, 1u);
    if (slot < capacity) {
      Peak pk;
      pk.i = std::uint32_t(i);
      pk.j = std::uint32_t(j);
      pk.k = std::uint32_t(k);
      pk.value = value;
      pk.scale = scale ? scale[p] : 0;
      out[slot] = pk;
    }
  }
}

}  // namespace

std::vector<Peak> find_peaks_cuda(const float* v, const std::uint8_t* scale, const std::uint8_t* mask, Extent3 e,
                                  const PeakOptions& o, Stream stream) {
  if (e.count() == 0) return {};
  const cudaStream_t s = static_cast<cudaStream_t>(stream);
  // Room for many more raw peaks than kept; if it overflows, count again with the exact size.
  unsigned capacity = static_cast<unsigned>(std::min<std::size_t>(e.count(), std::max<std::size_t>(1 << 16, 64 * o.max_peaks)));
  for (int attempt = 0; attempt < 2; ++attempt) {
    DeviceBuffer<Peak> d_out(capacity);
    DeviceBuffer<unsigned> d_count(1);
    VIGIL_CUDA_CHECK(cudaMemsetAsync(d_count.get(), 0, sizeof(unsigned), s));
    const Launch3 l = launch_3d(e);
    peak_kernel<<<l.grid, l.block, 0, s>>>(v, scale, mask, e, o.threshold, std::max(1, o.radius), d_out.get(),
                                           d_count.get(), capacity);
    VIGIL_CUDA_CHECK(cudaGetLastError());
    unsigned found = 0;
    VIGIL_CUDA_CHECK(cudaMemcpyAsync(&found, d_count.get(), sizeof found, cudaMemcpyDeviceToHost, s));
    VIGIL_CUDA_CHECK(cudaStreamSynchronize(s));
    if (found <= capacity) {
      std::vector<Peak> peaks(found);
      if (found)
        VIGIL_CUDA_CHECK(cudaMemcpy(peaks.data(), d_out.get(), found * sizeof(Peak), cudaMemcpyDeviceToHost));
      rank_peaks(peaks, e, o.max_peaks);
      return peaks;
    }
    capacity = found;
  }
  return {};
}

}  // namespace vigil::kernels
