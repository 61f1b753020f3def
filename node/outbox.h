#pragma once
// Delivers the outbox: C-STORE of every pending (file, destination) with retry and backoff, one
// row per instance marked delivered only after the destination said so. A destination that is
// down for minutes is retried until it returns (capped backoff); a crash resends only what was
// not yet recorded as delivered (the UIDs are stable, so a resend replaces, never duplicates).

#include <atomic>
#include <map>
#include <string>

#include "node/node_config.h"
#include "node/node_store.h"

namespace vigil::node {

class Outbox {
 public:
  Outbox(NodeStore& store, const NodeConfig& config);
  void run(const std::atomic<bool>& stop);
  /// Sends what is due now; returns the number of instances delivered.
  int deliver_due();

 private:
  NodeStore& store_;
  const NodeConfig& config_;
};

}  // namespace vigil::node
