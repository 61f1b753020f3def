#pragma once
// The StoreHandler of the node: makes each received instance durable (fsync + rename into the
// study's folder + a database row) before the C-STORE response, detects duplicates, and writes
// every association to the audit trail.

#include <atomic>
#include <mutex>
#include <string>

#include "dicom/store_scp.h"
#include "node/folder_flusher.h"
#include "node/node_config.h"
#include "node/node_store.h"

namespace vigil::node {

class Receiver : public dicom::StoreHandler {
 public:
  Receiver(NodeStore& store, const NodeConfig& config);
  std::uint16_t on_instance(const dicom::IncomingInstance& instance) override;
  void on_association(const dicom::AssociationSummary& summary) override;

 private:
  /// True while the storage has less free space than config_.min_free_mb (checked at most once a
  /// second; a change is logged once).
  bool storage_low();

  NodeStore& store_;
  const NodeConfig& config_;
  FolderFlusher folders_;  // associations filling one study folder share its fsyncs
  std::mutex space_mutex_;
  double space_checked_at_ = -1;
  std::atomic<bool> space_low_{false};
};

/// fsync of a file or folder; throws vigil::Error(kIo).
void fsync_path(const std::string& path);

}  // namespace vigil::node
