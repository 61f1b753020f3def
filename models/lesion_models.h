#pragma once
// The trained networks as the pipeline uses them, behind a torch-free interface: the candidate
// classifier scores patches around candidate centres, the segmenter outlines the lesion around a
// centre. Both cut their inputs with detection::sample_patch at their manifest's spacing, window
// and size, in batches. Safe to share between threads (inference is serialised inside).
//
// Two implementations: Vigil's LibTorch one (load_torch_lesion_models, links LibTorch), and
// models/background_models.h's, which checks a folder at once and loads the LibTorch one on a
// thread of its own (`vigil` reaches LibTorch only through a plugin it loads there: cli/torch_plugin.h).
#include <memory>
#include <string>
#include <vector>

#include "core/volume.h"
#include "models/package/model_manifest.h"

namespace vigil::models {

/// A lesion mask on a grid of its own (the segmenter's window, in the analysed volume's axes).
struct LesionMask {
  Geometry grid;
  std::vector<std::uint8_t> mask;  ///< 1 = lesion, i fastest; empty when the segmenter saw none
};

class LesionModels {
 public:
  virtual ~LesionModels() = default;

  /// Lesion probability of a patch around each centre (patient mm in `ct`), shifted so that 0.5 is
  /// the classifier's operating point (ModelManifest::operating_threshold).
  virtual std::vector<double> classify(const Volume& ct, const std::vector<Vec3>& centres_mm) const = 0;
  /// The lesion under each centre: the segmenter's mask thresholded at its operating point,
  /// reduced to the connected component nearest the centre (within `reach_mm`).
  virtual std::vector<LesionMask> segment(const Volume& ct, const std::vector<Vec3>& centres_mm,
                                          double reach_mm = 4.0) const = 0;
  /// The segmenter's mask of the window around each centre, thresholded at its operating point,
  /// with every component kept: candidates that the blob filter may miss (pipeline/segmenter_candidates.h).
  virtual std::vector<LesionMask> segment_windows(const Volume& ct, const std::vector<Vec3>& centres_mm) const = 0;

  /// Waits until the networks are ready (nothing to wait for once they are). Throws the load's
  /// vigil::Error, e.g. weights that do not fit the manifest's architecture; classify, segment
  /// and device throw it too.
  virtual void wait_until_loaded() const {}

  virtual const ModelManifest& classifier() const = 0;
  virtual const ModelManifest& segmenter() const = 0;
  virtual std::string device() const = 0;  ///< "cuda" or "cpu"
};

/// Loads FOLDER/classifier and FOLDER/segmenter (model folders, hashes checked) onto CUDA when
/// `use_cuda` and a device is present, else the CPU; on CUDA one batch of zeros runs through each
/// network, so that the first study does not pay for cuDNN's set-up. Throws vigil::Error naming
/// the folder. Defined in the LibTorch part (vigil::lesion_models).
std::unique_ptr<LesionModels> load_torch_lesion_models(const std::string& folder, bool use_cuda);

}  // namespace vigil::models
