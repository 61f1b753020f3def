#pragma once
// /healthz and /metrics (Prometheus text format), on 127.0.0.1 unless told otherwise.

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
  /// HTTPS when `tls_certificate` and `tls_private_key` (PEM paths) are given, else HTTP.
  /// Throws vigil::Error(kInvalidArgument) when the certificate or key cannot be loaded.
  HealthServer(NodeStore& store, int port, const std::string& tls_certificate = "",
               const std::string& tls_private_key = "", std::string bind_address = "127.0.0.1");
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
