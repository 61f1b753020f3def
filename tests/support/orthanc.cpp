#include "tests/support/orthanc.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

namespace vigil::test {

int free_port() {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(s);
  return ntohs(a.sin_port);
}

OrthancOptions tls_orthanc_options(const std::string& folder, const std::string& name) {
  OrthancOptions o;
  o.tls_certificate = folder + "/" + name + ".crt";
  o.tls_private_key = folder + "/" + name + ".key";
  o.tls_trusted = folder + "/ca.crt";
  o.tls_require_client_certificate = true;
  return o;
}

Orthanc::Orthanc(const std::string& folder, const OrthancOptions& options) : folder_(folder), aet_(options.aet) {
  std::filesystem::create_directories(folder_ + "/storage");
  dicom_port_ = options.dicom_port > 0 ? options.dicom_port : free_port();
  http_port_ = free_port();
  while (http_port_ == dicom_port_) http_port_ = free_port();
  nlohmann::json config = {{"Name", "VigilTestPACS"},
                           {"StorageDirectory", folder_ + "/storage"},
                           {"IndexDirectory", folder_ + "/storage"},
                           {"HttpPort", http_port_},
                           {"DicomPort", dicom_port_},
                           {"DicomAet", aet_},
                           {"RemoteAccessAllowed", false},
                           {"AuthenticationEnabled", false},
                           {"DicomCheckCalledAet", options.check_called_aet},
                           {"DicomAlwaysAllowStore", true},
                           {"DicomAlwaysAllowEcho", true},
                           {"Plugins", nlohmann::json::array()},
                           {"HttpDescribeErrors", true}};
  if (!options.tls_certificate.empty()) {
    config["DicomTlsEnabled"] = true;
    config["DicomTlsCertificate"] = options.tls_certificate;
    config["DicomTlsPrivateKey"] = options.tls_private_key;
    config["DicomTlsTrustedCertificates"] = options.tls_trusted;
    config["DicomTlsRemoteCertificateRequired"] = options.tls_require_client_certificate;
  }
  const std::string config_path = folder_ + "/orthanc.json";
  std::ofstream(config_path) << config.dump(2);

  pid_ = ::fork();
  if (pid_ == 0) {
    const std::string log = folder_ + "/orthanc.log";
    FILE* out = std::freopen(log.c_str(), "w", stdout);
    (void)out;
    ::dup2(::fileno(stdout), STDERR_FILENO);
    ::setenv("TCP_NODELAY", "1", 1);  // Orthanc's DCMTK too (toolchain notes)
    ::execlp("Orthanc", "Orthanc", config_path.c_str(), static_cast<char*>(nullptr));
    std::_Exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!get_json("/system").is_null()) return;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::ifstream log(folder_ + "/orthanc.log");
  const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  ADD_FAILURE() << "Orthanc did not start; its log:\n" << text;
  if (pid_ > 0) ::kill(pid_, SIGKILL), ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

Orthanc::~Orthanc() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  for (int i = 0; i < 100; ++i) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
}

std::string Orthanc::get_bytes(const std::string& path) const {
  httplib::Client client("127.0.0.1", http_port_);
  client.set_connection_timeout(2);
  const auto response = client.Get(path.c_str());
  if (!response || response->status != 200) return {};
  return response->body;
}

nlohmann::json Orthanc::get_json(const std::string& path) const {
  const std::string body = get_bytes(path);
  if (body.empty()) return nullptr;
  return nlohmann::json::parse(body, nullptr, false);
}

}  // namespace vigil::test
