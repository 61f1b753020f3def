#include "models/synthetic/nrrd_writer.h"

#include <cstdio>
#include <fstream>

#include "core/error.h"

namespace vigil::synthetic {

void write_label_nrrd(const std::string& path, const SliceStack& st, const std::vector<std::uint16_t>& labels) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw Error(ErrorCode::kIo, path + ": cannot create file");
  const Vec3 step = st.slices() > 1 ? sub(st.positions[1], st.positions[0]) : st.normal();
  char buffer[1024];
  std::snprintf(buffer, sizeof buffer,
                "NRRD0004\n# Vigil synthetic CT lesion labels (0 = background, n = lesion id)\n"
                "type: uint16\ndimension: 3\nspace: left-posterior-superior\nsizes: %zu %zu %zu\n"
                "space directions: (%.9g,%.9g,%.9g) (%.9g,%.9g,%.9g) (%.9g,%.9g,%.9g)\n"
                "kinds: domain domain domain\nendian: little\nencoding: raw\nspace origin: (%.9g,%.9g,%.9g)\n\n",
                st.columns, st.rows, st.slices(), st.row[0] * st.spacing_row_mm, st.row[1] * st.spacing_row_mm,
                st.row[2] * st.spacing_row_mm, st.col[0] * st.spacing_col_mm, st.col[1] * st.spacing_col_mm,
                st.col[2] * st.spacing_col_mm, step[0], step[1], step[2], st.positions[0][0], st.positions[0][1],
                st.positions[0][2]);
  out << buffer;
  out.write(reinterpret_cast<const char*>(labels.data()), static_cast<std::streamsize>(labels.size() * 2));
  if (!out) throw Error(ErrorCode::kIo, path + ": write failed");
}

}  // namespace vigil::synthetic
