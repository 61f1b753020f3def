#pragma once
// The node's durable state in SQLite (WAL): received instances, studies and their lifecycle, the
// job queue (leases), the outbox (one row per result file and destination), the audit trail.
// Every state change is one transaction, so a crash at any point leaves a consistent database.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "node/job_queue.h"
#include "node/sqlite_db.h"

namespace vigil::node {

/// Study states: receiving → queued → processing → exporting → done; failed attempts go back to
/// queued with a later next_attempt_at until max attempts, then dead (dead-lettered, with reason).
inline constexpr const char* kStates[] = {"receiving", "queued", "processing", "exporting", "done", "dead"};

struct ReceivedInstance {
  std::string sop_instance_uid, sop_class_uid, study_uid, series_uid, modality;
  std::string path;  ///< final location (already fsynced and renamed)
  std::int64_t bytes = 0;
  std::string calling_ae;
  int expected_instances = 0;  ///< Number of Study Related Instances, when the sender says (0 = unknown)
};

enum class LatePolicy { kIgnore, kRerun };

/// A received instance that retention removes.
struct PurgedInstance {
  std::string sop_instance_uid, path;
};

struct Delivery {
  std::string study_uid, file, destination, kind;  ///< kind: "result" or "forward"
  int attempts = 0;
};

struct StudyRow {
  std::string study_uid, state, calling_ae, modality, error, result_folder;
  std::int64_t instances = 0, attempts = 0, delivered = 0, deliveries = 0;
  double first_received_at = 0, last_received_at = 0, done_at = 0;
};

class NodeStore : public JobQueue {
 public:
  explicit NodeStore(const std::string& path, int max_attempts = 5);

  /// Records a received instance. Returns false for a duplicate SOP Instance UID (kept as first
  /// received). Instances arriving after processing began follow `late`.
  bool record_instance(const ReceivedInstance& instance, LatePolicy late, double now);
  /// Moves receiving studies to queued when their last instance is older than `stable_age_s`, or
  /// at once when the sender announced how many instances the study has and all have arrived.
  int complete_stable_studies(double stable_age_s, double now);
  /// Retention of the received originals (node/retention.h). Studies done before `done_before`
  /// whose received instances are still stored, oldest first.
  std::vector<std::string> studies_with_expired_originals(double done_before, int limit);
  /// Marks the study's originals purged (flushed: late instances no longer re-run it) and returns
  /// its instance rows; none when the study is no longer done.
  std::vector<PurgedInstance> begin_purge(const std::string& study_uid, double now);
  /// Deletes those rows (their files are gone) and writes the audit row.
  void finish_purge(const std::string& study_uid, const std::vector<PurgedInstance>& removed, double now);
  /// Hands back every lease (processing → queued): at start-up, for leases of a previous run.
  int release_all_leases();

  // JobQueue
  std::optional<Job> lease(const std::string& worker, double lease_s, double now) override;
  void heartbeat(const Job& job, const std::string& worker, double lease_s, double now) override;
  void processed(const Job& job, const std::string& worker, const ProcessedStudy& result, double now) override;
  void failed(const Job& job, const std::string& worker, const std::string& reason, double now) override;
  int recover_expired_leases(double now) override;

  // Outbox
  std::vector<Delivery> due_deliveries(double now, int limit);
  void delivered(const Delivery& d, double now);
  void delivery_failed(const Delivery& d, const std::string& reason, double retry_at);
  /// exporting → done for studies whose deliveries are all delivered.
  int finish_delivered_studies(double now);

  std::vector<std::string> instance_paths(const std::string& study_uid);
  bool has_instance(const std::string& sop_instance_uid);
  /// How many times late instances made the study run again (0 = never).
  int revision(const std::string& study_uid);
  /// The calling AE title of the study's first instance.
  std::string calling_ae(const std::string& study_uid);
  /// When the study's first instance arrived (0 when unknown).
  double first_received_at(const std::string& study_uid);
  std::vector<StudyRow> studies();
  std::map<std::string, std::int64_t> state_counts();
  /// Instances stored now (retention removes the rows of purged ones).
  std::int64_t instance_total();
  /// Instances ever recorded, late ones included, duplicates not (never decreases: /metrics' counter).
  std::int64_t instances_received_total();
  void audit(const std::string& event, const std::string& calling_ae, const std::string& called_ae,
             const std::string& peer, std::int64_t count, const std::string& detail, double now);
  void record_timing(const std::string& study_uid, const std::string& stage, double seconds);
  struct Histogram {
    std::vector<std::int64_t> counts;  ///< cumulative: observations <= each bucket bound
    double sum = 0;
    std::int64_t count = 0;
  };
  /// Stage durations as cumulative histograms over `buckets` (for /metrics).
  std::map<std::string, Histogram> stage_histograms(const std::vector<double>& buckets);
  /// Failed C-STORE attempts to destinations, over all deliveries.
  std::int64_t delivery_failures();

 private:
  Database db_;
  int max_attempts_;
};

/// Seconds since the epoch (wall clock; rows are compared across restarts).
double now_s();

}  // namespace vigil::node
