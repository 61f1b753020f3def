#pragma once
// A real Orthanc (the Debian package) as the test PACS: started with a temporary storage folder
// and a generated configuration, stopped when the object goes away. Run the test executable in a
// private network namespace (tests/support/private_network.sh): Orthanc 1.10 cannot bind its
// DICOM port to loopback alone, and there it has nothing but loopback.

#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <string>

namespace vigil::test {

struct OrthancOptions {
  std::string aet = "ORTHANC";
  int dicom_port = 0;  ///< 0: a free port
  bool check_called_aet = true;
  // DICOM TLS (Orthanc >= 1.9): PEM paths.
  std::string tls_certificate, tls_private_key, tls_trusted;
  bool tls_require_client_certificate = false;
};

class Orthanc {
 public:
  /// Starts Orthanc in `folder` (created) on free ports and waits until its REST API answers.
  /// Fails the calling test (ADD_FAILURE) and leaves ok() false when it does not come up.
  Orthanc(const std::string& folder, const OrthancOptions& options = {});
  ~Orthanc();
  Orthanc(const Orthanc&) = delete;
  Orthanc& operator=(const Orthanc&) = delete;

  bool ok() const { return pid_ > 0; }
  int dicom_port() const { return dicom_port_; }
  int http_port() const { return http_port_; }
  const std::string& aet() const { return aet_; }

  /// GET on the REST API; JSON answer (null on failure).
  nlohmann::json get_json(const std::string& path) const;
  /// GET returning raw bytes (e.g. /instances/{id}/file).
  std::string get_bytes(const std::string& path) const;

 private:
  std::string folder_, aet_;
  int dicom_port_ = 0, http_port_ = 0;
  pid_t pid_ = -1;
};

/// Options for an Orthanc with DICOM TLS requiring client certificates, using NAME.crt/NAME.key
/// and ca.crt from `folder` (as made by make_test_certificates).
OrthancOptions tls_orthanc_options(const std::string& folder, const std::string& name);

/// A loopback TCP port nobody listens on at the time of the call.
int free_port();

}  // namespace vigil::test
