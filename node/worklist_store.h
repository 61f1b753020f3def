#pragma once
// The radiologist's worklist in the node's database: studies with state (new, in_review,
// reported), their findings (from summary.json), and every accept/reject review with reviewer
// and time. The node's workers and `vigil run --worklist` write it; the HTTP API reads it.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "node/priority.h"
#include "node/sqlite_db.h"

namespace vigil::node {

struct WorklistFilter {
  std::string state;     ///< empty: any
  std::string modality;  ///< empty: any
  double since = 0;      ///< received at or after (epoch seconds)
};

class WorklistStore {
 public:
  explicit WorklistStore(const std::string& database_path, PriorityWeights weights = {});

  /// Adds or refreshes a study from its summary.json object. A re-run keeps the reviews of
  /// findings whose tracking UID is unchanged.
  void upsert(const nlohmann::json& summary, const std::string& result_folder, const std::string& modality,
              double received_at);
  /// Ranked studies (priority computed now, with waiting time), most urgent first.
  nlohmann::json list(const WorklistFilter& filter, double now);
  /// One study with its findings and reviews; nullopt when unknown.
  std::optional<nlohmann::json> study(const std::string& study_uid, double now);
  /// Folder holding the study's results (key images), empty when unknown.
  std::string result_folder(const std::string& study_uid);
  /// Records a review. Returns false when the finding does not exist.
  bool review(std::int64_t finding_id, const std::string& decision, const std::string& comment,
              const std::string& reviewer, double now);

 private:
  nlohmann::json study_row(Statement& s, double now);
  Database db_;
  PriorityWeights weights_;
};

}  // namespace vigil::node
