#pragma once
// The audit trail's table, shared by everything that writes to the node database (associations
// from the receiver, reviews from the worklist): who did what, when.

namespace vigil::node {

inline constexpr const char* kAuditTableSql = R"SQL(
CREATE TABLE IF NOT EXISTS audit(
  id INTEGER PRIMARY KEY, at REAL, event TEXT, calling_ae TEXT, called_ae TEXT, peer TEXT,
  count INTEGER, detail TEXT);
)SQL";

}  // namespace vigil::node
