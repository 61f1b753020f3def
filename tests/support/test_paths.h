#pragma once
// Where tests find shared real data and the built binary; set by tests/CMakeLists.txt.

#include <filesystem>
#include <string>

#include "core/volume.h"

namespace vigil::test {

/// ../shared/data/real beside the checkout (read only; never copied into the project).
inline std::string real_data_dir() { return VIGIL_REAL_DATA_DIR; }
inline std::string real_data(const std::string& sub) { return real_data_dir() + "/" + sub; }
inline std::string vigil_binary() { return VIGIL_BINARY; }

/// The real LIDC-IDRI-0314 chest CT (96 slices) read through Vigil's reader.
Volume read_real_chest_ct();

/// A fresh, empty temporary folder removed when the object goes out of scope.
class TempDir {
 public:
  explicit TempDir(const std::string& tag);
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace vigil::test
