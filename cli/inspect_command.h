#pragma once

#include <string>

#include "dicom/slice_geometry.h"

namespace vigil::cli {

struct InspectArgs {
  std::string path;
  bool json = false;
  bool decode = false;  ///< also read every volume and report value ranges and timing
  unsigned threads = 0;
  dicom::GeometryPolicy policy;
};

/// Runs `vigil inspect`; returns the exit status.
int run_inspect(const InspectArgs& args);

}  // namespace vigil::cli
