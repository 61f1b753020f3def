#include "dicom/store_scp.h"

#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/diutil.h>
#include <dcmtk/dcmnet/scppool.h>
#include <dcmtk/dcmnet/scpthrd.h>
#include <dcmtk/dcmtls/tlslayer.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <thread>

#include "core/error.h"
#include "dicom/dcmtk_setup.h"

namespace vigil::dicom {
namespace {

// DCMTK's pool constructs workers itself (default constructor), so they reach the options and the
// handler through this process-wide context: one StoreScp runs per process.
struct Context {
  const StoreScpOptions* options = nullptr;
  StoreHandler* handler = nullptr;
  std::atomic<std::uint64_t> counter{0};
};
Context g_context;

bool is_loopback(const std::string& host) {
  return host == "127.0.0.1" || host == "::1" || host == "localhost" || host.rfind("127.", 0) == 0 ||
         host == "::ffff:127.0.0.1";
}

std::string trimmed(const std::string& s) {
  const auto first = s.find_first_not_of(' ');
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(' ') - first + 1);
}

// Host part of DCMTK's presentation address ("host:port" or just "host").
std::string host_of(const char* address) {
  std::string a = address ? address : "";
  const auto colon = a.rfind(':');
  if (colon != std::string::npos && a.find(':') == colon) a = a.substr(0, colon);
  return a;
}

template <typename Base>
class Worker : public Base {
 protected:
  OFBool checkCallingAETitleAccepted(const OFString& calling_padded) override {
    const auto& allowed = g_context.options->allowed_calling_aes;
    const std::string calling = trimmed(calling_padded.c_str());  // AE titles arrive space-padded
    summary_.calling_ae = calling;
    if (allowed.empty() || std::find(allowed.begin(), allowed.end(), calling) != allowed.end()) return OFTrue;
    summary_.outcome = "rejected: calling AE title not allowed";
    return OFFalse;
  }

  OFBool checkCallingHostAccepted(const OFString& name) override {
    const StoreScpOptions& o = *g_context.options;
    // The peer's IP address from the connection itself (DCMTK may pass an empty name here).
    const std::string ip = this->getPeerIP().c_str();
    const std::string host = ip.empty() ? std::string(name.c_str()) : ip;
    summary_.peer_host = host;
    bool ok = is_loopback(host);
    if (!ok && !o.loopback_only)
      ok = o.allowed_hosts.empty() ||
           std::find(o.allowed_hosts.begin(), o.allowed_hosts.end(), host) != o.allowed_hosts.end();
    if (!ok) summary_.outcome = "rejected: peer host not allowed";
    return ok ? OFTrue : OFFalse;
  }

  // DCMTK calls this after the AE and host checks: keep what they recorded.
  void notifyAssociationRequest(const T_ASC_Parameters& params, DcmSCPActionType& action) override {
    if (summary_.calling_ae.empty()) summary_.calling_ae = trimmed(params.DULparams.callingAPTitle);
    summary_.called_ae = trimmed(params.DULparams.calledAPTitle);
    if (summary_.peer_host.empty()) summary_.peer_host = this->getPeerIP().c_str();
    if (summary_.peer_host.empty()) summary_.peer_host = host_of(params.DULparams.callingPresentationAddress);
    Base::notifyAssociationRequest(params, action);
  }

  void notifyReleaseRequest() override {
    summary_.outcome = "released";
    Base::notifyReleaseRequest();
  }
  void notifyAbortRequest() override {
    summary_.outcome = "aborted by the peer";
    Base::notifyAbortRequest();
  }

  // A broken or hostile PDU stream (e.g. a P-DATA longer than negotiated): DCMTK aborts the
  // association after this; the audit trail says why instead of "ended".
  void notifyDIMSEError(const OFCondition& condition) override {
    if (summary_.outcome.empty()) summary_.outcome = std::string("aborted: ") + condition.text();
    Base::notifyDIMSEError(condition);
  }

  void notifyAssociationTermination() override {
    if (summary_.outcome.empty()) summary_.outcome = "ended";
    if (!reported_) g_context.handler->on_association(summary_);
    reported_ = false;
    summary_ = {};
    Base::notifyAssociationTermination();
  }

  void refuseAssociation(const DcmRefuseReasonType reason) override {
    if (summary_.outcome.empty()) summary_.outcome = "rejected (DCMTK refuse reason " + std::to_string(reason) + ")";
    g_context.handler->on_association(summary_);
    reported_ = true;  // termination follows; it must not report the same association again
    summary_ = {};
    Base::refuseAssociation(reason);
  }

