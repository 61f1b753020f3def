#include "node/health_server.h"

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "core/error.h"
#include "core/version.h"

namespace vigil::node {

namespace {
const std::vector<double> kBuckets{0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300};
}  // namespace

std::string metrics_text(NodeStore& store) {
  std::ostringstream out;
  out << "# HELP vigil_instances_received_total DICOM instances received and stored by the node (duplicates not).\n"
      << "# TYPE vigil_instances_received_total counter\n"
      << "vigil_instances_received_total " << store.instances_received_total() << "\n"
      << "# HELP vigil_instances_stored Received instances on disk now (retention removes old ones).\n"
      << "# TYPE vigil_instances_stored gauge\n"
      << "vigil_instances_stored " << store.instance_total() << "\n"
      << "# HELP vigil_studies Studies by lifecycle state.\n# TYPE vigil_studies gauge\n";
  for (const auto& [state, n] : store.state_counts()) out << "vigil_studies{state=\"" << state << "\"} " << n << "\n";
  out << "# HELP vigil_delivery_failures_total Failed C-STORE attempts to destinations.\n"
      << "# TYPE vigil_delivery_failures_total counter\nvigil_delivery_failures_total " << store.delivery_failures()
      << "\n# HELP vigil_stage_seconds Pipeline stage durations.\n# TYPE vigil_stage_seconds histogram\n";
  for (const auto& [stage, h] : store.stage_histograms(kBuckets)) {
    for (std::size_t i = 0; i < kBuckets.size(); ++i)
      out << "vigil_stage_seconds_bucket{stage=\"" << stage << "\",le=\"" << kBuckets[i] << "\"} " << h.counts[i] << "\n";
    out << "vigil_stage_seconds_bucket{stage=\"" << stage << "\",le=\"+Inf\"} " << h.count << "\n";
    out << "vigil_stage_seconds_sum{stage=\"" << stage << "\"} " << h.sum << "\n";
    out << "vigil_stage_seconds_count{stage=\"" << stage << "\"} " << h.count << "\n";
  }
  return out.str();
}

struct HealthServer::Impl {
  NodeStore& store;
  int port;
  std::string bind_address;
  std::unique_ptr<httplib::Server> server;
};

HealthServer::HealthServer(NodeStore& store, int port, const std::string& tls_certificate,
                           const std::string& tls_private_key, std::string bind_address)
    : impl_(new Impl{store, port, std::move(bind_address), nullptr}) {
  if (!tls_certificate.empty()) {
    auto https = std::make_unique<httplib::SSLServer>(tls_certificate.c_str(), tls_private_key.c_str());
    if (!https->is_valid())
      throw Error(ErrorCode::kInvalidArgument, "HTTPS: cannot load certificate " + tls_certificate + " / key " +
                                                   tls_private_key);
    impl_->server = std::move(https);
  } else {
    impl_->server = std::make_unique<httplib::Server>();
  }
  impl_->server->Get("/healthz", [this](const httplib::Request&, httplib::Response& response) {
    nlohmann::json j{{"status", "ok"}, {"version", kVersion}, {"studies", impl_->store.state_counts()}};
    response.set_content(j.dump(), "application/json");
  });
  impl_->server->Get("/metrics", [this](const httplib::Request&, httplib::Response& response) {
    response.set_content(metrics_text(impl_->store), "text/plain; version=0.0.4");
  });
}

HealthServer::~HealthServer() = default;

void HealthServer::run() {
  if (!impl_->server->listen(impl_->bind_address.c_str(), impl_->port))
    throw Error(ErrorCode::kIo, "HTTP port " + std::to_string(impl_->port) + " on " + impl_->bind_address +
                                    " cannot be bound");
}

void HealthServer::stop() { impl_->server->stop(); }

void HealthServer::add_routes(const std::function<void(httplib::Server&)>& install) { install(*impl_->server); }

}  // namespace vigil::node
