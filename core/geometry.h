#pragma once
// Where a voxel grid sits in the patient: DICOM's patient coordinate system (LPS, mm).

#include <array>
#include <cstddef>
#include <optional>

namespace vigil {

using Vec3 = std::array<double, 3>;

/// A regular voxel grid in patient coordinates (DICOM LPS, millimetres).
/// direction is a 3x3 matrix stored row-major whose *columns* are the unit vectors of the
/// i (column index), j (row index) and k (slice) axes — the same layout as ITK's and
/// SimpleITK's GetDirection(). physical = origin + direction * (index * spacing).
struct Geometry {
  std::array<std::size_t, 3> size{0, 0, 0};  ///< voxels along i, j, k
  Vec3 spacing_mm{1.0, 1.0, 1.0};
  Vec3 origin_mm{0.0, 0.0, 0.0};             ///< centre of voxel (0,0,0)
  std::array<double, 9> direction{1, 0, 0, 0, 1, 0, 0, 0, 1};

  std::size_t voxel_count() const { return size[0] * size[1] * size[2]; }
  /// Unit vector of axis a (0=i, 1=j, 2=k) in LPS.
  Vec3 axis(int a) const { return {direction[a], direction[3 + a], direction[6 + a]}; }
  /// Patient position (mm) of a continuous voxel index.
  Vec3 index_to_physical(const Vec3& index) const;
  /// Continuous voxel index of a patient position (mm); direction must be orthonormal.
  Vec3 physical_to_index(const Vec3& point_mm) const;
  /// Patient position (mm) of the voxel at linear index `voxel` (i fastest, then j, then k).
  Vec3 voxel_to_physical(std::size_t voxel) const;
  /// Linear index of the voxel whose centre is nearest `point_mm`; nullopt outside the grid.
  std::optional<std::size_t> nearest_voxel(const Vec3& point_mm) const;
};

double dot(const Vec3& a, const Vec3& b);
Vec3 cross(const Vec3& a, const Vec3& b);
double norm(const Vec3& a);
Vec3 sub(const Vec3& a, const Vec3& b);
Vec3 add(const Vec3& a, const Vec3& b);
Vec3 scale(const Vec3& a, double s);
/// a / |a|; a zero vector stays zero.
Vec3 normalized(const Vec3& a);

}  // namespace vigil
