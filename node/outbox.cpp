#include "node/outbox.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

#include "core/uid_hash.h"

namespace vigil::node {

std::string destination_name(const dicom::PacsAddress& a) {
  return a.called_ae + "@" + a.host + ":" + std::to_string(a.port);
}

Outbox::Outbox(NodeStore& store, const NodeConfig& config) : store_(store), config_(config) {}

int Outbox::deliver_due() {
  const auto due = store_.due_deliveries(now_s(), 1000);
  int delivered = 0;
  std::map<std::string, std::vector<Delivery>> by_destination;
  for (const auto& d : due) by_destination[d.destination].push_back(d);
  for (auto& [name, items] : by_destination) {
    // Rows name their destination "AET@HOST:PORT" (rules may add any): our AE and TLS settings apply.
    dicom::PacsAddress destination = dicom::parse_pacs_address(name);
    destination.calling_ae = config_.aet;
    destination.tls = config_.destination_tls;
    std::vector<std::string> files;
    for (const auto& d : items) files.push_back(d.file);
    dicom::SendOptions once;
    once.attempts = 1;  // the outbox's own backoff retries, across restarts
    once.timeout_s = config_.send_timeout_s;
    const dicom::SendReport report = dicom::send_files(destination, files, once);
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (report.instances[i].stored) {
        store_.delivered(items[i], now_s());
        ++delivered;
      } else {
        // 2 s, 4 s, ... capped at 60 s: a PACS back after an outage gets everything within a minute.
        const double delay = std::min(60.0, 2.0 * std::pow(2.0, std::min(items[i].attempts, 10)));
        store_.delivery_failed(items[i], report.instances[i].message, now_s() + delay);
      }
    }
    if (report.failed() > 0)
      spdlog::warn("delivery to {}: {} of {} failed: {}", name, report.failed(), items.size(),
                   report.instances.front().message);
  }
  store_.finish_delivered_studies(now_s());
  return delivered;
}

void Outbox::run(const std::atomic<bool>& stop) {
  while (!stop) {
    int n = 0;
    try {
      n = deliver_due();
    } catch (const std::exception& e) {
      spdlog::error("outbox: {}", e.what());
    }
    if (n == 0)
      for (int i = 0; i < 5 && !stop; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace vigil::node
