#pragma once
// A worker: leases complete studies from the queue, runs the pipeline on the stored instances and
// hands the results (and the originals, when forwarding) to the outbox. Heartbeats keep the lease.

#include <atomic>
#include <string>

#include "node/node_config.h"
#include "node/node_store.h"
#include "node/worklist_store.h"

namespace vigil::node {

class StudyWorker {
 public:
  /// `worklist` may be null (no worklist kept).
  StudyWorker(NodeStore& store, const NodeConfig& config, std::string name, WorklistStore* worklist = nullptr);
  /// Processes jobs until `stop` is set; finishes the current one first.
  void run(const std::atomic<bool>& stop);
  /// One job if one is due; returns false when the queue had nothing.
  bool process_one();

 private:
  ProcessedStudy process(const Job& job);
  NodeStore& store_;
  const NodeConfig& config_;
  std::string name_;
  WorklistStore* worklist_;
};

}  // namespace vigil::node
