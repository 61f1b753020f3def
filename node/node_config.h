#pragma once
// Settings of `vigil serve` (flags or the CLI11 config file; see docs/node.md).

#include <string>
#include <vector>

#include "dicom/store_scu.h"
#include "node/node_store.h"
#include "node/priority.h"
#include "node/routing.h"

namespace vigil::models {
class LesionModels;
}

namespace vigil::node {

struct NodeConfig {
  std::string aet = "VIGIL";
  int port = 11112;
  std::string storage = "vigil-node";      ///< instances, results, node.db, audit
  double stable_age_s = 5;                  ///< a study is complete after this long without new instances
  int max_associations = 20;
  /// New instances are refused (A700, out of resources: senders retry) while the storage folder's
  /// file system has less free space than this, so the studies already received can still be
  /// processed and their results written.
  double min_free_mb = 1024;
  /// Received instances of a study are removed this many days after it is done (0 = kept until an
  /// operator removes them). Results, worklist entries and the audit trail stay.
  double retain_days = 0;
  int max_pdu = 116794;
  std::vector<std::string> allowed_calling_aes;  ///< empty: any
  bool listen_any_host = false;             ///< accept associations from other hosts (default loopback only)
  std::vector<std::string> allowed_hosts;
  /// Routing: studies of these modalities run the lung pipeline; every study is forwarded to the
  /// forward destinations; results go to the result destinations.
  std::vector<std::string> pipeline_modalities{"CT"};
  std::vector<dicom::PacsAddress> result_destinations;
  std::vector<dicom::PacsAddress> forward_destinations;
  std::vector<RouteRule> routes;            ///< first match wins (node/routing.h)
  std::vector<dicom::PacsAddress> peers;    ///< known senders: results go back to them by default
  LatePolicy late_policy = LatePolicy::kIgnore;
  int workers = 1;
  /// The trained networks the pipeline uses (shared by the workers); nullptr: the classical detector.
  const models::LesionModels* models = nullptr;
  bool segmenter_candidates = false;  ///< pipeline::AnalysisOptions::segmenter_candidates
  int max_attempts = 5;
  double lease_s = 120;
  // Incoming DICOM over TLS on a second port (0 = off).
  int tls_port = 0;
  std::string tls_certificate, tls_private_key, tls_trusted_ca;
  bool tls_require_client_certificate = false;
  // Outgoing TLS to every destination.
  dicom::TlsSettings destination_tls;
  int http_port = 0;                        ///< /healthz, /metrics, worklist API and page on 127.0.0.1; 0 = off
  std::string api_token;                    ///< bearer token of the worklist API; empty = API off
  std::string http_tls_certificate, http_tls_private_key;  ///< HTTPS on the HTTP port when both are set
  std::string http_bind = "127.0.0.1";      ///< address the HTTP port binds (loopback by default)
  PriorityWeights priority;                 ///< the worklist's priority weights
  unsigned send_timeout_s = 30;
};

/// "AET@HOST:PORT" of a destination, the form used in config files and the status output.
std::string destination_name(const dicom::PacsAddress& address);

}  // namespace vigil::node
