#include "node/worklist_store.h"

#include <algorithm>
#include <map>

#include "core/error.h"
#include "core/uid_hash.h"
#include "node/audit_table.h"

namespace vigil::node {
namespace {

constexpr const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS worklist(
  study_uid TEXT PRIMARY KEY, state TEXT NOT NULL DEFAULT 'new', received_at REAL NOT NULL,
  requested_priority TEXT, modality TEXT, result_folder TEXT, algorithm TEXT, status TEXT);
CREATE TABLE IF NOT EXISTS worklist_findings(
  id INTEGER PRIMARY KEY AUTOINCREMENT, study_uid TEXT NOT NULL, number INTEGER NOT NULL,
  tracking_uid TEXT NOT NULL UNIQUE, finding TEXT NOT NULL, decision TEXT NOT NULL DEFAULT 'pending',
  comment TEXT, reviewer TEXT, reviewed_at REAL);
CREATE INDEX IF NOT EXISTS worklist_findings_by_study ON worklist_findings(study_uid);
CREATE TABLE IF NOT EXISTS worklist_reviews(
  id INTEGER PRIMARY KEY AUTOINCREMENT, finding_id INTEGER NOT NULL, study_uid TEXT NOT NULL,
  decision TEXT NOT NULL, comment TEXT, reviewer TEXT, at REAL NOT NULL);
)SQL";

Finding finding_from_json(const nlohmann::json& j) {
  Finding f;
  f.number = j.value("number", 0);
  f.tracking_uid = j.value("tracking_uid", "");
  f.long_axis_mm = j.value("long_axis_mm", 0.0);
  f.short_axis_mm = j.value("short_axis_mm", 0.0);
  f.volume_mm3 = j.value("volume_mm3", 0.0);
  f.probability = j.value("probability", 0.0);
  f.type = parse_lesion_type(j.value("type", "solid"));
  return f;
}

}  // namespace

WorklistStore::WorklistStore(const std::string& database_path, PriorityWeights weights)
    : db_(database_path), weights_(weights) {
  db_.exec(kSchema);
  db_.exec(kAuditTableSql);
}

void WorklistStore::upsert(const nlohmann::json& summary, const std::string& result_folder,
                           const std::string& modality, double received_at) {
  const std::string uid = summary.at("study_instance_uid").get<std::string>();
  Transaction t(db_);
  db_.run("INSERT INTO worklist(study_uid, received_at, requested_priority, modality, result_folder, algorithm, status) "
          "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(study_uid) DO UPDATE SET result_folder = excluded.result_folder, "
          "algorithm = excluded.algorithm, status = excluded.status, requested_priority = excluded.requested_priority",
          {uid, received_at, summary.value("requested_priority", ""), modality, result_folder,
           summary.value("algorithm", nlohmann::json::object()).dump(), summary.value("status", "")});
  std::vector<std::string> current;
  for (const auto& f : summary.value("findings", nlohmann::json::array())) {
    const std::string tracking = f.value("tracking_uid", "");
    current.push_back(tracking);
    db_.run("INSERT INTO worklist_findings(study_uid, number, tracking_uid, finding) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(tracking_uid) DO UPDATE SET number = excluded.number, finding = excluded.finding",
            {uid, std::int64_t{f.value("number", 0)}, tracking, f.dump()});
  }
  // Findings a re-run no longer reports leave the list (their reviews stay in the history).
  Statement old(db_, "SELECT id, tracking_uid FROM worklist_findings WHERE study_uid = ?");
  old.bind(1, uid);
  std::vector<std::int64_t> gone;
  while (old.step())
    if (std::find(current.begin(), current.end(), old.text(1)) == current.end()) gone.push_back(old.integer(0));
  for (auto id : gone) db_.run("DELETE FROM worklist_findings WHERE id = ?", {id});
  t.commit();
}

nlohmann::json WorklistStore::study_row(Statement& s, double now) {
  const std::string uid = s.text(0);
  std::vector<Finding> findings;
  nlohmann::json list = nlohmann::json::array();
  Statement f(db_, "SELECT id, finding, decision, COALESCE(comment, ''), COALESCE(reviewer, ''), "
                   "COALESCE(reviewed_at, 0) FROM worklist_findings WHERE study_uid = ? ORDER BY number");
  f.bind(1, uid);
  while (f.step()) {
    nlohmann::json finding = nlohmann::json::parse(f.text(1));
    findings.push_back(finding_from_json(finding));
    finding["id"] = f.integer(0);
    finding["decision"] = f.text(2);
    finding["comment"] = f.text(3);
    finding["reviewer"] = f.text(4);
    finding["reviewed_at"] = f.real(5);
    finding["category"] = lung_rads_like_category(findings.back());
    list.push_back(finding);
  }
  const double waiting = now - s.real(2);
  const PriorityResult p = study_priority(findings, s.text(3), waiting, weights_);
  return {{"study_instance_uid", uid},       {"state", s.text(1)},         {"received_at", s.real(2)},
          {"waiting_s", waiting},           {"requested_priority", s.text(3)}, {"modality", s.text(4)},
          {"algorithm", nlohmann::json::parse(s.text(5).empty() ? "{}" : s.text(5))},
          {"status", s.text(6)},            {"priority", p.score},        {"category", p.category},
          {"fhir_priority", p.fhir_priority}, {"finding_count", findings.size()}, {"findings", list}};
}

