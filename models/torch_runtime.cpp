#include "models/torch_runtime.h"

#include <dlfcn.h>
#include <link.h>
#include <malloc.h>
#include <torch/torch.h>

#include <mutex>
#include <string>

#include "core/parallel.h"

namespace vigil::models {
namespace {

// Why the CUDA driver (libcuda, no runtime library) offers no device; empty when it has one. A
// machine without a GPU or a driver loads nothing more.
std::string why_no_cuda_device() {
  void* driver = ::dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!driver) return "no CUDA driver";
  using Init = int (*)(unsigned);
  using DeviceCount = int (*)(int*);
  const auto init = reinterpret_cast<Init>(::dlsym(driver, "cuInit"));
  const auto device_count = reinterpret_cast<DeviceCount>(::dlsym(driver, "cuDeviceGetCount"));
  int count = 0;
  if (!init || !device_count || init(0) != 0 || device_count(&count) != 0 || count == 0) return "no CUDA device";
  return {};
}

// glibc's defaults hand every freed network activation (megabytes each) back to the kernel, so
// the next batch page-faults it in again: on 2 cores that was a third of a CPU sliding-window
// pass (docs/performance.md). Fixed thresholds keep blocks under 32 MiB in the heap for reuse
// and trim the heap only when 64 MiB lie free at its top. Volumes (hundreds of MiB) are still
// mapped and unmapped on their own; the peak of a whole CPU run rose by 3% (3.73x -> 3.85x the
// volume's floats), and release_network_buffers bounds what fragmentation can keep.
bool keep_freed_buffers_in_heap() {
#ifdef __GLIBC__
  ::mallopt(M_MMAP_THRESHOLD, 32 << 20);
  ::mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
  return true;
}

}  // namespace

void release_network_buffers() {
#ifdef __GLIBC__
  ::malloc_trim(0);
#endif
}

std::string load_torch_cuda_library() {
  std::string folder;  // of the loaded libtorch_cpu.so, from the loader's own list
  ::dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* data) {
        const std::string name = info->dlpi_name ? info->dlpi_name : "";
        const std::string suffix = "/libtorch_cpu.so";
        if (name.size() < suffix.size() || name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) return 0;
        *static_cast<std::string*>(data) = name.substr(0, name.size() - suffix.size() + 1);
        return 1;
      },
      &folder);
  if (folder.empty()) return "cannot locate LibTorch's libraries";
  if (!::dlopen((folder + "libtorch_cuda.so").c_str(), RTLD_NOW | RTLD_GLOBAL))
    return std::string("LibTorch's CUDA backend could not be loaded: ") + ::dlerror();
  return {};
}

TorchRuntime configure_torch(unsigned threads, bool want_cuda) {
  [[maybe_unused]] static const bool heap_tuned = keep_freed_buffers_in_heap();  // once per process
  static std::mutex mutex;
  static bool attempted = false;  // LibTorch is asked about CUDA only after the attempt
  static std::string cuda_note;
  {
    std::lock_guard lock(mutex);
    if (want_cuda && !attempted) {
      cuda_note = why_no_cuda_device();
      if (cuda_note.empty()) cuda_note = load_torch_cuda_library();
      attempted = true;
    }
  }
  at::set_num_threads(static_cast<int>(threads == 0 ? hardware_threads() : threads));
  TorchRuntime r;
  r.version = TORCH_VERSION;
  r.threads = at::get_num_threads();
  if (!attempted) {
    r.cuda_note = "CUDA not requested";
    return r;
  }
  r.cuda_available = torch::cuda::is_available();
  r.cuda_devices = static_cast<int>(torch::cuda::device_count());
  if (!r.cuda_available) r.cuda_note = cuda_note.empty() ? "LibTorch reports no CUDA device" : cuda_note;
  return r;
}

}  // namespace vigil::models
