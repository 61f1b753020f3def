#pragma once
// The audit trail's table, shared by everything that writes to the node database (associations
// from the receiver, reviews from the worklist): who did what, when.

#include <cstdint>
#include <string>

#include "node/sqlite_db.h"

namespace vigil::node {

inline constexpr const char* kAuditTableSql = R"SQL(
CREATE TABLE IF NOT EXISTS audit(
  id INTEGER PRIMARY KEY, at REAL, event TEXT, calling_ae TEXT, called_ae TEXT, peer TEXT,
  count INTEGER, detail TEXT);
)SQL";

/// One audit row, written inside the caller's transaction.
inline void insert_audit_row(Database& db, double at, const std::string& event, const std::string& calling_ae,
                             const std::string& called_ae, const std::string& peer, std::int64_t count,
                             const std::string& detail) {
  db.run("INSERT INTO audit(at, event, calling_ae, called_ae, peer, count, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
         {at, event, calling_ae, called_ae, peer, count, detail});
}

}  // namespace vigil::node
