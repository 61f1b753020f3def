#pragma once
// The StoreHandler of the node: makes each received instance durable (fsync + rename into the
// study's folder + a database row) before the C-STORE response, detects duplicates, and writes
// every association to the audit trail.

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
  NodeStore& store_;
  const NodeConfig& config_;
  FolderFlusher folders_;  // associations filling one study folder share its fsyncs
};

/// fsync of a file or folder; throws vigil::Error(kIo).
void fsync_path(const std::string& path);

}  // namespace vigil::node
