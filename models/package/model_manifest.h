#pragma once
// A model is a folder: the weights (a TorchScript file, Vigil's own or exported elsewhere, e.g. by
// MONAI) and manifest.json, which describes what the network expects and produces and pins the
// weights by SHA-256. No torch header here: the pipeline and the CLI read manifests too.
#include <array>
#include <string>
#include <vector>

namespace vigil::models {

struct ModelManifest {
  std::string folder;                 ///< where manifest.json was read from
  std::string name;                   ///< e.g. "vigil-lung-nodule-segmenter"
  std::string version;                ///< e.g. "0.1.0"
  std::string kind;                   ///< "segmenter" or "classifier"
  /// "torchscript" (any TorchScript module, e.g. exported by MONAI), or Vigil's own C++ networks
  /// saved with torch::save: "vigil-unet3d" (models/unet3d.h) or "vigil-classifier3d"
  /// (models/classifier3d.h), rebuilt from `architecture` before the weights are read.
  std::string format;
  std::string weights;                ///< file name inside the folder
  std::string sha256;                 ///< 64 lowercase hex digits of the weights file
  std::array<double, 3> input_spacing_mm{1, 1, 1};  ///< x, y, z spacing the network was trained at
  std::array<float, 2> intensity_window_hu{-1000, 400};  ///< HU mapped onto [0, 1] before the network
  std::array<int, 3> patch_size_zyx{64, 64, 64};    ///< window (segmenter) or patch (classifier)
  std::vector<std::string> outputs;   ///< one name per output channel
  struct Architecture {
    int base_channels = 16;
    int levels = 4;
  } architecture;                     ///< Vigil's own formats only
  /// Classifiers: the raw probability at which a candidate becomes a finding, chosen with
  /// `vigil eval` on validation studies; Vigil reports sigmoid(logit(p) - logit(threshold)), so
  /// 0.5 is this operating point. Segmenters: the lesion probability at or above which a voxel
  /// is lesion (calibrates the mask's edge). Optional (default 0.5).
  double operating_threshold = 0.5;
  /// Test-time augmentation, part of the operating point (the threshold is chosen with it):
  /// "none", or "in-plane-flips": the network's outputs (logits) averaged over the input and its
  /// x, y and x+y mirror images. Optional (default "none").
  std::string test_time_augmentation = "none";
  std::string training_data;          ///< what it was trained on, in words
  std::string intended_use;           ///< e.g. "research use only, not for diagnosis"
};

/// Reads and checks FOLDER/manifest.json. Throws vigil::Error naming the file and the field:
/// kNotFound without the file, kInvalidArgument for malformed JSON, a missing or mistyped field,
/// an unknown kind or format, or a hash that is not 64 hex digits.
ModelManifest read_manifest(const std::string& folder);

/// Writes FOLDER/manifest.json for `manifest` (its `folder` is not written). Throws vigil::Error(kIo).
void write_manifest(const ModelManifest& manifest, const std::string& folder);

/// SHA-256 of a file's bytes as 64 lowercase hex digits; throws vigil::Error(kIo) when unreadable.
std::string sha256_of_file(const std::string& path);

/// Refuses weights whose hash is not the manifest's: throws vigil::Error(kInvalidArgument) naming
/// the model, the file and both hashes. Returns the weights file's path.
std::string verified_weights_path(const ModelManifest& manifest);

/// The lesion models' pair (FOLDER/classifier and FOLDER/segmenter): a classifier and a segmenter
/// with two outputs (background, lesion), else vigil::Error(kInvalidArgument) naming FOLDER.
void check_lesion_model_pair(const std::string& folder, const ModelManifest& classifier, const ModelManifest& segmenter);

}  // namespace vigil::models
