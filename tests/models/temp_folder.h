#pragma once
// A temporary folder for tests that link LibTorch, with POSIX calls only: the torch wheel's
// libtorch exports its own std::filesystem symbols, and remove_all resolved to them crashes
// (seen on the GPU machine's build; models/README.md).
#include <dirent.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>

namespace vigil::models::test {

/// A fresh folder under /tmp, removed with everything in it when the object goes.
class TempFolder {
 public:
  TempFolder() {
    char name[] = "/tmp/vigil-models-XXXXXX";
    if (!::mkdtemp(name)) throw std::runtime_error("mkdtemp failed");
    path = name;
  }
  ~TempFolder() {
    ::nftw(path.c_str(), [](const char* p, const struct stat*, int, FTW*) { return std::remove(p); }, 16,
           FTW_DEPTH | FTW_PHYS);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  operator const std::string&() const { return path; }

  std::string path;
};

/// Copies the regular files of `from` and of its sub-folders into `to` (which exists).
inline void copy_tree(const std::string& from, const std::string& to) {
  DIR* dir = ::opendir(from.c_str());
  if (!dir) throw std::runtime_error(from + ": cannot open");
  while (const dirent* entry = ::readdir(dir)) {
    const std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    struct stat st {};
    if (::stat((from + "/" + name).c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      ::mkdir((to + "/" + name).c_str(), 0700);
      copy_tree(from + "/" + name, to + "/" + name);
    } else if (S_ISREG(st.st_mode)) {
      std::ofstream(to + "/" + name, std::ios::binary) << std::ifstream(from + "/" + name, std::ios::binary).rdbuf();
    }
  }
  ::closedir(dir);
}

}  // namespace vigil::models::test
