#pragma once
// Sends DICOM files to a PACS: C-ECHO, then C-STORE of every file over one association (TLS when
// configured), with retry and exponential backoff, and a status for every instance.

#include <cstdint>
#include <string>
#include <vector>

namespace vigil::dicom {

struct TlsSettings {
  bool enabled = false;
  std::string certificate_pem;  ///< our certificate (optional when the peer does not ask)
  std::string private_key_pem;
  std::string trusted_ca_pem;   ///< the peer's certificate must chain to this
  bool verify_peer = true;
};

struct PacsAddress {
  std::string called_ae;   ///< the PACS's AE title
  std::string host;
  std::uint16_t port = 104;
  std::string calling_ae = "VIGIL";
  TlsSettings tls;
};

/// Parses "AET@HOST:PORT"; throws vigil::Error(kInvalidArgument) naming what is wrong.
PacsAddress parse_pacs_address(const std::string& text);

struct SendOptions {
  int attempts = 3;                 ///< associations tried before an instance counts as failed
  double first_backoff_s = 1.0;     ///< doubled after every failed attempt
  unsigned timeout_s = 30;          ///< connection, ACSE and DIMSE timeouts
};

struct InstanceStatus {
  std::string path;
  bool stored = false;
  std::uint16_t dimse_status = 0;   ///< the PACS's C-STORE response status (0 = success)
  std::string message;              ///< why it failed, for people
};

struct SendReport {
  std::vector<InstanceStatus> instances;
  int associations = 0;
  bool all_stored() const;
  std::size_t failed() const;
};

/// C-ECHO: throws vigil::Error(kIo) with the reason when the PACS does not answer.
void echo(const PacsAddress& pacs, const SendOptions& options = {});

/// C-STOREs `files`. Never throws for network or PACS errors: they are in the report, per
/// instance. Throws vigil::Error(kInvalidArgument) for unreadable TLS settings.
SendReport send_files(const PacsAddress& pacs, const std::vector<std::string>& files, const SendOptions& options = {});

}  // namespace vigil::dicom
