// CUDA side of connected components: label equivalence (Komura 2015): each foreground voxel starts
// as its own label, scans its 26 neighbours for a smaller root and merges with atomicMin, then
// labels are flattened to their roots; repeated until nothing changes.
#include "kernels/components.h"
#include "kernels/cuda_check.h"
#include "kernels/device_buffer.h"

namespace vigil::kernels {
namespace {

__device__ std::uint32_t root_of(const std::uint32_t* L, std::uint32_t x) {
  while (L[x] != x) x = L[x];
  return x;
}

__global__ void init_kernel(const std::uint8_t* __restrict__ mask, std::uint32_t* __restrict__ L, std::size_t n) {
  const std::size_t v = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (v < n) L[v] = mask[v] ? std::uint32_t(v) : kNoLabel;
}

__global__ void merge_kernel(const std::uint8_t* __restrict__ mask, std::uint32_t* L, Extent3 e, int* changed) {
  const std::size_t v = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (v >= e.count() || !mask[v]) return;
  const long nx = long(e.nx), ny = long(e.ny), nz = long(e.nz);
  const long i = long(v % e.nx), j = long((v / e.nx) % e.ny), k = long(v / (e.nx * e.ny));
  std::uint32_t mine = root_of(L, std::uint32_t(v));
  for (long dk = -1; dk <= 1; ++dk)
    for (long dj = -1; dj <= 1; ++dj)
      for (long di = -1; di <= 1; ++di) {
        const long a = i + di, b = j + dj, c = k + dk;
        if ((di | dj | dk) == 0 || a < 0 || b < 0 || c < 0 || a >= nx || b >= ny || c >= nz) continue;
        const long q = a + nx * (b + ny * c);
        if (!mask[q]) continue;
        const std::uint32_t other = root_of(L, std::uint32_t(q));
        if (other < mine) {
          atomicMin(&L[mine], other);
          mine = other;
          *changed = 1;
        } else if (mine < other) {
          atomicMin(&L[other], mine);
          *changed = 1;
        }
      }
}

__global__ void flatten_kernel(std::uint32_t* L, std::size_t n) {
  const std::size_t v = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (v < n && L[v] != kNoLabel) L[v] = root_of(L, std::uint32_t(v));
}

}  // namespace

Components connected_components_cuda(const std::uint8_t* mask, Extent3 e, Stream stream) {
  if (e.count() == 0) return {};
  const cudaStream_t s = static_cast<cudaStream_t>(stream);
  DeviceBuffer<std::uint32_t> L(e.count());
  DeviceBuffer<int> changed(1);
  constexpr unsigned kThreads = 256;
  const unsigned blocks = blocks_for(e.count(), kThreads);
  init_kernel<<<blocks, kThreads, 0, s>>>(mask, L.get(), e.count());
  VIGIL_CUDA_CHECK(cudaGetLastError());
  for (int iteration = 0;; ++iteration) {
    int flag = 0;
    VIGIL_CUDA_CHECK(cudaMemsetAsync(changed.get(), 0, sizeof(int), s));
    merge_kernel<<<blocks, kThreads, 0, s>>>(mask, L.get(), e, changed.get());
    VIGIL_CUDA_CHECK(cudaGetLastError());
    flatten_kernel<<<blocks, kThreads, 0, s>>>(L.get(), e.count());
    VIGIL_CUDA_CHECK(cudaGetLastError());
    VIGIL_CUDA_CHECK(cudaMemcpyAsync(&flag, changed.get(), sizeof(int), cudaMemcpyDeviceToHost, s));
    VIGIL_CUDA_CHECK(cudaStreamSynchronize(s));
    if (!flag) break;
  }
  std::vector<std::uint32_t> rep(e.count());
  L.download(rep.data());
  return finish_components(rep, e);
}

}  // namespace vigil::kernels
