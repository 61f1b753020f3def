#include "cli/models_option.h"

#include <sys/stat.h>

#include <iostream>

#include "models/lesion_models.h"  // torch-free: the interface only
#ifdef VIGIL_HAVE_TORCH_PLUGIN
#include "cli/torch_plugin.h"
#include "models/background_models.h"
#endif

namespace vigil::cli {

void add_models_options(CLI::App& cmd, ModelsArgs& a) {
  cmd.add_option("--models", a.folder, "Folder with classifier/ and segmenter/ model folders (default: the shipped weights, " +
                                           std::string(VIGIL_DEFAULT_MODELS_DIR) + ")");
  cmd.add_flag("--no-models", a.none, "Classical detector only: blob response as probability, region growing for masks");
  cmd.add_flag("--models-on-cpu", a.cpu, "Run the networks on the CPU even when a CUDA device is present");
  cmd.add_flag("--segmenter-candidates", a.segmenter_candidates,
               "Experimental: also take candidates from the segmenter run over the whole lung (finds some lesions "
               "the blob filter ranks too low, but lowered the test-set CPM: models/weights/README.md; ~0.1 s a "
               "window on a CPU, about 200-600 windows a chest)");
}

std::shared_ptr<const models::LesionModels> load_lesion_models(const ModelsArgs& a) {
  if (a.none) return nullptr;
#ifdef VIGIL_HAVE_TORCH_PLUGIN
  const std::string folder = a.folder.empty() ? VIGIL_DEFAULT_MODELS_DIR : a.folder;
  struct stat st {};
  if (a.folder.empty() && ::stat((folder + "/classifier/manifest.json").c_str(), &st) != 0) {
    std::cerr << "vigil: no trained weights in " << folder << ": using the classical detector\n";
    return nullptr;
  }
  // The plugin, LibTorch and the networks load on the background thread.
  return models::load_in_background(folder, [folder, use_cuda = !a.cpu] {
    return torch_plugin().load_lesion_models(folder, use_cuda);
  });
#else
  if (!a.folder.empty()) std::cerr << "vigil: this build has no LibTorch: --models ignored, classical detector\n";
  return nullptr;
#endif
}

void wait_until_loaded(const models::LesionModels* models) {
  if (models) models->wait_until_loaded();
}

}  // namespace vigil::cli