nlohmann::json WorklistStore::list(const WorklistFilter& filter, double now) {
  std::lock_guard<std::mutex> lock(db_.mutex());
  Statement s(db_, "SELECT study_uid, state, received_at, COALESCE(requested_priority, ''), "
                   "COALESCE(modality, ''), COALESCE(algorithm, ''), COALESCE(status, '') FROM worklist "
                   "WHERE (? = '' OR state = ?) AND (? = '' OR modality = ?) AND received_at >= ?");
  s.bind(1, filter.state).bind(2, filter.state).bind(3, filter.modality).bind(4, filter.modality).bind(5, filter.since);
  std::map<std::string, nlohmann::json> rows;  // by Study UID
  std::vector<RankedStudy> order;
  while (s.step()) {
    nlohmann::json row = study_row(s, now);
    order.push_back({row["study_instance_uid"], row["priority"], row["received_at"]});
    rows.emplace(order.back().study_uid, std::move(row));
  }
  rank(order);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : order) out.push_back(std::move(rows.at(r.study_uid)));
  return out;
}

std::optional<nlohmann::json> WorklistStore::study(const std::string& study_uid, double now) {
  std::lock_guard<std::mutex> lock(db_.mutex());
  Statement s(db_, "SELECT study_uid, state, received_at, COALESCE(requested_priority, ''), "
                   "COALESCE(modality, ''), COALESCE(algorithm, ''), COALESCE(status, '') FROM worklist "
                   "WHERE study_uid = ?");
  s.bind(1, study_uid);
  if (!s.step()) return std::nullopt;
  nlohmann::json row = study_row(s, now);
  nlohmann::json history = nlohmann::json::array();
  Statement h(db_, "SELECT finding_id, decision, COALESCE(comment, ''), COALESCE(reviewer, ''), at FROM "
                   "worklist_reviews WHERE study_uid = ? ORDER BY id");
  h.bind(1, study_uid);
  while (h.step())
    history.push_back({{"finding_id", h.integer(0)}, {"decision", h.text(1)}, {"comment", h.text(2)},
                       {"reviewer", h.text(3)}, {"at", h.real(4)}});
  row["reviews"] = history;
  return row;
}

std::string WorklistStore::result_folder(const std::string& study_uid) {
  std::lock_guard<std::mutex> lock(db_.mutex());
  Statement s(db_, "SELECT COALESCE(result_folder, '') FROM worklist WHERE study_uid = ?");
  s.bind(1, study_uid);
  return s.step() ? s.text(0) : std::string();
}

bool WorklistStore::review(std::int64_t finding_id, const std::string& decision, const std::string& comment,
                           const std::string& reviewer, double now) {
  if (decision != "accepted" && decision != "rejected")
    throw Error(ErrorCode::kInvalidArgument, "decision must be 'accepted' or 'rejected'");
  Transaction t(db_);
  std::string study_uid;
  {
    Statement s(db_, "SELECT study_uid FROM worklist_findings WHERE id = ?");
    s.bind(1, finding_id);
    if (!s.step()) return false;
    study_uid = s.text(0);
  }
  db_.run("UPDATE worklist_findings SET decision = ?, comment = ?, reviewer = ?, reviewed_at = ? WHERE id = ?",
          {decision, comment, reviewer, now, finding_id});
  db_.run("INSERT INTO worklist_reviews(finding_id, study_uid, decision, comment, reviewer, at) VALUES (?, ?, ?, ?, ?, ?)",
          {finding_id, study_uid, decision, comment, reviewer, now});
  // The audit trail names the reviewer and the finding, never the patient (study UID hashed).
  insert_audit_row(db_, now, "review", reviewer, "", "", 1,
                   "finding " + std::to_string(finding_id) + " of study " + hash_uid(study_uid) + " " + decision);
  // in_review once someone has looked; reported when every finding has a decision.
  db_.run("UPDATE worklist SET state = CASE WHEN NOT EXISTS (SELECT 1 FROM worklist_findings WHERE study_uid = ? AND "
          "decision = 'pending') THEN 'reported' ELSE 'in_review' END WHERE study_uid = ?",
          {study_uid, study_uid});
  t.commit();
  return true;
}

}  // namespace vigil::node
