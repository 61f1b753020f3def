#include "node/node_service.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "core/error.h"
#include "dicom/header_parser.h"
#include "dicom/store_scp.h"
#include "node/health_server.h"
#include "node/node_store.h"
#include "node/outbox.h"
#include "node/receiver.h"
#include "node/retention.h"
#include "node/study_worker.h"
#include "node/worklist_api.h"
#include "node/worklist_store.h"

namespace vigil::node {

void serve(const NodeConfig& config, const std::atomic<bool>& stop) {
  std::filesystem::create_directories(config.storage + "/incoming");
  std::filesystem::create_directories(config.storage + "/instances");
  std::filesystem::create_directories(config.storage + "/results");
  NodeStore store(config.storage + "/node.db", config.max_attempts);
  // A previous run's leases belong to nobody now: hand them back so the studies run again.
  if (const int n = store.release_all_leases()) spdlog::info("resuming {} interrupted stud(ies)", n);
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(config.storage + "/incoming", ec))
    std::filesystem::remove(e.path(), ec);  // partial transfers never got a success response

  // An instance renamed into place whose row never committed (crash between the two; no success
  // response was sent for it) is recorded now rather than left invisible on disk.
  int recovered = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(config.storage + "/instances", ec)) {
    if (!e.is_regular_file() || e.path().extension() != ".dcm") continue;
    if (store.has_instance(e.path().stem().string())) continue;
    try {
      const auto h = dicom::read_instance_header(e.path().string());
      store.record_instance({h.sop_instance_uid, h.sop_class_uid, h.study_instance_uid, h.series_instance_uid,
                             h.modality, e.path().string(), static_cast<std::int64_t>(e.file_size()), ""},
                            config.late_policy, now_s());
      ++recovered;
    } catch (const std::exception& x) {
      spdlog::error("stored file {} unreadable at start-up: {}", e.path().filename().string(), x.what());
    }
  }
  if (recovered) spdlog::warn("recorded {} instance(s) found on disk but missing from the database", recovered);

  Receiver receiver(store, config);
  dicom::StoreScpOptions scp;
  scp.aet = config.aet;
  scp.port = static_cast<std::uint16_t>(config.port);
  scp.max_associations = static_cast<unsigned>(config.max_associations);
  scp.max_pdu = static_cast<std::uint32_t>(config.max_pdu);
  scp.allowed_calling_aes = config.allowed_calling_aes;
  scp.loopback_only = !config.listen_any_host;
  scp.allowed_hosts = config.allowed_hosts;
  scp.temp_dir = config.storage + "/incoming";
  scp.tls_port = static_cast<std::uint16_t>(config.tls_port);
  scp.tls_certificate = config.tls_certificate;
  scp.tls_private_key = config.tls_private_key;
  scp.tls_trusted_ca = config.tls_trusted_ca;
  scp.tls_require_client_certificate = config.tls_require_client_certificate;
  dicom::StoreScp listener(scp, receiver);

  std::atomic<bool> workers_stop{false};
  std::string listener_error;
  std::thread scp_thread([&] {
    try {
      listener.run();
    } catch (const std::exception& e) {
      listener_error = e.what();
      spdlog::critical("DICOM listener stopped: {}", e.what());
      workers_stop = true;
    }
  });
  std::thread tracker([&] {
    double retention_pass_at = 0;
    while (!workers_stop) {
      try {
        const double now = now_s();
        if (const int n = store.complete_stable_studies(config.stable_age_s, now)) spdlog::info("{} stud(ies) complete", n);
        store.recover_expired_leases(now);
        if (config.retain_days > 0 && now >= retention_pass_at) {
          retention_pass_at = now + 5;  // a cheap indexed query; files go only for expired studies
          purge_expired_originals(store, config.retain_days * 86400.0, now);
        }
      } catch (const std::exception& e) {
        spdlog::error("tracker: {}", e.what());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });
  std::unique_ptr<WorklistStore> worklist;
  if (!config.api_token.empty()) worklist = std::make_unique<WorklistStore>(config.storage + "/node.db", config.priority);
  std::vector<std::thread> workers;
  for (int i = 0; i < std::max(1, config.workers); ++i)
    workers.emplace_back([&, i] {
      StudyWorker(store, config, "worker-" + std::to_string(i), worklist.get()).run(workers_stop);
    });
  Outbox outbox(store, config);
  std::thread outbox_thread([&] { outbox.run(workers_stop); });
  std::unique_ptr<HealthServer> health;
  std::thread health_thread;
  if (config.http_port > 0) {
    health = std::make_unique<HealthServer>(store, config.http_port, config.http_tls_certificate,
                                            config.http_tls_private_key, config.http_bind);
    if (worklist)
      health->add_routes([&](httplib::Server& server) { add_worklist_routes(server, *worklist, config.api_token); });
    health_thread = std::thread([&] {
      try {
        health->run();
      } catch (const std::exception& e) {
        spdlog::error("{}", e.what());
      }
    });
  }
  spdlog::info("vigil serve: AE {} on port {} ({}), storage {}", config.aet, config.port,
               config.listen_any_host ? "any host" : "loopback peers only", config.storage);
  if (config.tls_port > 0) spdlog::info("DICOM TLS on port {}", config.tls_port);
  for (const auto& d : config.result_destinations) spdlog::info("results go to {}", destination_name(d));
  for (const auto& d : config.forward_destinations) spdlog::info("studies are forwarded to {}", destination_name(d));

  while (!stop && !workers_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  spdlog::info("stopping: no new associations; finishing current work");
  listener.stop();
  scp_thread.join();
  workers_stop = true;
  for (auto& w : workers) w.join();
  outbox_thread.join();
  tracker.join();
  if (health) {
    health->stop();
    health_thread.join();
  }
  if (!listener_error.empty()) throw Error(ErrorCode::kIo, listener_error);
  spdlog::info("stopped cleanly");
}

}  // namespace vigil::node
