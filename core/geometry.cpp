#include "core/geometry.h"

#include <cmath>

namespace vigil {

double dot(const Vec3& a, const Vec3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }

Vec3 cross(const Vec3& a, const Vec3& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}

double norm(const Vec3& a) { return std::sqrt(dot(a, a)); }

Vec3 sub(const Vec3& a, const Vec3& b) { return {a[0] - b[0], a[1] - b[1], a[2] - b[2]}; }

Vec3 add(const Vec3& a, const Vec3& b) { return {a[0] + b[0], a[1] + b[1], a[2] + b[2]}; }

Vec3 scale(const Vec3& a, double s) { return {a[0] * s, a[1] * s, a[2] * s}; }

Vec3 normalized(const Vec3& a) {
  const double n = norm(a);
  return n > 0 ? scale(a, 1.0 / n) : a;
}

Vec3 Geometry::index_to_physical(const Vec3& index) const {
  Vec3 p = origin_mm;
  for (int a = 0; a < 3; ++a) {
    const Vec3 ax = axis(a);
    const double d = index[a] * spacing_mm[a];
    for (int r = 0; r < 3; ++r) p[r] += ax[r] * d;
  }
  return p;
}

Vec3 Geometry::physical_to_index(const Vec3& point_mm) const {
  const Vec3 d = sub(point_mm, origin_mm);
  // Orthonormal direction: the inverse is the transpose.
  return {dot(axis(0), d) / spacing_mm[0], dot(axis(1), d) / spacing_mm[1], dot(axis(2), d) / spacing_mm[2]};
}

Vec3 Geometry::voxel_to_physical(std::size_t voxel) const {
  return index_to_physical({double(voxel % size[0]), double(voxel / size[0] % size[1]), double(voxel / (size[0] * size[1]))});
}

std::optional<std::size_t> Geometry::nearest_voxel(const Vec3& point_mm) const {
  const Vec3 p = physical_to_index(point_mm);
  long q[3];
  for (int a = 0; a < 3; ++a) {
    q[a] = std::lround(p[a]);
    if (q[a] < 0 || q[a] >= long(size[a])) return std::nullopt;
  }
  return std::size_t(q[0]) + size[0] * (std::size_t(q[1]) + size[1] * std::size_t(q[2]));
}

}  // namespace vigil
