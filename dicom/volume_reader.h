#pragma once
// Builds a volume in patient space from one series: sorts slices along the normal (never by file
// name or Instance Number), checks the geometry, decodes slices on all cores, rescales to HU.

#include <string>
#include <vector>

#include "core/volume.h"
#include "dicom/catalog.h"
#include "dicom/slice_geometry.h"

namespace vigil::dicom {

/// One 2-D image of a series: a single-frame instance or one frame of a multi-frame one.
struct FrameRef {
  const InstanceHeader* instance = nullptr;
  std::uint32_t frame = 0;
};

/// The images of a series that form its volume, and the plan to assemble them (headers only).
struct SeriesLayout {
  std::vector<FrameRef> frames;  ///< indexed like the plan's inputs
  SlicePlan plan;                ///< includes findings about excluded localizers
};

struct ReadOptions {
  GeometryPolicy policy;
  unsigned threads = 0;  ///< decoding threads; 0 = all cores
};

struct VolumeReadResult {
  Volume volume;
  std::vector<GeometryFinding> findings;  ///< every check that fired, with what was done
};

/// Selects the images of a series and plans the volume, without decoding pixels.
/// Localizer images are excluded with a finding; a series of only localizers is refused.
SeriesLayout analyze_series(const Series& series, const GeometryPolicy& policy = {});

/// Reads the series into a volume. Throws vigil::Error(kGeometry) with the refusing findings
/// when the plan refuses, or the decoding errors of PixelDecoder, always naming the series
/// (UID hashed) and the file.
VolumeReadResult read_volume(const Series& series, const ReadOptions& options = {});

}  // namespace vigil::dicom
