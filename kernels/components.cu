// CUDA side of connected components: union-find on the GPU (Playne & Hawick 2018). Each foreground
// voxel starts as its own root; every voxel unites with its 13 earlier 26-neighbours by linking the
// larger root under the smaller (atomicMin), so a component's root ends up being its first voxel in
// raster order. Then paths are flattened, roots are numbered in raster order (their indices sorted
// on the host: there are few), and one thread per row paints labels and accumulates per-run
// statistics with a handful of atomics, far fewer than one per voxel.
#include <algorithm>

#include "kernels/components.h"
#include "kernels/cuda_check.h"
#include "kernels/device_buffer.h"
#include "kernels/grid3.cuh"

namespace vigil::kernels {
namespace {

struct DeviceStats {
  unsigned long long voxels, sum[3];
  std::uint32_t min[3], max[3];
};

// Root of x, with every node on the way pointed straight at it (path compression keeps the trees of
// one large component, such as a lung, shallow). Safe while others link: a parent is always a
// smaller index of the same component (links and rewrites both point to smaller members), only
// roots are relinked (atomicMin), and a node is rewritten only after it was seen not to be a root.
__device__ std::uint32_t find_root(std::uint32_t* L, std::uint32_t x) {
  std::uint32_t root = x;
  while (true) {
    const std::uint32_t parent = __ldcg(L + root);  // from L2: other blocks relink concurrently
    if (parent == root) break;
    root = parent;
  }
  while (x != root) {
    const std::uint32_t parent = __ldcg(L + x);
    if (parent == x) break;
    if (parent > root) __stcg(L + x, root);
    x = parent;
  }
  return root;
}

__device__ void unite(std::uint32_t* L, std::uint32_t a, std::uint32_t b) {
  while (true) {
    a = find_root(L, a);
    b = find_root(L, b);
    if (a == b) return;
    if (a < b) {
      const std::uint32_t t = a;
      a = b, b = t;
    }
    // Link root a under b; if a stopped being a root meanwhile, unite its new parent instead.
    const std::uint32_t old = atomicMin(&L[a], b);
    if (old == a) return;
    a = old;
  }
}

__global__ void init_kernel(const std::uint8_t* __restrict__ mask, std::uint32_t* __restrict__ L, Extent3 e) {
  long i, j;
  if (!thread_ij(e.nx, e.ny, i, j)) return;
  for (long k = blockIdx.z; k < long(e.nz); k += gridDim.z) {
    const long v = i + long(e.nx) * (j + long(e.ny) * k);
    L[v] = mask[v] ? std::uint32_t(v) : kNoLabel;
  }
}

__global__ void merge_kernel(const std::uint8_t* __restrict__ mask, std::uint32_t* L, Extent3 e) {
  long i, j;
  if (!thread_ij(e.nx, e.ny, i, j)) return;
  const long nx = long(e.nx), ny = long(e.ny);
  for (long k = blockIdx.z; k < long(e.nz); k += gridDim.z) {
    const long v = i + nx * (j + ny * k);
    if (!mask[v]) continue;
    // The 13 neighbours earlier in raster order.
    for (int dk = -1; dk <= 0; ++dk)
      for (int dj = -1; dj <= 1; ++dj)
        for (int di = -1; di <= 1; ++di) {
          if (dk == 0 && (dj > 0 || (dj == 0 && di >= 0))) continue;
          const long a = i + di, b = j + dj, c = k + dk;
          if (a < 0 || b < 0 || c < 0 || a >= nx || b >= ny) continue;
          const long q = a + nx * (b + ny * c);
          if (mask[q]) unite(L, std::uint32_t(v), std::uint32_t(q));
        }
  }
}

__global__ void flatten_kernel(std::uint32_t* L, Extent3 e, std::uint32_t* roots, unsigned* root_count) {
  long i, j;
  if (!thread_ij(e.nx, e.ny, i, j)) return;
  for (long k = blockIdx.z; k < long(e.nz); k += gridDim.z) {
    const long v = i + long(e.nx) * (j + long(e.ny) * k);
    if (L[v] == kNoLabel) continue;
    const std::uint32_t root = find_root(L, L[v]);
    L[v] = root;
    if (root == std::uint32_t(v)) roots[atomicAdd(root_count, 1u)] = root;
  }
}

__device__ std::uint32_t label_of(const std::uint32_t* sorted_roots, unsigned count, std::uint32_t root) {
  unsigned lo = 0, hi = count;  // roots are unique and sorted: binary search
  while (lo + 1 < hi) {
    const unsigned mid = (lo + hi) / 2;
    if (sorted_roots[mid] <= root) lo = mid; else hi = mid;
  }
  return lo + 1;
}

__device__ void flush_run(DeviceStats* stats, std::uint32_t label, long i0, long i1, long j, long k) {
  DeviceStats& s = stats[label - 1];
  const unsigned long long length = (unsigned long long)(i1 - i0 + 1);
  atomicAdd(&s.voxels, length);
  atomicAdd(&s.sum[0], length * (unsigned long long)(i0 + i1) / 2);  // i0 + i1 even when length is odd
  atomicAdd(&s.sum[1], length * (unsigned long long)j);
  atomicAdd(&s.sum[2], length * (unsigned long long)k);
  atomicMin(&s.min[0], std::uint32_t(i0)), atomicMax(&s.max[0], std::uint32_t(i1));
  atomicMin(&s.min[1], std::uint32_t(j)), atomicMax(&s.max[1], std::uint32_t(j));
  atomicMin(&s.min[2], std::uint32_t(k)), atomicMax(&s.max[2], std::uint32_t(k));
}

// One thread per row (j, k): replaces roots by labels and adds each run of one label to its stats.
__global__ void paint_kernel(std::uint32_t* L, Extent3 e, const std::uint32_t* sorted_roots, unsigned count,
                             DeviceStats* stats) {
  const long rows = long(e.ny * e.nz);
  for (long row = long(blockIdx.x) * blockDim.x + threadIdx.x; row < rows; row += long(blockDim.x) * gridDim.x) {
    const long j = row % long(e.ny), k = row / long(e.ny);
    std::uint32_t* line = L + row * long(e.nx);
    std::uint32_t run_root = kNoLabel, run_label = 0;
    long run_start = 0;
    for (long i = 0; i <= long(e.nx); ++i) {
      const std::uint32_t root = i < long(e.nx) ? line[i] : kNoLabel;
      if (root != run_root) {
        if (run_root != kNoLabel) flush_run(stats, run_label, run_start, i - 1, j, k);
        run_root = root, run_start = i;
        if (root != kNoLabel) run_label = label_of(sorted_roots, count, root);
      }
      if (i < long(e.nx)) line[i] = root == kNoLabel ? 0 : run_label;
    }
  }
}

}  // namespace

Components connected_components_cuda(const std::uint8_t* mask, Extent3 e, Stream stream) {
  if (e.count() == 0) return {};
  if (e.count() >= kNoLabel) throw Error(ErrorCode::kInvalidArgument, "components: volume too large for 32-bit labels");
  const cudaStream_t s = static_cast<cudaStream_t>(stream);
  DeviceBuffer<std::uint32_t> L(e.count());
  DeviceBuffer<unsigned> d_count(1);
  const Launch3 l = launch_3d(e);
  init_kernel<<<l.grid, l.block, 0, s>>>(mask, L.get(), e);
  VIGIL_CUDA_CHECK(cudaGetLastError());
  merge_kernel<<<l.grid, l.block, 0, s>>>(mask, L.get(), e);
  VIGIL_CUDA_CHECK(cudaGetLastError());
  // Roots: 26-connected components need a gap between them, so at most one per 2x2x2 cell.
  DeviceBuffer<std::uint32_t> roots(((e.nx + 1) / 2) * ((e.ny + 1) / 2) * ((e.nz + 1) / 2));
  VIGIL_CUDA_CHECK(cudaMemsetAsync(d_count.get(), 0, sizeof(unsigned), s));
  flatten_kernel<<<l.grid, l.block, 0, s>>>(L.get(), e, roots.get(), d_count.get());
  VIGIL_CUDA_CHECK(cudaGetLastError());
  unsigned count = 0;
  VIGIL_CUDA_CHECK(cudaMemcpyAsync(&count, d_count.get(), sizeof count, cudaMemcpyDeviceToHost, s));
  VIGIL_CUDA_CHECK(cudaStreamSynchronize(s));

  Components out;
  std::vector<std::uint32_t> sorted(count);
  if (count) VIGIL_CUDA_CHECK(cudaMemcpy(sorted.data(), roots.get(), count * sizeof(std::uint32_t), cudaMemcpyDeviceToHost));
  std::sort(sorted.begin(), sorted.end());
  std::vector<DeviceStats> stats(count);
  for (auto& st : stats) st = {0, {0, 0, 0}, {kNoLabel, kNoLabel, kNoLabel}, {0, 0, 0}};
  DeviceBuffer<DeviceStats> d_stats(count);
  if (count) {
    VIGIL_CUDA_CHECK(cudaMemcpy(roots.get(), sorted.data(), count * sizeof(std::uint32_t), cudaMemcpyHostToDevice));
    d_stats.upload(stats.data());
    const long rows = long(e.ny * e.nz);
    constexpr unsigned kThreads = 128;
    paint_kernel<<<unsigned(std::min<long>((rows + kThreads - 1) / kThreads, 65535)), kThreads, 0, s>>>(
        L.get(), e, roots.get(), count, d_stats.get());
    VIGIL_CUDA_CHECK(cudaGetLastError());
    VIGIL_CUDA_CHECK(cudaStreamSynchronize(s));
    d_stats.download(stats.data());
  }
  out.labels.resize(e.count());
  L.download(out.labels.data());
  for (std::uint32_t n = 0; n < count; ++n) {
    const DeviceStats& st = stats[n];
    Component c;
    c.label = n + 1;
    c.voxels = std::size_t(st.voxels);
    for (int a = 0; a < 3; ++a) {
      c.centroid[a] = double(st.sum[a]) / double(st.voxels);
      c.bbox_min[a] = st.min[a];
      c.bbox_max[a] = st.max[a];
    }
    out.components.push_back(c);
  }
  return out;
}

}  // namespace vigil::kernels
