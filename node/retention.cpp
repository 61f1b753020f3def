#include "node/retention.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <system_error>

#include "core/uid_hash.h"

namespace vigil::node {

int purge_expired_originals(NodeStore& store, double retain_s, double now, int max_studies) {
  int removed_total = 0;
  for (const std::string& study : store.studies_with_expired_originals(now - retain_s, max_studies)) {
    const std::vector<PurgedInstance> instances = store.begin_purge(study, now);
    if (instances.empty()) continue;
    std::vector<PurgedInstance> removed;
    std::error_code ec;
    for (const PurgedInstance& p : instances) {
      std::filesystem::remove(p.path, ec);  // false without error when it is gone already
      if (ec) {
        spdlog::error("retention: cannot remove an instance of study {}: {}", hash_uid(study), ec.message());
        continue;  // its row stays: the next pass tries again
      }
      removed.push_back(p);
    }
    // The study's folder, once empty (a late instance may still be in it).
    std::filesystem::remove(std::filesystem::path(instances.front().path).parent_path(), ec);
    store.finish_purge(study, removed, now);
    spdlog::info("retention: {} received instance(s) of study {} removed", removed.size(), hash_uid(study));
    removed_total += static_cast<int>(removed.size());
  }
  return removed_total;
}

}  // namespace vigil::node
