#include "cli/train_command.h"

#include <cstdio>
#include <iostream>

#include "cli/exit_codes.h"
#include "core/error.h"
#ifdef VIGIL_HAVE_MODEL_MANIFEST
#include "models/package/model_manifest.h"
#endif

namespace vigil::cli {

CLI::App* add_train_command(CLI::App& app, TrainArgs& a) {
  auto& c = a.config;
  CLI::App* cmd = app.add_subcommand("train", "Train the segmenter or the candidate classifier on synthetic studies "
                                              "(options also from --config FILE's [train] section; models/configs/)");
  cmd->add_option("model", c.model, "segmenter or classifier")->required()->check(CLI::IsMember({"segmenter", "classifier"}));
  cmd->add_option("--out", c.out, "Output folder: weights.pt, manifest.json, checkpoint/, training_log.csv")->required();
  cmd->add_option("--seed", c.seed, "Seed of the synthetic training studies and every random choice")->capture_default_str();
  cmd->add_option("--steps", c.steps, "Optimiser steps")->capture_default_str()->check(CLI::Range(1, 10000000));
  cmd->add_option("--batch", c.batch, "Patches per step")->capture_default_str()->check(CLI::Range(1, 4096));
  cmd->add_option("--learning-rate", c.learning_rate, "Peak AdamW learning rate")->capture_default_str();
  cmd->add_option("--weight-decay", c.weight_decay, "AdamW weight decay")->capture_default_str();
  cmd->add_option("--warmup-steps", c.warmup_steps, "Linear warm-up before the cosine decay")->capture_default_str();
  cmd->add_option("--checkpoint-every", c.checkpoint_every, "Steps between checkpoints")->capture_default_str();
  cmd->add_option("--init-weights", c.init_weights, "Start from this weights.pt (same network) instead of random weights")
      ->check(CLI::ExistingFile);
  cmd->add_flag("--resume", c.resume, "Continue from OUT/checkpoint when there is one");
  cmd->add_option("--max-minutes", a.max_minutes, "Stop and save after this long even if steps remain (0 = no limit)")
      ->capture_default_str();
  cmd->add_option("--device", c.device, "auto, cpu or cuda")->capture_default_str()->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  cmd->add_option("--threads", c.threads, "LibTorch threads (0 = all cores)")->capture_default_str();
  cmd->add_option("--workers", c.workers, "Threads generating studies")->capture_default_str()->check(CLI::Range(1, 64));
  cmd->add_option("--samples-per-study", c.samples_per_study, "Patches cut from each study")->capture_default_str();
  cmd->add_option("--pool-studies", c.pool_studies, "Consecutive studies mixed into batches")->capture_default_str();
  cmd->add_option("--steps-per-study", c.steps_per_study, "Steps before the next study enters the pool")->capture_default_str();
  cmd->add_option("--matrix", c.matrix, "Synthetic studies' rows = columns")->capture_default_str();
  cmd->add_option("--slices-min", c.slices_min, "Fewest slices per synthetic study")->capture_default_str();
  cmd->add_option("--slices-max", c.slices_max, "Most slices per synthetic study")->capture_default_str();
  cmd->add_option("--base-channels", c.base_channels, "Channels of the first level")->capture_default_str();
  cmd->add_option("--levels", c.levels, "Resolution levels")->capture_default_str()->check(CLI::Range(1, 7));
  cmd->add_option("--spacing-mm", a.spacing_mm, "Input spacing x y z")->expected(3)->capture_default_str();
  cmd->add_option("--patch", a.patch_zyx, "Patch size z y x")->expected(3)->capture_default_str();
  cmd->add_option("--model-version", a.model_version, "Version written into the manifest")->capture_default_str();
  return cmd;
}

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
