// The receive path's flush sharing and database use: FolderFlusher (concurrent callers share a
// folder's fsyncs, none returns before a flush that began after its call), Transaction's
// unflushed mode (synchronous lowered for that transaction only) and the statement cache (a
// reused statement starts reset and unbound). The node test sends real studies through all three.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/error.h"
#include "node/folder_flusher.h"
#include "node/node_store.h"
#include "node/sqlite_db.h"
#include "tests/support/test_paths.h"

namespace {

using vigil::node::Commit;
using vigil::node::Database;
using vigil::node::FolderFlusher;
using vigil::node::Transaction;

struct FlushLog {
  std::atomic<std::uint64_t> clock{0};
  std::mutex mutex;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> flushes;  // (start, end) stamps
  std::vector<std::string> folders;
};

TEST(FolderFlusher, ConcurrentCallersShareFlushesAndEachWaitsForOneThatBeganAfterIt) {
  FlushLog log;
  FolderFlusher flusher([&](const std::string& folder) {
    const std::uint64_t start = ++log.clock;
    std::this_thread::sleep_for(std::chrono::microseconds(300));  // a disk flush's order of time
    const std::uint64_t end = ++log.clock;
    std::lock_guard<std::mutex> lock(log.mutex);
    log.flushes.emplace_back(start, end);
    log.folders.push_back(folder);
  });
  constexpr int kThreads = 8, kCalls = 40;
  std::vector<std::vector<std::pair<std::uint64_t, std::uint64_t>>> calls(kThreads);  // (before, after)
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCalls; ++i) {
        const std::uint64_t before = ++log.clock;
        flusher.flush("study-folder");
        calls[t].emplace_back(before, ++log.clock);
      }
    });
  for (auto& t : threads) t.join();

  // Every call is covered: some flush started after the call began and ended before it returned.
  for (const auto& per_thread : calls)
    for (const auto& [before, after] : per_thread) {
      bool covered = false;
      for (const auto& [start, end] : log.flushes) covered |= start > before && end < after;
      ASSERT_TRUE(covered) << "call (" << before << ", " << after << ") returned without a flush after it began";
    }
  // And callers shared: fewer flushes than calls.
  EXPECT_LT(log.flushes.size(), static_cast<std::size_t>(kThreads * kCalls));
  EXPECT_GT(log.flushes.size(), 0u);
}

TEST(FolderFlusher, FoldersAreFlushedSeparately) {
  FlushLog log;
  FolderFlusher flusher([&](const std::string& folder) {
    std::lock_guard<std::mutex> lock(log.mutex);
    log.folders.push_back(folder);
  });
  flusher.flush("a");
  flusher.flush("b");
  flusher.flush("a");
  EXPECT_EQ(log.folders, (std::vector<std::string>{"a", "b", "a"}));  // a lone caller always flushes itself
}

TEST(FolderFlusher, AFailedFlushFailsItsCallersAndTheNextFlushCanSucceed) {
  std::atomic<bool> broken{true};
  FolderFlusher flusher([&](const std::string& folder) {
    if (broken && folder == "bad") throw vigil::Error(vigil::ErrorCode::kIo, folder + ": fsync failed");
  });
  EXPECT_THROW(flusher.flush("bad"), vigil::Error);
  EXPECT_NO_THROW(flusher.flush("good"));  // other folders are unaffected
  broken = false;
  EXPECT_NO_THROW(flusher.flush("bad"));  // a failure is not remembered for later callers
}

int synchronous_setting(Database& db) {
  std::lock_guard<std::mutex> lock(db.mutex());
  vigil::node::Statement s(db, "PRAGMA synchronous");
  return s.step() ? static_cast<int>(s.integer(0)) : -1;
}

TEST(Transaction, UnflushedLowersSynchronousForItselfOnly) {
  vigil::test::TempDir dir("transaction-commit");
  Database db(dir.file("node.db"));
  db.exec("CREATE TABLE t(x INTEGER)");
  EXPECT_EQ(synchronous_setting(db), 2);  // FULL: the database's default
  {
    Transaction t(db, Commit::kUnflushed);
    vigil::node::Statement s(db, "PRAGMA synchronous");
    ASSERT_TRUE(s.step());
    EXPECT_EQ(s.integer(0), 1);  // NORMAL inside
    db.run("INSERT INTO t VALUES (1)");
    t.commit();
  }
  EXPECT_EQ(synchronous_setting(db), 2);
  {
    Transaction t(db, Commit::kUnflushed);
    db.run("INSERT INTO t VALUES (2)");
  }  // rolled back
  EXPECT_EQ(synchronous_setting(db), 2);
  {
    Transaction t(db);
    db.run("INSERT INTO t VALUES (3)");
    t.commit();
  }
  std::lock_guard<std::mutex> lock(db.mutex());
  vigil::node::Statement rows(db, "SELECT group_concat(x) FROM t");
  ASSERT_TRUE(rows.step());
  EXPECT_EQ(rows.text(0), "1,3");
}

