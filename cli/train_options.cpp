// `vigil train`'s options (CLI11 only: the binary parses them; run_train, in train_command.cpp,
// links LibTorch).
#include "cli/train_command.h"

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
  cmd->add_option("--hard-lesion-extra", c.hard_lesion_extra,
                  "Classifier: extra jittered positives of each lesion <= 6 mm beside a vessel or the pleura")
      ->capture_default_str()
      ->check(CLI::Range(0, 64));
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

}  // namespace vigil::cli
