#pragma once
// C-STORE SCP (DCMTK thread pool): receives instances on concurrent associations, stores each to
// a temporary file and hands it to a StoreHandler, which must make it durable *before* this
// sends the C-STORE response. C-ECHO answered. Calling AE titles and peer hosts are checked.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace vigil::dicom {

struct IncomingInstance {
  std::string temp_path;        ///< the data set as received (Part 10 file); the handler moves or deletes it
  std::string sop_class_uid;    ///< from the C-STORE request
  std::string sop_instance_uid;
  std::string calling_ae;
  std::string peer_host;
};

struct AssociationSummary {
  std::string calling_ae, called_ae, peer_host;
  std::size_t stored = 0, refused = 0;
  std::string outcome;          ///< "released", "aborted", "rejected: <why>", ...
};

class StoreHandler {
 public:
  virtual ~StoreHandler() = default;
  /// Makes the instance durable; returns the DIMSE status for the response (0 = success,
  /// 0xA700 out of resources, 0xC000 cannot understand, ...). Called from several threads.
  virtual std::uint16_t on_instance(const IncomingInstance& instance) = 0;
  /// Called once per association when it ends (the audit trail).
  virtual void on_association(const AssociationSummary& summary) = 0;
};

struct StoreScpOptions {
  std::string aet = "VIGIL";
  std::uint16_t port = 11112;
  unsigned max_associations = 20;
  std::uint32_t max_pdu = 116794;             ///< bytes we accept per PDU (DCMTK's default)
  std::vector<std::string> allowed_calling_aes;  ///< empty: any calling AE
  /// DCMTK 3.6.7 cannot bind a listener to one address, so the port is open on every interface;
  /// with loopback_only (the default) associations from any other address are rejected.
  bool loopback_only = true;
  std::vector<std::string> allowed_hosts;      ///< extra peer addresses accepted when not loopback_only; empty = any
  std::string temp_dir;                        ///< where incoming data lands (same file system as storage)
  unsigned timeout_s = 30;                     ///< ACSE/DIMSE timeouts
  /// DICOM over TLS on a second port (0 = off), BCP 195 profile, PEM files. DCMTK 3.6.7's pool has
  /// no TLS hook, so TLS associations are served one at a time by their own listener.
  std::uint16_t tls_port = 0;
  std::string tls_certificate, tls_private_key, tls_trusted_ca;
  bool tls_require_client_certificate = false;
};

class StoreScp {
 public:
  StoreScp(StoreScpOptions options, StoreHandler& handler);
  ~StoreScp();
  /// Listens until stop(); returns when the listener and all associations have ended.
  /// Throws vigil::Error(kIo) when the port cannot be opened.
  void run();
  /// Asks run() to return: no new associations, running ones finish. Safe from any thread.
  void stop();

 private:
  struct Pool;
  StoreScpOptions options_;
  StoreHandler& handler_;
  std::unique_ptr<Pool> pool_;
};

}  // namespace vigil::dicom
