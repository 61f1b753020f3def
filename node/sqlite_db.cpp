#include "node/sqlite_db.h"

#include "core/error.h"

namespace vigil::node {

namespace {
constexpr std::size_t kMaxIdleStatements = 64;  // the node runs a few dozen distinct statements
}

Statement::Statement(Database& db, const std::string& sql) : db_(db), sql_(sql), stmt_(db.acquire(sql)) {}

Statement::~Statement() { db_.release(sql_, stmt_); }

Statement& Statement::bind(int index, const SqlValue& value) {
  int rc = SQLITE_OK;
  if (std::holds_alternative<std::nullptr_t>(value)) rc = sqlite3_bind_null(stmt_, index);
  if (auto* i = std::get_if<std::int64_t>(&value)) rc = sqlite3_bind_int64(stmt_, index, *i);
  if (auto* d = std::get_if<double>(&value)) rc = sqlite3_bind_double(stmt_, index, *d);
  if (auto* s = std::get_if<std::string>(&value)) rc = sqlite3_bind_text(stmt_, index, s->c_str(), -1, SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) throw Error(ErrorCode::kIo, "SQLite bind: " + std::string(sqlite3_errmsg(db_.handle())));
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw Error(ErrorCode::kIo, "SQLite: " + std::string(sqlite3_errmsg(db_.handle())));
}

std::int64_t Statement::integer(int column) const { return sqlite3_column_int64(stmt_, column); }
double Statement::real(int column) const { return sqlite3_column_double(stmt_, column); }
bool Statement::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
std::string Statement::text(int column) const {
  const unsigned char* t = sqlite3_column_text(stmt_, column);
  return t ? reinterpret_cast<const char*>(t) : "";
}

Database::Database(const std::string& path) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw Error(ErrorCode::kIo, path + ": cannot open the node database: " + why);
  }
  sqlite3_busy_timeout(db_, 10000);
  // WAL: readers (vigil status, /metrics) never block the writer; synchronous=FULL: a committed
  // row survives power loss (the queue's and the outbox's promises). Transactions whose rows can
  // be rebuilt from disk may ask for Commit::kUnflushed.
  exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
}

Database::~Database() {
  for (auto& [sql, stmt] : idle_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

sqlite3_stmt* Database::acquire(const std::string& sql) {
  {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    if (const auto it = idle_.find(sql); it != idle_.end()) {
      sqlite3_stmt* stmt = it->second;
      idle_.erase(it);
      return stmt;
    }
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
    sqlite3_finalize(stmt);
    throw Error(ErrorCode::kIo, "SQLite: " + std::string(sqlite3_errmsg(db_)) + " in: " + sql);
  }
  return stmt;
}

void Database::release(const std::string& sql, sqlite3_stmt* stmt) {
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    if (idle_.size() < kMaxIdleStatements) {
      idle_.emplace(sql, stmt);
      return;
    }
  }
  sqlite3_finalize(stmt);
}

void Database::exec(const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string why = message ? message : "unknown error";
    sqlite3_free(message);
    throw Error(ErrorCode::kIo, "SQLite: " + why);
  }
}

int Database::run(const std::string& sql, const std::vector<SqlValue>& params) {
  Statement s(*this, sql);
  for (std::size_t i = 0; i < params.size(); ++i) s.bind(static_cast<int>(i + 1), params[i]);
  while (s.step()) {
  }
  return sqlite3_changes(db_);
}

Transaction::Transaction(Database& db, Commit mode) : db_(db), lock_(db.mutex()), mode_(mode) {
  // synchronous is the connection's setting: lowered for this transaction only, under the mutex.
  if (mode_ == Commit::kUnflushed) db_.run("PRAGMA synchronous=NORMAL");
  try {
    db_.run("BEGIN IMMEDIATE");
  } catch (...) {
    if (mode_ == Commit::kUnflushed) sqlite3_exec(db_.handle(), "PRAGMA synchronous=FULL", nullptr, nullptr, nullptr);
    throw;
  }
}

Transaction::~Transaction() {
  if (!done_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  if (mode_ == Commit::kUnflushed) {
    try {
      db_.run("PRAGMA synchronous=FULL");
    } catch (const std::exception&) {  // a destructor does not throw; the next statement reports
    }
  }
}

void Transaction::commit() {
  db_.run("COMMIT");
  done_ = true;
}

}  // namespace vigil::node
