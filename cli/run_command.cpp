#include "cli/run_command.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>

#include <nlohmann/json.hpp>

#include "cli/exit_codes.h"
#include "core/uid_hash.h"
#include "core/version.h"
#include "dicom/catalog.h"
#include "node/node_store.h"
#include "node/worklist_store.h"
#include "pipeline/study_runner.h"
#include "pipeline/summary_json.h"

namespace vigil::cli {
namespace {

// One line redrawn in place on a terminal; plain lines otherwise (logs, CI).
void progress(std::size_t done, std::size_t total, const std::string& what) {
  const bool tty = ::isatty(STDERR_FILENO);
  const int width = 30;
  const int filled = total ? static_cast<int>(width * done / total) : width;
  std::fprintf(stderr, "%s[%s%s] %zu/%zu %s%s", tty ? "\r\033[K" : "", std::string(filled, '#').c_str(),
               std::string(width - filled, '.').c_str(), done, total, what.c_str(), tty ? "" : "\n");
  std::fflush(stderr);
}

void print_timing_table(const std::vector<pipeline::StudyOutcome>& outcomes) {
  std::vector<std::string> order;
  std::map<std::string, double> total;
  for (const auto& o : outcomes)
    for (const auto& t : o.timings) {
      if (!total.count(t.stage)) order.push_back(t.stage);
      total[t.stage] += t.seconds;
    }
  if (order.empty()) return;
  std::fprintf(stderr, "\n%-14s %10s %10s\n", "stage", "total s", "per study");
  double sum = 0;
  for (const auto& stage : order) {
    std::fprintf(stderr, "%-14s %10.2f %10.2f\n", stage.c_str(), total[stage], total[stage] / outcomes.size());
    sum += total[stage];
  }
  std::fprintf(stderr, "%-14s %10.2f %10.2f\n", "all", sum, sum / outcomes.size());
}

}  // namespace

int run_batch(const RunArgs& args) {
  if (!std::filesystem::exists(args.path)) {
    std::cerr << "vigil run: " << args.path << ": no such file or folder\n";
    return kExitInputMissing;
  }
  pipeline::RunOptions options;
  options.geometry = args.policy;
  options.threads = args.threads;
  options.send.attempts = args.attempts;
  options.send.timeout_s = args.timeout_s;
  if (!args.pacs.empty()) {
    dicom::PacsAddress pacs = dicom::parse_pacs_address(args.pacs);
    pacs.calling_ae = args.calling_ae;
    pacs.tls.enabled = args.tls;
    pacs.tls.certificate_pem = args.tls_certificate;
    pacs.tls.private_key_pem = args.tls_private_key;
    pacs.tls.trusted_ca_pem = args.tls_ca;
    options.pacs = pacs;
  }
  std::filesystem::create_directories(args.out);
  const auto lesion_models = load_lesion_models(args.models);
  options.analysis.models = lesion_models.get();
  options.analysis.segmenter_candidates = args.models.segmenter_candidates;

  const dicom::Catalog catalog = dicom::scan_catalog(args.path);
  if (catalog.studies.empty()) {
    std::cerr << "vigil run: no DICOM studies under " << args.path << " (" << catalog.files_seen << " files, "
              << catalog.skipped.size() << " skipped)\n";
    return kExitNothingUsable;
  }
  std::unique_ptr<node::WorklistStore> worklist;
  if (!args.worklist.empty()) {
    std::filesystem::create_directories(args.worklist);
    worklist = std::make_unique<node::WorklistStore>(args.worklist + "/node.db");
  }
  std::vector<pipeline::StudyOutcome> outcomes;
  const std::size_t total = catalog.studies.size();
  for (std::size_t i = 0; i < total; ++i) {
    const auto& study = catalog.studies[i];
    progress(i, total, "study " + hash_uid(study.study_instance_uid));
    outcomes.push_back(pipeline::run_study(study, args.out, options));
    // The networks load while the first study is read; weights that do not load end the run as
    // the configuration error they are, not as one failed study after another.
    if (!outcomes.back().succeeded()) wait_until_loaded(lesion_models.get());
    if (worklist && outcomes.back().succeeded())
      worklist->upsert(pipeline::summary_json(outcomes.back()), outcomes.back().folder, "CT", node::now_s());
  }
  progress(total, total, "done");
  if (::isatty(STDERR_FILENO)) std::fputc('\n', stderr);

  std::size_t failed = 0;
  for (const auto& o : outcomes) {
    const std::string id = hash_uid(o.study_instance_uid);
    if (o.succeeded()) {
      std::fprintf(stderr, "ok      study %s: %zu finding(s) -> %s\n", id.c_str(), o.findings.size(), o.folder.c_str());
    } else {
      ++failed;
      std::fprintf(stderr, "FAILED  study %s: %s (results kept in %s)\n", id.c_str(), o.error.c_str(), o.folder.c_str());
    }
  }
  print_timing_table(outcomes);
  std::fprintf(stderr, "%zu of %zu studies succeeded. %s\n", outcomes.size() - failed, outcomes.size(),
               kResearchUseNotice);
  if (args.json) {
    nlohmann::json all = nlohmann::json::array();
    for (const auto& o : outcomes) all.push_back(pipeline::summary_json(o));
    std::cout << all.dump(2) << "\n";
  }
  if (failed == 0) return kExitOk;
  bool only_delivery = true;  // every failure was the PACS's, the results exist
  for (const auto& o : outcomes)
    if (!o.succeeded() && !(o.sent && !o.sent->all_stored())) only_delivery = false;
  if (only_delivery) return kExitNotDelivered;
  return failed == outcomes.size() ? kExitNothingUsable : kExitPartial;
}

}  // namespace vigil::cli
