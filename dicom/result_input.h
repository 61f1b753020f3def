#pragma once
// Everything the result writers (SR, SEG, key images) report on for one analysed series.

#include <string>

#include "core/finding.h"
#include "core/volume.h"
#include "dicom/source_series.h"

namespace vigil::dicom {

struct ResultInput {
  const SourceSeries* source = nullptr;
  const Volume* ct = nullptr;              ///< the analysed volume (HU); key images are drawn from it
  const LabelVolume* labels = nullptr;     ///< lesion masks in ct's geometry (label = Finding::number)
  std::vector<Finding> findings;
  AlgorithmInfo algorithm;
  /// 0 for the first result set of a series; n for the n-th re-run (late instances): new UIDs,
  /// and the SR names its predecessor (Predecessor Documents Sequence).
  int revision = 0;
};

/// Series numbers of Vigil's results, high so they sort after the scanner's series.
inline constexpr int kSrSeriesNumber = 9901;
inline constexpr int kSegSeriesNumber = 9902;
inline constexpr int kKeyImageSeriesNumber = 9903;
inline constexpr int kKosSeriesNumber = 9904;

}  // namespace vigil::dicom
