#include "cli/torch_plugin.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>

#include "core/error.h"

namespace vigil::cli {

std::string torch_plugin_path() {
  if (const char* path = std::getenv("VIGIL_TORCH_PLUGIN"); path && *path) return path;
  std::string exe(4096, '\0');
  const ssize_t n = ::readlink("/proc/self/exe", exe.data(), exe.size());
  exe.resize(n > 0 ? std::size_t(n) : 0);
  const std::string bin = exe.substr(0, exe.rfind('/') == std::string::npos ? 0 : exe.rfind('/'));
  return bin + "/../lib/vigil/libvigil_torch.so";
}

const TorchPlugin& torch_plugin() {
  // A failed attempt throws out of the initialiser, so the next call tries again.
  static const TorchPlugin& plugin = [] () -> const TorchPlugin& {
    const std::string path = torch_plugin_path();
    // RTLD_NODELETE: the plugin's objects (networks, LibTorch's registry) live until exit.
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (!handle)
      throw Error(ErrorCode::kInternal, "the LibTorch part of vigil (" + path + ") cannot be loaded: " + ::dlerror());
    using Entry = const TorchPlugin* (*)(int);
    const auto entry = reinterpret_cast<Entry>(::dlsym(handle, "vigil_torch_plugin"));
    const TorchPlugin* table = entry ? entry(kTorchPluginAbi) : nullptr;
    if (!table) throw Error(ErrorCode::kInternal, path + " is not the LibTorch part of this build of vigil");
    return *table;
  }();
  return plugin;
}

}  // namespace vigil::cli
