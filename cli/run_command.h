#pragma once

#include <string>

#include "cli/models_option.h"
#include "dicom/slice_geometry.h"

namespace vigil::cli {

struct RunArgs {
  std::string path;
  std::string out;
  std::string pacs;          ///< AET@HOST:PORT, empty = do not send
  std::string calling_ae = "VIGIL";
  std::string tls_certificate, tls_private_key, tls_ca;
  bool tls = false;
  int attempts = 3;
  unsigned timeout_s = 30;
  bool json = false;
  std::string worklist;      ///< folder whose node.db keeps the worklist; empty = none
  unsigned threads = 0;
  dicom::GeometryPolicy policy;
  ModelsArgs models;
};

/// Runs `vigil run`; returns the exit status (0 only when every study succeeded).
int run_batch(const RunArgs& args);

}  // namespace vigil::cli
