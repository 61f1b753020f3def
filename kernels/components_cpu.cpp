#include <numeric>

#include "core/error.h"
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

}  // namespace

Components finish_components(const std::vector<std::uint32_t>& rep, Extent3 e) {
  Components out;
  out.labels.assign(e.count(), 0);
  // Representatives are voxel indices: a flat table numbers them (a hash map costs 3x more here).
  std::vector<std::uint32_t> number(e.count(), 0);
  std::uint32_t next = 0;
  for (std::size_t v = 0; v < e.count(); ++v) {
    if (rep[v] == kNoLabel) continue;
    std::uint32_t& label_of_rep = number.at(rep[v]);
    const bool added = label_of_rep == 0;
    if (added) label_of_rep = ++next;
    const std::uint32_t label = label_of_rep;
    out.labels[v] = label;
    const std::uint32_t i = std::uint32_t(v % e.nx), j = std::uint32_t((v / e.nx) % e.ny),
                        k = std::uint32_t(v / (e.nx * e.ny));
    if (added) {
      Component c;
      c.label = label;
      c.bbox_min = c.bbox_max = {i, j, k};
      out.components.push_back(c);
    }
    Component& c = out.components[label - 1];
    ++c.voxels;
    c.centroid[0] += i, c.centroid[1] += j, c.centroid[2] += k;
    const std::uint32_t p[3] = {i, j, k};
    for (int a = 0; a < 3; ++a) {
      c.bbox_min[a] = std::min(c.bbox_min[a], p[a]);
      c.bbox_max[a] = std::max(c.bbox_max[a], p[a]);
    }
  }
  for (auto& c : out.components)
    for (double& x : c.centroid) x /= double(c.voxels);
  return out;
}

Components connected_components_cpu(const std::uint8_t* mask, Extent3 e) {
  if (e.count() >= kNoLabel) throw Error(ErrorCode::kInvalidArgument, "components: volume too large for 32-bit labels");
  std::vector<std::uint32_t> parent(e.count());
  std::iota(parent.begin(), parent.end(), 0u);
  const long nx = long(e.nx), ny = long(e.ny), nz = long(e.nz);
  for (long k = 0; k < nz; ++k)
    for (long j = 0; j < ny; ++j)
      for (long i = 0; i < nx; ++i) {
        const long v = i + nx * (j + ny * k);
        if (!mask[v]) continue;
        // The 13 neighbours that come earlier in raster order.
        for (long dk = -1; dk <= 0; ++dk)
          for (long dj = -1; dj <= 1; ++dj)
            for (long di = -1; di <= 1; ++di) {
              if (dk == 0 && (dj > 0 || (dj == 0 && di >= 0))) continue;
              const long a = i + di, b = j + dj, c = k + dk;
              if (a < 0 || b < 0 || c < 0 || a >= nx || b >= ny) continue;
              const long q = a + nx * (b + ny * c);
              if (!mask[q]) continue;
              const std::uint32_t ra = find(parent, std::uint32_t(v)), rb = find(parent, std::uint32_t(q));
              if (ra != rb) parent[std::max(ra, rb)] = std::min(ra, rb);
            }
      }
  std::vector<std::uint32_t> rep(e.count(), kNoLabel);
  for (std::size_t v = 0; v < e.count(); ++v)
    if (mask[v]) rep[v] = find(parent, std::uint32_t(v));
  return finish_components(rep, e);
}

}  // namespace vigil::kernels
