#include "dicom/store_scu.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/diutil.h>
#include <dcmtk/dcmnet/scu.h>
#include <dcmtk/dcmtls/tlsscu.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <thread>

#include "core/error.h"
#include "dicom/dcmtk_setup.h"

namespace vigil::dicom {
namespace {

// DCMTK as Debian builds it leaves Nagle's algorithm on unless this is set: each small PDU then
// waits ~40 ms for an ACK (13.9 s instead of 0.37 s for a 100-slice series, toolchain notes).
void disable_nagle() { ::setenv("TCP_NODELAY", "1", 0); }

std::string sop_class_of(const std::string& path) {
  DcmFileFormat file;
  if (file.loadFile(path.c_str(), EXS_Unknown, EGL_noChange, 256).bad()) return {};
  OFString uid;
  if (file.getMetaInfo()->findAndGetOFString(DCM_MediaStorageSOPClassUID, uid).good() && !uid.empty())
    return uid.c_str();
  if (file.getDataset()->findAndGetOFString(DCM_SOPClassUID, uid).good()) return uid.c_str();
  return {};
}

std::string hex_status(std::uint16_t s) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "%04X", s);
  return buffer;
}

// Success and the C-STORE warnings (coercion, elements discarded, not validated): stored.
bool stored_status(std::uint16_t s) { return s == 0x0000 || s == 0xB000 || s == 0xB006 || s == 0xB007; }

class Association {
 public:
  Association(const PacsAddress& pacs, const SendOptions& options) {
    disable_nagle();
    if (pacs.tls.enabled) {
      auto tls = std::make_unique<DcmTLSSCU>();
      tls_ = tls.get();
      if (!pacs.tls.certificate_pem.empty())
        tls->enableAuthentication(pacs.tls.private_key_pem.c_str(), pacs.tls.certificate_pem.c_str());
      if (!pacs.tls.trusted_ca_pem.empty()) tls->addTrustedCertFile(pacs.tls.trusted_ca_pem.c_str());
      tls->setPeerCertVerification(pacs.tls.verify_peer ? DCV_requireCertificate : DCV_ignoreCertificate);
      scu_ = std::move(tls);
    } else {
      scu_ = std::make_unique<DcmSCU>();
    }
    scu_->setAETitle(pacs.calling_ae.c_str());
    scu_->setPeerAETitle(pacs.called_ae.c_str());
    scu_->setPeerHostName(pacs.host.c_str());
    scu_->setPeerPort(pacs.port);
    scu_->setConnectionTimeout(static_cast<Sint32>(options.timeout_s));
    scu_->setACSETimeout(options.timeout_s);
    scu_->setDIMSETimeout(options.timeout_s);
    scu_->setDIMSEBlockingMode(DIMSE_NONBLOCKING);
  }

  void propose(const std::string& sop_class) {
    // Explicit first; Implicit Little Endian is what every PACS must accept (PS3.5 10.1).
    OFList<OFString> syntaxes;
    syntaxes.push_back(UID_LittleEndianExplicitTransferSyntax);
    syntaxes.push_back(UID_LittleEndianImplicitTransferSyntax);
    scu_->addPresentationContext(sop_class.c_str(), syntaxes);
  }

  /// Empty on success, else why the association failed.
  std::string open() {
    OFCondition c = scu_->initNetwork();
    // BCP 195 (current TLS versions and ciphers only); DCMTK accepts it only after initNetwork.
    if (c.good() && tls_) c = tls_->setTLSProfile(TSP_Profile_BCP195);
    if (c.good()) c = scu_->negotiateAssociation();
    if (c.bad()) return c.text();
    return {};
  }

  DcmSCU& scu() { return *scu_; }
  ~Association() {
    if (scu_->isConnected()) scu_->releaseAssociation();
  }

 private:
  std::unique_ptr<DcmSCU> scu_;  // a DcmTLSSCU when TLS is on
  DcmTLSSCU* tls_ = nullptr;     // scu_ itself, when it is one
};

}  // namespace

bool SendReport::all_stored() const { return failed() == 0; }

std::size_t SendReport::failed() const {
  std::size_t n = 0;
  for (const auto& i : instances) n += !i.stored;
  return n;
}

