#pragma once
// The trained networks as the pipeline uses them, behind a torch-free header: the candidate
// classifier scores patches around candidate centres, the segmenter outlines the lesion around a
// centre. Both cut their inputs with detection::sample_patch at their manifest's spacing, window
// and size, in batches. Safe to share between threads (inference is serialised inside).
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
  /// Loads FOLDER/classifier and FOLDER/segmenter (model folders, hashes checked) onto CUDA when
  /// `use_cuda` and a device is present, else the CPU. Throws vigil::Error naming the folder.
  LesionModels(const std::string& folder, bool use_cuda);
  ~LesionModels();
  LesionModels(const LesionModels&) = delete;
  LesionModels& operator=(const LesionModels&) = delete;

  /// Lesion probability of a patch around each centre (patient mm in `ct`), shifted so that 0.5 is
  /// the classifier's operating point (ModelManifest::operating_threshold).
  std::vector<double> classify(const Volume& ct, const std::vector<Vec3>& centres_mm) const;
  /// The lesion under each centre: the segmenter's mask thresholded at 0.5, reduced to the
  /// connected component nearest the centre (within `reach_mm`).
  std::vector<LesionMask> segment(const Volume& ct, const std::vector<Vec3>& centres_mm, double reach_mm = 4.0) const;

  const ModelManifest& classifier() const;
  const ModelManifest& segmenter() const;
  std::string device() const;  ///< "cuda" or "cpu"

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::models