  OFCondition handleIncomingCommand(T_DIMSE_Message* message, const DcmPresentationContextInfo& info) override {
    if (message->CommandField != DIMSE_C_STORE_RQ) return Base::handleIncomingCommand(message, info);
    T_DIMSE_C_StoreRQ& request = message->msg.CStoreRQ;
    const StoreScpOptions& o = *g_context.options;
    const std::string temp = o.temp_dir + "/" + std::to_string(::getpid()) + "-" +
                             std::to_string(g_context.counter.fetch_add(1)) + ".part";
    const OFCondition received = this->receiveSTORERequest(request, info.presentationContextID, temp.c_str());
    if (received.bad()) {
      // Aborted or broken mid-transfer: nothing half-stored survives.
      std::error_code ec;
      std::filesystem::remove(temp, ec);
      ++summary_.refused;
      summary_.outcome = std::string("transfer failed: ") + received.text();
      return received;
    }
    IncomingInstance incoming{temp, request.AffectedSOPClassUID, request.AffectedSOPInstanceUID, summary_.calling_ae,
                              summary_.peer_host};
    std::uint16_t status = 0xA700;
    try {
      status = g_context.handler->on_instance(incoming);
    } catch (const std::exception&) {
      status = 0xA700;  // out of resources: the sender may retry
    }
    std::error_code ec;
    if (status != 0) std::filesystem::remove(temp, ec);
    (status == 0 || (status & 0xF000) == 0xB000) ? ++summary_.stored : ++summary_.refused;
    return this->sendSTOREResponse(info.presentationContextID, request, status);
  }

 private:
  AssociationSummary summary_;
  bool reported_ = false;
};

OFList<OFString> accepted_transfer_syntaxes() {
  OFList<OFString> ts;
  for (const char* uid : {UID_LittleEndianExplicitTransferSyntax, UID_LittleEndianImplicitTransferSyntax,
                          UID_BigEndianExplicitTransferSyntax, UID_DeflatedExplicitVRLittleEndianTransferSyntax,
                          UID_JPEGProcess14SV1TransferSyntax, UID_JPEGProcess14TransferSyntax,
                          UID_JPEGProcess1TransferSyntax, UID_JPEGProcess2_4TransferSyntax,
                          UID_JPEGLSLosslessTransferSyntax, UID_JPEGLSLossyTransferSyntax, UID_RLELosslessTransferSyntax,
                          UID_JPEG2000LosslessOnlyTransferSyntax, UID_JPEG2000TransferSyntax})
    ts.push_back(uid);
  return ts;
}

void configure(DcmSCPConfig& config, const StoreScpOptions& o, std::uint16_t port);

}  // namespace

struct StoreScp::Pool {
  DcmSCPPool<Worker<DcmThreadSCP>> pool;
  std::atomic<bool> stop{false};
};

