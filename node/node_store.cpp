#include "node/node_store.h"

#include <chrono>
#include <cmath>

#include "core/uid_hash.h"
#include "node/audit_table.h"

namespace vigil::node {
namespace {

constexpr const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS instances(
  sop_instance_uid TEXT PRIMARY KEY, study_uid TEXT NOT NULL, series_uid TEXT, sop_class_uid TEXT,
  path TEXT NOT NULL, bytes INTEGER, calling_ae TEXT, received_at REAL);
CREATE INDEX IF NOT EXISTS instances_by_study ON instances(study_uid);
CREATE TABLE IF NOT EXISTS studies(
  study_uid TEXT PRIMARY KEY, state TEXT NOT NULL, calling_ae TEXT, modality TEXT,
  instance_count INTEGER NOT NULL DEFAULT 0, first_received_at REAL, last_received_at REAL,
  attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at REAL NOT NULL DEFAULT 0,
  lease_owner TEXT, lease_expires REAL, result_folder TEXT, error TEXT,
  late_instances INTEGER NOT NULL DEFAULT 0, done_at REAL, revision INTEGER NOT NULL DEFAULT 0,
  expected_instances INTEGER NOT NULL DEFAULT 0, originals_purged_at REAL);
CREATE INDEX IF NOT EXISTS studies_by_state ON studies(state, next_attempt_at);
CREATE TABLE IF NOT EXISTS deliveries(
  study_uid TEXT NOT NULL, file TEXT NOT NULL, destination TEXT NOT NULL, kind TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at REAL NOT NULL DEFAULT 0, last_error TEXT, delivered_at REAL,
  PRIMARY KEY(study_uid, file, destination));
CREATE TABLE IF NOT EXISTS stage_timings(study_uid TEXT, stage TEXT, seconds REAL);
)SQL";

// Exponential backoff for failed processing attempts: 5 s, 10 s, 20 s, ... capped at 10 min.
double retry_delay_s(int attempt) { return std::min(600.0, 5.0 * std::pow(2.0, std::max(0, attempt - 1))); }

}  // namespace

double now_s() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

NodeStore::NodeStore(const std::string& path, int max_attempts) : db_(path), max_attempts_(max_attempts) {
  db_.exec(kSchema);
  db_.exec(kAuditTableSql);
  // Databases made before retention existed get its column.
  bool has_purged_column = false;
  {
    std::lock_guard<std::mutex> lock(db_.mutex());
    Statement columns(db_, "PRAGMA table_info(studies)");
    while (columns.step()) has_purged_column |= columns.text(1) == "originals_purged_at";
  }
  if (!has_purged_column) db_.exec("ALTER TABLE studies ADD COLUMN originals_purged_at REAL");
}

