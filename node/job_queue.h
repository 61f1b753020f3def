#pragma once
// The job queue as the workers see it: lease a study, keep the lease alive, report the outcome.
// SQLite implements it today (NodeStore); the interface is what a PostgreSQL queue with
// `FOR UPDATE SKIP LOCKED` leases would implement for several nodes sharing work.

#include <optional>
#include <string>
#include <vector>

namespace vigil::node {

struct Job {
  std::string study_uid;
  int attempt = 0;  ///< 1 for the first try
};

struct ProcessedStudy {
  std::string result_folder;
  /// (file, destination, kind) to deliver; kind "result" or "forward".
  struct Item {
    std::string file, destination, kind;
  };
  std::vector<Item> deliveries;
};

class JobQueue {
 public:
  virtual ~JobQueue() = default;
  /// The next due job, leased to `worker` for `lease_s`; nullopt when none is due.
  virtual std::optional<Job> lease(const std::string& worker, double lease_s, double now) = 0;
  virtual void heartbeat(const Job& job, const std::string& worker, double lease_s, double now) = 0;
  /// The study was processed: its deliveries go to the outbox (state exporting).
  virtual void processed(const Job& job, const std::string& worker, const ProcessedStudy& result, double now) = 0;
  /// The attempt failed: retried later with exponential backoff, or dead-lettered after the last.
  virtual void failed(const Job& job, const std::string& worker, const std::string& reason, double now) = 0;
  /// Leases whose holder stopped heartbeating go back to the queue.
  virtual int recover_expired_leases(double now) = 0;
};

}  // namespace vigil::node