TEST(Database, CachedStatementsComeBackUnboundAndTwoOfTheSameSqlCanBeOpenAtOnce) {
  vigil::test::TempDir dir("statement-cache");
  Database db(dir.file("node.db"));
  db.run("CREATE TABLE t(x INTEGER)");
  db.run("INSERT INTO t VALUES (?)", {std::int64_t{5}});
  {
    vigil::node::Statement again(db, "INSERT INTO t VALUES (?)");  // the cached one: its 5 is gone
    EXPECT_FALSE(again.step());
  }
  db.run("INSERT INTO t VALUES (?)", {std::int64_t{7}});
  std::lock_guard<std::mutex> lock(db.mutex());
  vigil::node::Statement outer(db, "SELECT x FROM t ORDER BY rowid");
  vigil::node::Statement inner(db, "SELECT x FROM t ORDER BY rowid");  // in use: a second one
  std::vector<std::string> seen;
  while (outer.step()) {
    seen.push_back(outer.is_null(0) ? "null" : std::to_string(outer.integer(0)));
    ASSERT_TRUE(inner.step());
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"5", "null", "7"}));
}

// A statement dropped half-way through its rows is reset when it goes back to the cache, so it
// does not keep a read transaction open (which would stop checkpoints from emptying the WAL).
TEST(Database, AStatementDroppedMidwayHoldsNoReadLock) {
  vigil::test::TempDir dir("statement-reset");
  Database db(dir.file("node.db"));
  db.run("CREATE TABLE t(x INTEGER)");
  for (std::int64_t i = 0; i < 3; ++i) db.run("INSERT INTO t VALUES (?)", {i});
  {
    vigil::node::Statement half(db, "SELECT x FROM t");
    ASSERT_TRUE(half.step());
  }
  Database other(dir.file("node.db"));
  vigil::node::Statement checkpoint(other, "PRAGMA wal_checkpoint(TRUNCATE)");
  ASSERT_TRUE(checkpoint.step());
  EXPECT_EQ(checkpoint.integer(0), 0) << "the checkpoint was blocked by a reader";
}

// A node.db made before retention existed gets the studies table's new column when the node
// opens it (once: opening again must not try to add it twice), and works on.
TEST(NodeStore, ADatabaseFromBeforeRetentionGetsItsColumn) {
  vigil::test::TempDir dir("node-store-migration");
  const std::string path = dir.file("node.db");
  {
    Database old(path);
    old.exec("CREATE TABLE studies(study_uid TEXT PRIMARY KEY, state TEXT NOT NULL, calling_ae TEXT, modality TEXT, "
             "instance_count INTEGER NOT NULL DEFAULT 0, first_received_at REAL, last_received_at REAL, "
             "attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at REAL NOT NULL DEFAULT 0, lease_owner TEXT, "
             "lease_expires REAL, result_folder TEXT, error TEXT, late_instances INTEGER NOT NULL DEFAULT 0, "
             "done_at REAL, revision INTEGER NOT NULL DEFAULT 0, expected_instances INTEGER NOT NULL DEFAULT 0)");
  }
  {
    vigil::node::NodeStore store(path);
    const vigil::node::ReceivedInstance r{"1.2.3.4.1", "1.2.840.10008.5.1.4.1.1.2", "1.2.3.4", "1.2.3.4.0", "CT",
                                          dir.file("x.dcm"), 10, "SCANNER", 0};
    EXPECT_TRUE(store.record_instance(r, vigil::node::LatePolicy::kRerun, 1.0));
    EXPECT_EQ(store.instance_total(), 1);
  }
  vigil::node::NodeStore again(path);
  EXPECT_EQ(again.instance_total(), 1);
  Database db(path);
  std::lock_guard<std::mutex> lock(db.mutex());
  vigil::node::Statement columns(db, "PRAGMA table_info(studies)");
  int found = 0;
  while (columns.step()) found += columns.text(1) == "originals_purged_at";
  EXPECT_EQ(found, 1);
}

}  // namespace
