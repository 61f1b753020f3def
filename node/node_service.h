#pragma once
// `vigil serve`: the receiver, the study tracker (stable age → queued, expired leases back), the
// workers, the outbox and the health endpoints, each on its own thread, over one NodeStore.

#include <atomic>

#include "node/node_config.h"

namespace vigil::node {

/// Runs the node until `stop` becomes true (SIGTERM/SIGINT in the CLI); then stops accepting
/// associations, lets running ones and the current jobs finish, and returns.
/// Throws vigil::Error when the storage, database or ports cannot be opened.
void serve(const NodeConfig& config, const std::atomic<bool>& stop);

}  // namespace vigil::node
