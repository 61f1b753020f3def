#pragma once
// A thin RAII wrapper over SQLite's C API: open (WAL, busy timeout), statements with bound
// parameters (prepared once per connection and reused: the receive path runs the same few
// statements for every instance), transactions. Throws vigil::Error(kIo) with SQLite's message.

#include <sqlite3.h>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

namespace vigil::node {

using SqlValue = std::variant<std::nullptr_t, std::int64_t, double, std::string>;

class Database;

/// A statement of `db`, taken from its cache of prepared statements (or prepared now) and handed
/// back, reset, when destroyed.
class Statement {
 public:
  Statement(Database& db, const std::string& sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, const SqlValue& value);
  /// Steps once; true while there is a row.
  bool step();
  std::int64_t integer(int column) const;
  double real(int column) const;
  std::string text(int column) const;
  bool is_null(int column) const;

 private:
  Database& db_;
  std::string sql_;
  sqlite3_stmt* stmt_ = nullptr;
};

class Database {
 public:
  explicit Database(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(const std::string& sql);
  /// Runs `sql` with `params`; returns the number of rows changed.
  int run(const std::string& sql, const std::vector<SqlValue>& params = {});
  sqlite3* handle() { return db_; }
  std::mutex& mutex() { return mutex_; }

 private:
  friend class Statement;
  /// A prepared statement for `sql` no other Statement is using: an idle cached one, or a new one.
  sqlite3_stmt* acquire(const std::string& sql);
  /// Back to the cache, reset and unbound (finalized when the cache is full).
  void release(const std::string& sql, sqlite3_stmt* stmt);

  sqlite3* db_ = nullptr;
  std::mutex mutex_;  // one connection shared by the node's threads
  std::mutex cache_mutex_;
  std::unordered_multimap<std::string, sqlite3_stmt*> idle_;  // prepared, not in use
};

/// How a transaction's COMMIT reaches the disk. kFlushed (the database's default, synchronous=FULL):
/// the commit is on disk when commit() returns, power loss included. kUnflushed (synchronous=NORMAL
/// for this transaction): durable against a crash of the process but not against power loss until
/// the next flushed commit or checkpoint; only for rows that can be rebuilt from files on disk.
enum class Commit { kFlushed, kUnflushed };

/// BEGIN IMMEDIATE ... COMMIT, rolled back when destroyed without commit(). Holds the mutex.
class Transaction {
 public:
  explicit Transaction(Database& db, Commit commit = Commit::kFlushed);
  ~Transaction();
  void commit();

 private:
  Database& db_;
  std::lock_guard<std::mutex> lock_;
  Commit mode_;
  bool done_ = false;
};

}  // namespace vigil::node