bool NodeStore::record_instance(const ReceivedInstance& in, LatePolicy late, double now) {
  // A study still receiving takes its further instances unflushed: the file and its name in the
  // study folder are fsynced already, start-up records every stored file that has no row, and the
  // flushed commit that queues the study flushes these rows too (the WAL is written in order). So
  // power loss can only drop rows that come back from disk. A study's first row (its calling AE,
  // where results go back to) and rows that change a later state are flushed. Saves one flush per
  // received instance.
  std::string seen_state;
  {
    std::lock_guard<std::mutex> lock(db_.mutex());
    Statement s(db_, "SELECT state FROM studies WHERE study_uid = ?");
    s.bind(1, in.study_uid);
    if (s.step()) seen_state = s.text(0);
  }
  Transaction t(db_, seen_state == "receiving" ? Commit::kUnflushed : Commit::kFlushed);
  {
    Statement exists(db_, "SELECT 1 FROM instances WHERE sop_instance_uid = ?");
    exists.bind(1, in.sop_instance_uid);
    if (exists.step()) return false;  // duplicate: the first copy stays (rolled back, nothing changed)
  }
  db_.run("INSERT INTO instances VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          {in.sop_instance_uid, in.study_uid, in.series_uid, in.sop_class_uid, in.path, in.bytes, in.calling_ae, now});
  std::string state;
  bool originals_purged = false;
  {
    Statement s(db_, "SELECT state, originals_purged_at IS NOT NULL FROM studies WHERE study_uid = ?");
    s.bind(1, in.study_uid);
    if (s.step()) state = s.text(0), originals_purged = s.integer(1) != 0;
  }
  if (state.empty()) {
    db_.run("INSERT INTO studies(study_uid, state, calling_ae, modality, instance_count, first_received_at, "
            "last_received_at, expected_instances) VALUES (?, 'receiving', ?, ?, 1, ?, ?, ?)",
            {in.study_uid, in.calling_ae, in.modality, now, now, std::int64_t{in.expected_instances}});
  } else if (state == "receiving") {
    db_.run("UPDATE studies SET instance_count = instance_count + 1, last_received_at = ?, "
            "modality = COALESCE(NULLIF(modality, ''), ?), expected_instances = MAX(expected_instances, ?) "
            "WHERE study_uid = ?",
            {now, in.modality, std::int64_t{in.expected_instances}, in.study_uid});
  } else if (late == LatePolicy::kRerun && state != "processing" && !originals_purged) {
    // (Once retention removed the originals, a re-run would see the late instances alone: they
    // are kept as late instances and removed with the rest by the next retention pass.)
    // Arrived after completion: collect again and re-run; results keep their UIDs and replace
    // the earlier ones at the destinations.
    // Results already made (exporting/done) get a new revision: new UIDs, the SR names its predecessor.
    db_.run("UPDATE studies SET revision = revision + (CASE WHEN state IN ('exporting', 'done') THEN 1 ELSE 0 END), "
            "state = 'receiving', instance_count = instance_count + 1, last_received_at = ?, "
            "late_instances = late_instances + 1, attempts = 0, error = NULL WHERE study_uid = ?",
            {now, in.study_uid});
    db_.run("DELETE FROM deliveries WHERE study_uid = ?", {in.study_uid});
  } else {
    db_.run("UPDATE studies SET instance_count = instance_count + 1, late_instances = late_instances + 1 "
            "WHERE study_uid = ?",
            {in.study_uid});
  }
  t.commit();
  return true;
}

std::vector<std::string> NodeStore::studies_with_expired_originals(double done_before, int limit) {
  std::lock_guard<std::mutex> lock(db_.mutex());
  Statement s(db_, "SELECT s.study_uid FROM studies s WHERE s.state = 'done' AND s.done_at < ? AND EXISTS "
                   "(SELECT 1 FROM instances i WHERE i.study_uid = s.study_uid) ORDER BY s.done_at LIMIT ?");
  s.bind(1, done_before).bind(2, std::int64_t{limit});
  std::vector<std::string> out;
  while (s.step()) out.push_back(s.text(0));
  return out;
}

std::vector<PurgedInstance> NodeStore::begin_purge(const std::string& study_uid, double now) {
  Transaction t(db_);  // flushed: no late instance may re-run the study once its files start to go
  std::vector<PurgedInstance> out;
  {
    Statement state(db_, "SELECT state FROM studies WHERE study_uid = ?");
    state.bind(1, study_uid);
    if (!state.step() || state.text(0) != "done") return out;  // moved on meanwhile: not now
  }
  db_.run("UPDATE studies SET originals_purged_at = COALESCE(originals_purged_at, ?) WHERE study_uid = ?",
          {now, study_uid});
  {
    Statement s(db_, "SELECT sop_instance_uid, path FROM instances WHERE study_uid = ?");
    s.bind(1, study_uid);
    while (s.step()) out.push_back({s.text(0), s.text(1)});
  }
  t.commit();
  return out;
}

void NodeStore::finish_purge(const std::string& study_uid, const std::vector<PurgedInstance>& removed, double now) {
  Transaction t(db_);
  for (const PurgedInstance& p : removed) db_.run("DELETE FROM instances WHERE sop_instance_uid = ?", {p.sop_instance_uid});
  insert_audit_row(db_, now, "purge", "", "", "", static_cast<std::int64_t>(removed.size()),
                   "received instances of study " + hash_uid(study_uid) + " removed (retention)");
  t.commit();
}

int NodeStore::complete_stable_studies(double stable_age_s, double now) {
  Transaction t(db_);
  const int n = db_.run("UPDATE studies SET state = 'queued', next_attempt_at = 0 WHERE state = 'receiving' AND "
                        "(last_received_at <= ? OR (expected_instances > 0 AND instance_count >= expected_instances))",
                        {now - stable_age_s});
  t.commit();
  return n;
}

int NodeStore::release_all_leases() {
  Transaction t(db_);
  const int n = db_.run("UPDATE studies SET state = 'queued', lease_owner = NULL, lease_expires = NULL "
                        "WHERE state = 'processing'");
  t.commit();
  return n;
}

std::optional<Job> NodeStore::lease(const std::string& worker, double lease_s, double now) {
  Transaction t(db_);
  Job job;
  {
    Statement s(db_, "SELECT study_uid, attempts FROM studies WHERE state = 'queued' AND next_attempt_at <= ? "
                     "ORDER BY next_attempt_at, first_received_at LIMIT 1");
    s.bind(1, now);
    if (!s.step()) return std::nullopt;
    job.study_uid = s.text(0);
    job.attempt = static_cast<int>(s.integer(1)) + 1;
  }
  db_.run("UPDATE studies SET state = 'processing', lease_owner = ?, lease_expires = ?, attempts = ? "
          "WHERE study_uid = ?",
          {worker, now + lease_s, std::int64_t{job.attempt}, job.study_uid});
  t.commit();
  return job;
}

void NodeStore::heartbeat(const Job& job, const std::string& worker, double lease_s, double now) {
  Transaction t(db_);
  db_.run("UPDATE studies SET lease_expires = ? WHERE study_uid = ? AND lease_owner = ? AND state = 'processing'",
          {now + lease_s, job.study_uid, worker});
  t.commit();
}

void NodeStore::processed(const Job& job, const std::string& worker, const ProcessedStudy& result, double now) {
  Transaction t(db_);
  // Only the lease holder may finish: a worker whose lease expired and was re-leased lost it.
  const int owned = db_.run("UPDATE studies SET state = 'exporting', lease_owner = NULL, lease_expires = NULL, "
                            "result_folder = ?, error = NULL WHERE study_uid = ? AND lease_owner = ? AND "
                            "state = 'processing'",
                            {result.result_folder, job.study_uid, worker});
  if (owned == 0) return;
  for (const auto& item : result.deliveries)
    db_.run("INSERT OR IGNORE INTO deliveries(study_uid, file, destination, kind) VALUES (?, ?, ?, ?)",
            {job.study_uid, item.file, item.destination, item.kind});
  if (result.deliveries.empty())
    db_.run("UPDATE studies SET state = 'done', done_at = ? WHERE study_uid = ?", {now, job.study_uid});
  t.commit();
}

void NodeStore::failed(const Job& job, const std::string& worker, const std::string& reason, double now) {
  Transaction t(db_);
  if (job.attempt >= max_attempts_) {
    db_.run("UPDATE studies SET state = 'dead', lease_owner = NULL, lease_expires = NULL, error = ? "
            "WHERE study_uid = ? AND lease_owner = ?",
            {reason, job.study_uid, worker});
  } else {
    db_.run("UPDATE studies SET state = 'queued', lease_owner = NULL, lease_expires = NULL, error = ?, "
            "next_attempt_at = ? WHERE study_uid = ? AND lease_owner = ?",
            {reason, now + retry_delay_s(job.attempt), job.study_uid, worker});
  }
  t.commit();
}

int NodeStore::recover_expired_leases(double now) {
  Transaction t(db_);
  const int n = db_.run("UPDATE studies SET state = 'queued', lease_owner = NULL, lease_expires = NULL "
                        "WHERE state = 'processing' AND lease_expires < ?",
                        {now});
  t.commit();
  return n;
}

std::vector<Delivery> NodeStore::due_deliveries(double now, int limit) {
  std::lock_guard<std::mutex> lock(db_.mutex());
  Statement s(db_, "SELECT d.study_uid, d.file, d.destination, d.kind, d.attempts FROM deliveries d "
                   "JOIN studies s ON s.study_uid = d.study_uid WHERE d.state = 'pending' AND "
                   "s.state = 'exporting' AND d.next_attempt_at <= ? ORDER BY d.study_uid, d.destination, "
                   "d.file LIMIT ?");
  s.bind(1, now).bind(2, std::int64_t{limit});
  std::vector<Delivery> out;
  while (s.step()) out.push_back({s.text(0), s.text(1), s.text(2), s.text(3), static_cast<int>(s.integer(4))});
  return out;
}

void NodeStore::delivered(const Delivery& d, double now) {
  Transaction t(db_);
  db_.run("UPDATE deliveries SET state = 'delivered', delivered_at = ?, attempts = attempts + 1 "
          "WHERE study_uid = ? AND file = ? AND destination = ?",
          {now, d.study_uid, d.file, d.destination});
  t.commit();
}

void NodeStore::delivery_failed(const Delivery& d, const std::string& reason, double retry_at) {
  Transaction t(db_);
  db_.run("UPDATE deliveries SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? "
          "WHERE study_uid = ? AND file = ? AND destination = ?",
          {reason, retry_at, d.study_uid, d.file, d.destination});
  t.commit();
}

int NodeStore::finish_delivered_studies(double now) {
  Transaction t(db_);
  const int n = db_.run("UPDATE studies SET state = 'done', done_at = ? WHERE state = 'exporting' AND NOT EXISTS "
                        "(SELECT 1 FROM deliveries d WHERE d.study_uid = studies.study_uid AND d.state != 'delivered')",
                        {now});
  t.commit();
  return n;
}

std::vector<std::string> NodeStore::instance_paths(const std::string& study_uid) {
  std::lock_guard<std::mutex> lock(db_.mutex());
  Statement s(db_, "SELECT path FROM instances WHERE study_uid = ? ORDER BY path");
  s.bind(1, study_uid);
  std::vector<std::string> out;
  while (s.step()) out.push_back(s.text(0));
  return out;
}

std::string NodeStore::calling_ae(const std::string& study_uid) {
  std::lock_guard<std::mutex> lock(db_.mutex());
  Statement s(db_, "SELECT COALESCE(calling_ae, '') FROM studies WHERE study_uid = ?");
  s.bind(1, study_uid);
  return s.step() ? s.text(0) : std::string();
}

int NodeStore::revision(const std::string& study_uid) {
  std::lock_guard<std::mutex> lock(db_.mutex());
  Statement s(db_, "SELECT revision FROM studies WHERE study_uid = ?");
  s.bind(1, study_uid);
  return s.step() ? static_cast<int>(s.integer(0)) : 0;
}

double NodeStore::first_received_at(const std::string& study_uid) {
  std::lock_guard<std::mutex> lock(db_.mutex());
  Statement s(db_, "SELECT first_received_at FROM studies WHERE study_uid = ?");
  s.bind(1, study_uid);
  return s.step() ? s.real(0) : 0.0;
}

bool NodeStore::has_instance(const std::string& sop_instance_uid) {
  std::lock_guard<std::mutex> lock(db_.mutex());
  Statement s(db_, "SELECT 1 FROM instances WHERE sop_instance_uid = ?");
  s.bind(1, sop_instance_uid);
  return s.step();
}

std::vector<StudyRow> NodeStore::studies() {
  std::lock_guard<std::mutex> lock(db_.mutex());
  Statement s(db_,
              "SELECT s.study_uid, s.state, COALESCE(s.calling_ae, ''), COALESCE(s.modality, ''), COALESCE(s.error, ''), "
              "COALESCE(s.result_folder, ''), s.instance_count, s.attempts, s.first_received_at, s.last_received_at, "
              "COALESCE(s.done_at, 0), (SELECT COUNT(*) FROM deliveries d WHERE d.study_uid = s.study_uid AND "
              "d.state = 'delivered'), (SELECT COUNT(*) FROM deliveries d WHERE d.study_uid = s.study_uid) "
              "FROM studies s ORDER BY s.first_received_at");
  std::vector<StudyRow> out;
  while (s.step()) {
    StudyRow r;
    r.study_uid = s.text(0), r.state = s.text(1), r.calling_ae = s.text(2), r.modality = s.text(3);
    r.error = s.text(4), r.result_folder = s.text(5), r.instances = s.integer(6), r.attempts = s.integer(7);
    r.first_received_at = s.real(8), r.last_received_at = s.real(9), r.done_at = s.real(10);
    r.delivered = s.integer(11), r.deliveries = s.integer(12);
    out.push_back(r);
  }
  return out;
}

std::map<std::string, std::int64_t> NodeStore::state_counts() {
  std::lock_guard<std::mutex> lock(db_.mutex());
  std::map<std::string, std::int64_t> counts;
  for (const char* state : kStates) counts[state] = 0;
  Statement s(db_, "SELECT state, COUNT(*) FROM studies GROUP BY state");
  while (s.step()) counts[s.text(0)] = s.integer(1);
  return counts;
}

std::int64_t NodeStore::instances_received_total() {
  std::lock_guard<std::mutex> lock(db_.mutex());
  Statement s(db_, "SELECT COALESCE(SUM(instance_count), 0) FROM studies");
  return s.step() ? s.integer(0) : 0;
}

std::int64_t NodeStore::instance_total() {
  std::lock_guard<std::mutex> lock(db_.mutex());
  Statement s(db_, "SELECT COUNT(*) FROM instances");
  return s.step() ? s.integer(0) : 0;
}

void NodeStore::audit(const std::string& event, const std::string& calling_ae, const std::string& called_ae,
                      const std::string& peer, std::int64_t count, const std::string& detail, double now) {
  Transaction t(db_);
  insert_audit_row(db_, now, event, calling_ae, called_ae, peer, count, detail);
  t.commit();
}

void NodeStore::record_timing(const std::string& study_uid, const std::string& stage, double seconds) {
  Transaction t(db_);
  db_.run("INSERT INTO stage_timings VALUES (?, ?, ?)", {study_uid, stage, seconds});
  t.commit();
}

std::map<std::string, NodeStore::Histogram> NodeStore::stage_histograms(const std::vector<double>& buckets) {
  std::lock_guard<std::mutex> lock(db_.mutex());
  Statement s(db_, "SELECT stage, seconds FROM stage_timings");
  std::map<std::string, Histogram> out;
  while (s.step()) {
    Histogram& h = out[s.text(0)];
    if (h.counts.empty()) h.counts.assign(buckets.size(), 0);
    const double v = s.real(1);
    for (std::size_t i = 0; i < buckets.size(); ++i) h.counts[i] += v <= buckets[i];
    h.sum += v;
    ++h.count;
  }
  return out;
}

std::int64_t NodeStore::delivery_failures() {
  std::lock_guard<std::mutex> lock(db_.mutex());
  Statement s(db_, "SELECT COALESCE(SUM(attempts - (state = 'delivered')), 0) FROM deliveries");
  return s.step() ? s.integer(0) : 0;
}

}  // namespace vigil::node