PacsAddress parse_pacs_address(const std::string& text) {
  const auto at = text.find('@'), colon = text.rfind(':');
  if (at == std::string::npos || colon == std::string::npos || colon < at || at == 0 || colon == at + 1)
    throw Error(ErrorCode::kInvalidArgument, "PACS address '" + text + "' is not AET@HOST:PORT");
  PacsAddress a;
  a.called_ae = text.substr(0, at);
  a.host = text.substr(at + 1, colon - at - 1);
  if (a.called_ae.size() > 16)
    throw Error(ErrorCode::kInvalidArgument, "AE title '" + a.called_ae + "' is longer than 16 characters");
  const std::string port = text.substr(colon + 1);
  char* end = nullptr;
  const long p = std::strtol(port.c_str(), &end, 10);
  if (port.empty() || *end != '\0' || p < 1 || p > 65535)
    throw Error(ErrorCode::kInvalidArgument, "PACS port '" + port + "' is not a number from 1 to 65535");
  a.port = static_cast<std::uint16_t>(p);
  return a;
}

void echo(const PacsAddress& pacs, const SendOptions& options) {
  ensure_dcmtk_ready();
  Association association(pacs, options);
  association.propose(UID_VerificationSOPClass);
  const std::string why = association.open();
  const std::string where = pacs.called_ae + "@" + pacs.host + ":" + std::to_string(pacs.port);
  if (!why.empty()) throw Error(ErrorCode::kIo, "PACS " + where + " refused or did not answer: " + why);
  const OFCondition c = association.scu().sendECHORequest(0);
  if (c.bad()) throw Error(ErrorCode::kIo, "C-ECHO to " + where + " failed: " + std::string(c.text()));
}

SendReport send_files(const PacsAddress& pacs, const std::vector<std::string>& files, const SendOptions& options) {
  ensure_dcmtk_ready();
  SendReport report;
  std::vector<std::string> classes(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    report.instances.push_back({files[i], false, 0, "not sent"});
    classes[i] = sop_class_of(files[i]);
    if (classes[i].empty()) report.instances[i].message = "not a readable DICOM file";
  }
  std::vector<bool> final_answer(files.size(), false);
  for (std::size_t i = 0; i < files.size(); ++i) final_answer[i] = classes[i].empty();
  double backoff = options.first_backoff_s;
  for (int attempt = 1; attempt <= options.attempts; ++attempt) {
    std::map<std::string, bool> needed;
    for (std::size_t i = 0; i < files.size(); ++i)
      if (!final_answer[i]) needed[classes[i]] = true;
    if (needed.empty()) break;
    Association association(pacs, options);
    for (const auto& [sop_class, unused] : needed) association.propose(sop_class);
    ++report.associations;
    const std::string why = association.open();
    bool transport_failed = !why.empty();
    if (transport_failed) {
      for (std::size_t i = 0; i < files.size(); ++i)
        if (!final_answer[i]) report.instances[i].message = "association failed (attempt " + std::to_string(attempt) + "): " + why;
    }
    for (std::size_t i = 0; i < files.size() && !transport_failed; ++i) {
      if (final_answer[i]) continue;
      InstanceStatus& status = report.instances[i];
      const T_ASC_PresentationContextID context = association.scu().findPresentationContextID(classes[i].c_str(), "");
      if (context == 0) {
        status.message = "the PACS accepted no presentation context for SOP class " + classes[i];
        final_answer[i] = true;
        continue;
      }
      Uint16 response = 0;
      const OFCondition c = association.scu().sendSTORERequest(context, files[i].c_str(), nullptr, response);
      if (c.bad()) {
        status.message = "C-STORE failed (attempt " + std::to_string(attempt) + "): " + std::string(c.text());
        transport_failed = true;
        break;
      }
      status.dimse_status = response;
      final_answer[i] = true;  // the PACS answered: success, warning or refusal is its decision
      status.stored = stored_status(response);
      status.message = status.stored ? (response == 0 ? "stored" : "stored with warning " + hex_status(response))
                                     : "refused by the PACS with status " + hex_status(response);
    }
    if (!transport_failed) continue;
    if (attempt < options.attempts) {
      std::this_thread::sleep_for(std::chrono::duration<double>(backoff));
      backoff *= 2;
    }
  }
  return report;
}

}  // namespace vigil::dicom
