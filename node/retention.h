#pragma once
// Retention of the received originals: a routing node is a cache in front of the PACS, not an
// archive. The instances of a study that has been done for longer than the retention time are
// deleted from disk and from the database (results, worklist entries and the audit trail stay).
// Only studies in state done qualify: nothing still to process or deliver, nothing dead-lettered.

#include "node/node_store.h"

namespace vigil::node {

/// One pass: removes the originals of up to `max_studies` studies done more than `retain_s`
/// seconds before `now`. Returns the number of instances removed. Crash-safe: files go before
/// their rows, so an interrupted pass leaves rows without files, which the next pass removes.
int purge_expired_originals(NodeStore& store, double retain_s, double now, int max_studies = 20);

}  // namespace vigil::node
