#include "cli/serve_command.h"

#include <signal.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/exit_codes.h"
#include "core/uid_hash.h"
#include "node/node_service.h"
#include "node/node_store.h"
#include "node/worklist_store.h"

namespace vigil::cli {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_signal(int) { g_stop = true; }

// STORAGE/node.db when it exists; otherwise says so for `vigil COMMAND` and returns "".
std::string existing_database(const std::string& storage, const char* command) {
  const std::string db = storage + "/node.db";
  if (std::filesystem::exists(db)) return db;
  std::cerr << "vigil " << command << ": no node database at " << db << "\n";
  return {};
}

}  // namespace

int run_serve(ServeArgs& args) {
  for (const auto& d : args.result_destinations) args.config.result_destinations.push_back(dicom::parse_pacs_address(d));
  for (const auto& d : args.forward_destinations) args.config.forward_destinations.push_back(dicom::parse_pacs_address(d));
  for (const auto& d : args.peers) args.config.peers.push_back(dicom::parse_pacs_address(d));
  for (const auto& r : args.routes) args.config.routes.push_back(node::parse_route(r));
  args.config.late_policy = args.late_policy == "rerun" ? node::LatePolicy::kRerun : node::LatePolicy::kIgnore;
  for (auto* list : {&args.config.result_destinations, &args.config.forward_destinations})
    for (auto& d : *list) {
      d.calling_ae = args.config.aet;
      d.tls = args.config.destination_tls;
    }
  // Logs go to stderr (stdout stays for output a script reads); no patient identifiers in them.
  spdlog::set_default_logger(spdlog::stderr_color_mt("vigil"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %v");
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  const auto lesion_models = load_lesion_models(args.models);  // loaded once, shared by the workers
  wait_until_loaded(lesion_models.get());  // a node whose weights do not load does not start
  args.config.models = lesion_models.get();
  args.config.segmenter_candidates = args.models.segmenter_candidates;
  node::serve(args.config, g_stop);
  return kExitOk;
}

int run_status(const StatusArgs& args) {
  const std::string db = existing_database(args.storage, "status");
  if (db.empty()) return kExitInputMissing;
  node::NodeStore store(db);
  const auto studies = store.studies();
  if (args.json) {
    nlohmann::json j{{"states", store.state_counts()}, {"instances", store.instance_total()}};
    nlohmann::json list = nlohmann::json::array();
    for (const auto& s : studies)
      list.push_back({{"study", hash_uid(s.study_uid)}, {"state", s.state}, {"instances", s.instances},
                      {"attempts", s.attempts}, {"delivered", s.delivered}, {"deliveries", s.deliveries},
                      {"error", s.error}});
    j["studies"] = list;
    std::cout << j.dump(2) << "\n";
    return kExitOk;
  }
  for (const auto& [state, n] : store.state_counts()) std::printf("%-10s %lld\n", state.c_str(), static_cast<long long>(n));
  std::printf("\n%-14s %-10s %9s %8s %10s  %s\n", "study", "state", "instances", "attempts", "delivered", "error");
  for (const auto& s : studies)
    std::printf("%-14s %-10s %9lld %8lld %4lld/%-5lld  %s\n", hash_uid(s.study_uid).c_str(), s.state.c_str(),
                static_cast<long long>(s.instances), static_cast<long long>(s.attempts),
                static_cast<long long>(s.delivered), static_cast<long long>(s.deliveries), s.error.c_str());
  return kExitOk;
}

int run_worklist(const WorklistArgs& args) {
  const std::string db = existing_database(args.storage, "worklist");
  if (db.empty()) return kExitInputMissing;
  node::WorklistStore store(db, args.weights);
  const nlohmann::json list = store.list({}, node::now_s());
  if (args.json) {
    std::cout << nlohmann::json{{"studies", list}}.dump(2) << "\n";
    return kExitOk;
  }
  std::printf("%-3s %8s %-8s %-8s %8s %9s %-10s %s\n", "#", "priority", "fhir", "category", "findings", "waiting", "state", "study");
  int rank = 0;
  for (const auto& s : list)
    std::printf("%-3d %8.1f %-8s %-8s %8zu %8.1fh %-10s %s\n", ++rank, s["priority"].get<double>(),
                s["fhir_priority"].get<std::string>().c_str(), s["category"].get<std::string>().c_str(),
                s["finding_count"].get<std::size_t>(), s["waiting_s"].get<double>() / 3600,
                s["state"].get<std::string>().c_str(), hash_uid(s["study_instance_uid"].get<std::string>()).c_str());
  std::printf("Findings are algorithm output for review, not diagnoses.\n");
  return kExitOk;
}

}  // namespace vigil::cli
