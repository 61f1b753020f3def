#pragma once

#include <cstdint>
#include <string>

#include "models/synthetic/synth_config.h"

namespace vigil::cli {

struct SynthArgs {
  std::string out;
  int studies = 1;
  std::uint64_t seed = 1;
  int first_index = 0;
  std::string config_file;    ///< JSON with SynthConfig keys (docs/synthetic-data.md)
  std::string variant;        ///< overrides the config's variant when set
  std::string transfer_syntax = "explicit";
  int matrix = 0;             ///< overrides the config when > 0
  std::string slices;         ///< "MIN:MAX" override
  unsigned threads = 0;
  std::string insert_into;    ///< a folder with a CT series: insert lesions into it instead of a phantom
};

/// Loads a synth config from JSON; unknown keys and bad values are errors (kInvalidArgument).
synthetic::SynthConfig load_synth_config(const std::string& path);

/// Runs `vigil synth`; returns the exit status.
int run_synth(const SynthArgs& args);

}  // namespace vigil::cli
