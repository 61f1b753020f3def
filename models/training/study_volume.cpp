#include "models/training/study_volume.h"

#include <cmath>

#include "core/error.h"

namespace vigil::models {

Geometry study_geometry(const synthetic::SyntheticStudy& s) {
  const auto& st = s.stack;
  if (st.slices() < 2) throw Error(ErrorCode::kInvalidArgument, "training data: the study needs two slices or more");
  const Vec3 step = sub(st.positions[1], st.positions[0]);
  const double dz = norm(step);
  for (std::size_t k = 1; k < st.slices(); ++k)
    if (std::abs(norm(sub(st.positions[k], st.positions[k - 1])) - dz) > 1e-3)
      throw Error(ErrorCode::kInvalidArgument, "training data: slices are not evenly spaced");
  if (std::abs(st.row[0] - 1) > 1e-6 || std::abs(st.col[1] - 1) > 1e-6 || std::abs(step[2] - dz) > 1e-6)
    throw Error(ErrorCode::kInvalidArgument, "training data: only axial stacks in +z order are supported");
  Geometry g;
  g.size = {st.columns, st.rows, st.slices()};
  g.spacing_mm = {st.spacing_row_mm, st.spacing_col_mm, dz};
  g.origin_mm = st.positions[0];
  return g;
}

Volume study_volume(const synthetic::SyntheticStudy& study) { return {study_geometry(study), study.hu}; }

}  // namespace vigil::models
