#include "tests/support/test_paths.h"

#include <unistd.h>

#include <atomic>

#include "dicom/catalog.h"
#include "dicom/volume_reader.h"

namespace vigil::test {

Volume read_real_chest_ct() {
  const auto catalog = dicom::scan_catalog(real_data("lidc0314-chest-ct-nodule"));
  return dicom::read_volume(catalog.studies.at(0).series.at(0)).volume;
}

TempDir::TempDir(const std::string& tag) {
  static std::atomic<int> counter{0};
  const auto base = std::filesystem::temp_directory_path() /
                    ("vigil-test-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(base);
  std::filesystem::create_directories(base);
  path_ = base.string();
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace vigil::test
