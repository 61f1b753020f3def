#pragma once
// /healthz and /metrics (Prometheus text format) on 127.0.0.1 only.

#include <functional>
#include <memory>
#include <string>

#include "node/node_store.h"

namespace httplib {
class Server;
}

namespace vigil::node {

/// The Prometheus text of the node's counters: instances received, studies per state, stage
/// durations (sum and count).
std::string metrics_text(NodeStore& store);

class HealthServer {
 public:
  HealthServer(NodeStore& store, int port);
  ~HealthServer();
  /// Serves until stop(); throws vigil::Error(kIo) when the port cannot be bound.
  void run();
  void stop();
  /// Lets another component (the worklist API) register its routes before run().
  void add_routes(const std::function<void(httplib::Server&)>& install);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::node