namespace {

void configure(DcmSCPConfig& config, const StoreScpOptions& o, std::uint16_t port) {
  config.setAETitle(o.aet.c_str());
  config.setPort(port);
  config.setMaxReceivePDULength(o.max_pdu);
  config.setACSETimeout(o.timeout_s);
  config.setDIMSETimeout(o.timeout_s);
  config.setDIMSEBlockingMode(DIMSE_NONBLOCKING);
  // Wake up every second so stop() is noticed while idle.
  config.setConnectionBlockingMode(DUL_NOBLOCK);
  config.setConnectionTimeout(1);
  config.setHostLookupEnabled(OFFalse);
  const OFList<OFString> syntaxes = accepted_transfer_syntaxes();
  OFList<OFString> verification;
  verification.push_back(UID_LittleEndianExplicitTransferSyntax);
  verification.push_back(UID_LittleEndianImplicitTransferSyntax);
  OFCondition added = config.addPresentationContext(UID_VerificationSOPClass, verification);
  // A DCMTK association profile holds at most 128 contexts: the storage classes storescu
  // proposes (CT, MR, SR, SEG, SC, KOS, PET, ... the ones a PACS node meets), then as many of the
  // remaining storage classes as fit.
  std::vector<std::string> classes;
  for (int i = 0; i < numberOfDcmLongSCUStorageSOPClassUIDs; ++i) classes.push_back(dcmLongSCUStorageSOPClassUIDs[i]);
  for (int i = 0; i < numberOfDcmAllStorageSOPClassUIDs && classes.size() < 127; ++i)
    if (std::find(classes.begin(), classes.end(), dcmAllStorageSOPClassUIDs[i]) == classes.end())
      classes.push_back(dcmAllStorageSOPClassUIDs[i]);
  for (std::size_t i = 0; i < classes.size() && added.good(); ++i)
    added = config.addPresentationContext(classes[i].c_str(), syntaxes);
  if (added.bad()) throw Error(ErrorCode::kInternal, std::string("DICOM listener configuration: ") + added.text());
}

// TLS associations: DCMTK 3.6.7's SCP pool and DcmSCP::listen() have no TLS hook, so this loop
// accepts them itself (ASC_receiveAssociation with the secure layer, as storescp --tls does) and
// serves each on its own thread, like the pool does for plain TCP: up to max_associations at once,
// further requests rejected (transient, local limit exceeded).
void run_tls(const StoreScpOptions& o, const std::atomic<bool>& stop) {
  DcmTLSTransportLayer layer(NET_ACCEPTOR, nullptr, OFTrue);
  auto require = [](const OFCondition& c, const std::string& what) {
    if (c.bad()) throw Error(ErrorCode::kInvalidArgument, "TLS listener: " + what + ": " + c.text());
  };
  require(layer.setTLSProfile(TSP_Profile_BCP195), "profile");
  require(layer.activateCipherSuites(), "cipher suites");
  require(layer.setPrivateKeyFile(o.tls_private_key.c_str(), DCF_Filetype_PEM), "private key " + o.tls_private_key);
  require(layer.setCertificateFile(o.tls_certificate.c_str(), DCF_Filetype_PEM), "certificate " + o.tls_certificate);
  if (!layer.checkPrivateKeyMatchesCertificate())
    throw Error(ErrorCode::kInvalidArgument, "TLS listener: private key does not match the certificate");
  if (!o.tls_trusted_ca.empty())
    require(layer.addTrustedCertificateFile(o.tls_trusted_ca.c_str(), DCF_Filetype_PEM), "trusted " + o.tls_trusted_ca);
  layer.setCertificateVerification(o.tls_require_client_certificate ? DCV_requireCertificate : DCV_checkCertificate);

  T_ASC_Network* network = nullptr;
  require(ASC_initializeNetwork(NET_ACCEPTOR, o.tls_port, static_cast<int>(o.timeout_s), &network), "network");
  const OFCondition attached = ASC_setTransportLayer(network, &layer, 0);
  if (attached.bad()) {
    ASC_dropNetwork(&network);
    require(attached, "transport layer");
  }
  struct {
    std::mutex mutex;
    std::condition_variable idle;
    unsigned active = 0;
  } workers;
  while (!stop) {
    if (!ASC_associationWaiting(network, 1)) continue;
    T_ASC_Association* association = nullptr;
    const OFCondition received = ASC_receiveAssociation(network, &association, static_cast<long>(o.max_pdu), nullptr,
                                                        nullptr, OFTrue, DUL_NOBLOCK, static_cast<int>(o.timeout_s));
    if (received.bad()) {
      // A failed handshake (no or untrusted certificate, plain TCP): nothing to serve.
      if (association) {
        ASC_dropAssociation(association);
        ASC_destroyAssociation(&association);
      }
      continue;
    }
    {
      std::lock_guard<std::mutex> lock(workers.mutex);
      if (workers.active >= o.max_associations) {
        T_ASC_RejectParameters reject{ASC_RESULT_REJECTEDTRANSIENT, ASC_SOURCE_SERVICEPROVIDER_PRESENTATION_RELATED,
                                      ASC_REASON_SP_PRES_LOCALLIMITEXCEEDED};
        ASC_rejectAssociation(association, &reject);
        ASC_dropAssociation(association);
        ASC_destroyAssociation(&association);
        continue;
      }
      ++workers.active;
    }
    std::thread([&o, &workers, association] {
      {
        Worker<DcmThreadSCP> worker;
        configure(worker.getConfig(), o, o.tls_port);
        worker.run(association);  // takes the association over and ends it
      }
      std::lock_guard<std::mutex> lock(workers.mutex);
      --workers.active;
      workers.idle.notify_all();
    }).detach();
  }
  // The workers use the network and the TLS layer: both live until the last one has ended.
  std::unique_lock<std::mutex> lock(workers.mutex);
  workers.idle.wait(lock, [&] { return workers.active == 0; });
  lock.unlock();
  ASC_dropNetwork(&network);
}

}  // namespace

StoreScp::StoreScp(StoreScpOptions options, StoreHandler& handler)
    : options_(std::move(options)), handler_(handler), pool_(std::make_unique<Pool>()) {}

StoreScp::~StoreScp() = default;

void StoreScp::run() {
  ensure_dcmtk_ready();
  ::setenv("TCP_NODELAY", "1", 0);  // see store_scu.cpp: no Nagle stall on responses
  std::filesystem::create_directories(options_.temp_dir);
  g_context.options = &options_;
  g_context.handler = &handler_;
  configure(pool_->pool.getConfig(), options_, options_.port);
  pool_->pool.setMaxThreads(static_cast<Uint16>(options_.max_associations));
  std::string tls_error;
  std::thread tls;
  if (options_.tls_port > 0)
    tls = std::thread([&] {
      try {
        run_tls(options_, pool_->stop);
      } catch (const std::exception& e) {
        tls_error = e.what();
        stop();
      }
    });
  const OFCondition c = pool_->pool.listen();
  pool_->stop = true;
  if (tls.joinable()) tls.join();
  if (!tls_error.empty()) throw Error(ErrorCode::kIo, tls_error);
  if (c.bad() && c != NET_EC_StopAfterConnectionTimeout && c != NET_EC_StopAfterAssociation)
    throw Error(ErrorCode::kIo, "DICOM listener on port " + std::to_string(options_.port) + ": " + c.text());
}

void StoreScp::stop() {
  pool_->stop = true;
  pool_->pool.stopAfterCurrentAssociations();
}

}  // namespace vigil::dicom
