#pragma once
// A thin RAII wrapper over SQLite's C API: open (WAL, busy timeout), statements with bound
// parameters, transactions. Throws vigil::Error(kIo) with SQLite's message on failure.

#include <sqlite3.h>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace vigil::node {

using SqlValue = std::variant<std::nullptr_t, std::int64_t, double, std::string>;

class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql);
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
  sqlite3* db_;
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
  sqlite3* db_ = nullptr;
  std::mutex mutex_;  // one connection shared by the node's threads
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
