#pragma once
// `vigil train`: trains the segmenter or the candidate classifier in C++ on synthetic studies
// generated on the fly by worker threads (no DICOM round trip), with augmentation, AdamW and a
// cosine schedule after a linear warm-up, checkpoints and resume. Seeded: the studies, the patches
// and the batches depend on the seed and the step only, never on the thread count or on a resume.
// No torch header here: the CLI includes it.
#include <array>
#include <cstdint>
#include <functional>
#include <string>

namespace vigil::models {

struct TrainConfig {
  std::string model = "classifier";   ///< "segmenter" or "classifier"
  std::string out;                    ///< folder: weights.pt, checkpoint/, training_log.csv
  std::uint64_t seed = 1;             ///< synthetic study set and every random choice
  int steps = 1000;
  int batch = 16;
  double learning_rate = 1e-3;
  double weight_decay = 1e-4;
  int warmup_steps = 50;
  int checkpoint_every = 100;
  bool resume = false;                ///< continue from OUT/checkpoint when there is one
  std::string init_weights;           ///< start from these weights (a weights.pt of the same network), not at random
  double max_seconds = 0;             ///< > 0: stop (and save) after this long even if steps remain
  std::string device = "auto";        ///< "auto" (CUDA when present), "cpu" or "cuda"
  int threads = 0;                    ///< LibTorch intra-op threads (0 = all cores)
  // Data
  int workers = 1;                    ///< threads generating studies
  int samples_per_study = 48;         ///< patches cut from each study
  int pool_studies = 6;               ///< batches mix the patches of this many consecutive studies
  int steps_per_study = 2;            ///< a new study enters the pool every this many steps
  /// Classifier: this many more jittered positives of every lesion of at most 6 mm beside a vessel
  /// or the pleura (the lesions the shipped classifier scores lowest, even at their centres).
  int hard_lesion_extra = 0;
  int matrix = 512;                   ///< synthetic studies: rows = columns
  int slices_min = 60, slices_max = 120;
  // Network and its input
  int base_channels = 16;
  int levels = 4;
  std::array<double, 3> spacing_mm{1.0, 1.0, 1.0};
  std::array<int, 3> patch_zyx{32, 32, 32};
  std::array<float, 2> window_hu{-1000.0f, 400.0f};
};

struct TrainProgress {
  int step = 0;           ///< steps done
  int steps = 0;
  double loss = 0;        ///< mean over the steps since the last report
  double learning_rate = 0;
  double seconds = 0;     ///< since this run started
  std::string device;
};

struct TrainResult {
  std::string weights_path;  ///< OUT/weights.pt
  int steps_done = 0;        ///< less than the config's steps when max_seconds stopped it
  double final_loss = 0;     ///< mean over the last 10% of steps (or the last 50 when stopped early)
  double seconds = 0;
  std::string device;
  std::int64_t parameters = 0;
};

/// Trains; `report` is called every `report_every` steps and at the end. Throws vigil::Error
/// (kInvalidArgument) for a bad config, (kIo) when OUT cannot be written.
TrainResult train_model(const TrainConfig& config, const std::function<void(const TrainProgress&)>& report,
                        int report_every = 10);

}  // namespace vigil::models
