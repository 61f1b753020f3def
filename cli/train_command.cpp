#include "cli/train_command.h"

#include <cstdio>
#include <iostream>

#include "cli/exit_codes.h"
#include "core/error.h"
#ifdef VIGIL_HAVE_MODEL_MANIFEST
#include "models/package/model_manifest.h"
#endif

namespace vigil::cli {

int run_train(TrainArgs a) {
  auto& c = a.config;
  c.max_seconds = 60.0 * a.max_minutes;
  for (int i = 0; i < 3; ++i) c.spacing_mm[i] = a.spacing_mm.at(i), c.patch_zyx[i] = a.patch_zyx.at(i);
  std::cerr << "vigil train " << c.model << ": " << c.steps << " steps of " << c.batch << " patches "
            << c.patch_zyx[0] << "x" << c.patch_zyx[1] << "x" << c.patch_zyx[2] << ", seed " << c.seed << "\n";
  const models::TrainResult result = models::train_model(c, [](const models::TrainProgress& p) {
    std::fprintf(stderr, "step %d/%d  loss %.4f  lr %.2e  %.0f s (%s)\n", p.step, p.steps, p.loss, p.learning_rate,
                 p.seconds, p.device.c_str());
  });
  std::fprintf(stderr, "trained %lld parameters in %.0f s on %s; final loss %.4f; weights %s\n",
               static_cast<long long>(result.parameters), result.seconds, result.device.c_str(), result.final_loss,
               result.weights_path.c_str());
#ifdef VIGIL_HAVE_MODEL_MANIFEST
  models::ModelManifest m;
  const bool segmenter = c.model == "segmenter";
  m.name = segmenter ? "vigil-lung-lesion-segmenter" : "vigil-lung-candidate-classifier";
  m.version = a.model_version;
  m.kind = c.model;
  m.format = segmenter ? "vigil-unet3d" : "vigil-classifier3d";
  m.weights = "weights.pt";
  m.sha256 = models::sha256_of_file(result.weights_path);
  m.input_spacing_mm = c.spacing_mm;
  m.intensity_window_hu = c.window_hu;
  m.patch_size_zyx = c.patch_zyx;
  m.outputs = segmenter ? std::vector<std::string>{"background", "lesion"} : std::vector<std::string>{"lesion_logit"};
  m.architecture = {c.base_channels, c.levels};
  m.training_data = "Vigil synthetic chest CT generated on the fly (seed " + std::to_string(c.seed) + ", " +
                    std::to_string(c.matrix) + " matrix, " + std::to_string(c.slices_min) + "-" +
                    std::to_string(c.slices_max) + " slices, 1-6 lesions per study), " + std::to_string(result.steps_done) +
                    " steps of " + std::to_string(c.batch) + " on " + result.device +
                    (c.init_weights.empty() ? "" : " from " + c.init_weights) + "; final loss " +
                    std::to_string(result.final_loss) + (a.config_file.empty() ? "" : "; config " + a.config_file);
  m.intended_use = "Research use only, not for diagnosis: trained and tested on synthetic phantoms only.";
  models::write_manifest(m, c.out);
  std::cerr << "model folder " << c.out << " (manifest.json pins weights.pt, sha256 " << m.sha256 << ")\n";
#else
  std::cerr << "this build has no manifest support (nlohmann-json/OpenSSL): " << c.out
            << " holds weights.pt without manifest.json\n";
#endif
  return kExitOk;
}

}  // namespace vigil::cli
