#pragma once
// LibTorch's process-wide settings, decided once: intra-op threads and the device models run on.
// No torch header here: other folders include this file.
//
// `vigil` links LibTorch's CPU library only. Its CUDA library (libtorch_cuda, with cuBLAS and
// cuDNN) costs about 235 MiB of resident memory the moment it is loaded, GPU or not; so it is
// loaded here, at run time, and only when the CUDA driver reports a device.

#include <string>

namespace vigil::models {

struct TorchRuntime {
  std::string version;        ///< LibTorch version, e.g. "2.11.0"
  bool cuda_available = false;
  int cuda_devices = 0;
  int threads = 0;            ///< intra-op threads now in force
  std::string cuda_note;      ///< why CUDA is not available ("no CUDA driver", ...); empty when it is
};

/// Sets LibTorch's intra-op thread count (0 = all cores; it defaults to one thread here) and
/// reports the runtime. With `want_cuda`, the first call loads LibTorch's CUDA backend when the
/// driver reports a device (nothing is loaded otherwise); a backend that cannot be loaded leaves
/// the networks on the CPU and says why in `cuda_note`.
TorchRuntime configure_torch(unsigned threads = 0, bool want_cuda = true);

/// Hands the heap pages that freed network buffers still hold back to the kernel (glibc's
/// malloc_trim). configure_torch keeps freed activations in the heap so that the next batch reuses
/// them; a caller calls this after its last batch of a study, so that a long-running node holds
/// the memory of one study's inference at most, whatever fragmentation the heap saw.
void release_network_buffers();

/// Loads libtorch_cuda from the folder the loaded libtorch_cpu came from (no device check: the
/// library loads without a GPU, it just finds none). Its initialisers register LibTorch's CUDA
/// kernels and hooks. Returns "" on success, else why not. configure_torch calls it when the
/// driver reports a device; it must run before anything asks LibTorch about CUDA.
std::string load_torch_cuda_library();

}  // namespace vigil::models
