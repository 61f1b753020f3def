#pragma once

#include <string>
#include <vector>

#include "cli/models_option.h"
#include "node/node_config.h"

namespace vigil::cli {

struct ServeArgs {
  node::NodeConfig config;
  std::vector<std::string> result_destinations, forward_destinations, peers;  ///< AET@HOST:PORT
  std::vector<std::string> routes;  ///< node/routing.h syntax
  std::string late_policy = "ignore";
  ModelsArgs models;
};

/// Runs `vigil serve` until SIGTERM/SIGINT; returns the exit status.
int run_serve(ServeArgs& args);

struct StatusArgs {
  std::string storage = "vigil-node";
  bool json = false;
};

/// `vigil status`: the node's queue (from its database).
int run_status(const StatusArgs& args);

struct WorklistArgs {
  std::string storage = "vigil-node";
  bool json = false;
  node::PriorityWeights weights;
};

/// `vigil worklist`: the ranked worklist.
int run_worklist(const WorklistArgs& args);

}  // namespace vigil::cli
