#include <algorithm>
#include <numeric>
#include <utility>

#include "core/error.h"
#include "core/parallel.h"
#include "kernels/components.h"

namespace vigil::kernels {
namespace {

std::uint32_t find(std::vector<std::uint32_t>& parent, std::uint32_t x) {
  while (parent[x] != x) {
    parent[x] = parent[parent[x]];  // path halving
    x = parent[x];
  }
  return x;
}

// A horizontal run of foreground voxels [i0, i1] in row (j, k).
struct Run {
  std::uint32_t i0, i1, j, k;
};

}  // namespace

// Run-based labelling: runs of each row are found in parallel, then merged with the runs of the
// four earlier rows a 26-neighbour can lie in ((j-1, k) and (j-1..j+1, k-1)); union-find works on
// runs, far fewer than voxels. Labels follow the first voxel of each component in raster order
// because runs are visited in raster order.
Components connected_components_cpu(const std::uint8_t* mask, Extent3 e) {
  if (e.count() >= kNoLabel) throw Error(ErrorCode::kInvalidArgument, "components: volume too large for 32-bit labels");
  Components out;
  out.labels.assign(e.count(), 0);
  const std::size_t rows = e.ny * e.nz;
  // Runs per slice, found in parallel; then concatenated with each row's first run remembered.
  std::vector<std::vector<Run>> slice_runs(e.nz);
  parallel_for(e.nz, [&](std::size_t k) {
    auto& runs = slice_runs[k];
    for (std::size_t j = 0; j < e.ny; ++j) {
      const std::uint8_t* row = mask + (j + e.ny * k) * e.nx;
      for (std::size_t i = 0; i < e.nx;) {
        if (!row[i]) { ++i; continue; }
        const std::size_t start = i;
        while (i < e.nx && row[i]) ++i;
        runs.push_back({std::uint32_t(start), std::uint32_t(i - 1), std::uint32_t(j), std::uint32_t(k)});
      }
    }
  });
  std::vector<Run> runs;
  std::vector<std::size_t> row_start(rows + 1, 0);  // runs of row r are [row_start[r], row_start[r + 1])
  for (const auto& slice : slice_runs) {
    for (const Run& r : slice) ++row_start[r.j + e.ny * r.k + 1];
    runs.insert(runs.end(), slice.begin(), slice.end());
  }
  slice_runs.clear();
  for (std::size_t r = 0; r < rows; ++r) row_start[r + 1] += row_start[r];

  std::vector<std::uint32_t> parent(runs.size());
  std::iota(parent.begin(), parent.end(), 0u);
  auto unite = [&](std::uint32_t a, std::uint32_t b) {
    a = find(parent, a), b = find(parent, b);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
  };
  for (std::size_t n = 0; n < runs.size(); ++n) {
    const Run& run = runs[n];
    const long j = long(run.j), k = long(run.k);
    const std::pair<long, long> earlier[4] = {{j - 1, k}, {j - 1, k - 1}, {j, k - 1}, {j + 1, k - 1}};
    for (const auto& [jj, kk] : earlier) {
      if (jj < 0 || kk < 0 || jj >= long(e.ny)) continue;
      const std::size_t row = std::size_t(jj) + e.ny * std::size_t(kk);
      for (std::size_t m = row_start[row]; m < row_start[row + 1]; ++m) {
        const Run& other = runs[m];
        if (other.i0 > run.i1 + 1) break;  // runs are sorted along the row
        if (other.i1 + 1 >= run.i0) unite(std::uint32_t(n), std::uint32_t(m));  // touch diagonally or overlap
      }
    }
  }
  // Number components by their first run, measure them from the runs, then paint labels per slice.
  std::vector<std::uint32_t> label_of_root(runs.size(), 0), run_label(runs.size());
  for (std::size_t n = 0; n < runs.size(); ++n) {
    const Run& run = runs[n];
    std::uint32_t& label = label_of_root[find(parent, std::uint32_t(n))];
    if (label == 0) {
      label = std::uint32_t(out.components.size() + 1);
      Component c;
      c.label = label;
      c.bbox_min = {run.i0, run.j, run.k};
      c.bbox_max = {run.i1, run.j, run.k};
      out.components.push_back(c);
    }
    run_label[n] = label;
    Component& c = out.components[label - 1];
    const double length = double(run.i1 - run.i0 + 1);
    c.voxels += std::size_t(length);
    c.centroid[0] += length * (double(run.i0) + double(run.i1)) / 2.0;
    c.centroid[1] += length * run.j;
    c.centroid[2] += length * run.k;
    c.bbox_min = {std::min(c.bbox_min[0], run.i0), std::min(c.bbox_min[1], run.j), std::min(c.bbox_min[2], run.k)};
    c.bbox_max = {std::max(c.bbox_max[0], run.i1), std::max(c.bbox_max[1], run.j), std::max(c.bbox_max[2], run.k)};
  }
  for (auto& c : out.components)
    for (double& x : c.centroid) x /= double(c.voxels);
  parallel_for(e.nz, [&](std::size_t k) {
    for (std::size_t n = row_start[e.ny * k]; n < row_start[e.ny * (k + 1)]; ++n) {
      const Run& run = runs[n];
      std::uint32_t* row = out.labels.data() + (run.j + e.ny * run.k) * e.nx;
      std::fill(row + run.i0, row + run.i1 + 1, run_label[n]);
    }
  });
  return out;
}

}  // namespace vigil::kernels
