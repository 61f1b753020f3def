// Sending results to a real PACS: Orthanc (Debian package) started by the test on loopback, in a
// private network namespace (tests/support/private_network.sh). Also a PACS that is down, one that
// refuses the association, one that never answers, and the TLS path with certificates made here.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/error.h"
#include "dicom/sr_reader.h"
#include "dicom/store_scu.h"
#include "tests/support/command.h"
#include "tests/support/orthanc.h"
#include "tests/support/test_paths.h"

namespace {

using nlohmann::json;
using vigil::test::Orthanc;
using vigil::test::TempDir;

json read_json(const std::string& path) {
  std::ifstream in(path);
  return json::parse(in);
}

std::string study_folder(const std::string& out) {
  for (const auto& e : std::filesystem::directory_iterator(out))
    if (e.is_directory()) return e.path().string();
  return {};
}

// One synthetic study analysed once for the whole suite: its input and its result files.
class Pacs : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("pacs");
    const std::string config = dir_->file("synth.json");
    std::ofstream(config) << R"({"lesions_per_study": [2, 3], "p_no_lesion": 0, "slices": [40, 40], "matrix": 256,
                               "pixel_spacing_mm": [1.2, 1.3], "slice_thickness_mm": [2.5, 2.5]})";
    ASSERT_EQ(vigil::test::run_vigil("synth --out " + dir_->file("in") + " --studies 1 --seed 41 --config " + config).status, 0);
    ASSERT_EQ(vigil::test::run_vigil("run " + dir_->file("in") + " --out " + dir_->file("local")).status, 0);
    const std::string study = study_folder(dir_->file("local"));
    const json summary = read_json(study + "/summary.json");
    for (const auto& f : summary["outputs"]["dicom"]) files_.push_back(study + "/" + f.get<std::string>());
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string input() { return dir_->file("in"); }
  static const std::vector<std::string>& files() { return files_; }
  static std::string scratch(const std::string& name) { return dir_->file(name); }

  static vigil::dicom::PacsAddress address(const Orthanc& pacs) {
    vigil::dicom::PacsAddress a;
    a.called_ae = pacs.aet();
    a.host = "127.0.0.1";
    a.port = static_cast<std::uint16_t>(pacs.dicom_port());
    return a;
  }

 private:
  static inline TempDir* dir_ = nullptr;
  static inline std::vector<std::string> files_;
};

TEST_F(Pacs, RunSendsEveryResultAndTheSrArrivesIntact) {
  ASSERT_FALSE(files().empty());
  TempDir dir("pacs-orthanc");
  Orthanc pacs(dir.file("orthanc"));
  ASSERT_TRUE(pacs.ok());
  EXPECT_NO_THROW(vigil::dicom::echo(address(pacs)));

  const std::string target = " --pacs ORTHANC@127.0.0.1:" + std::to_string(pacs.dicom_port());
  const auto run = vigil::test::run_vigil("run " + input() + " --out " + dir.file("out") + target);
  ASSERT_EQ(run.status, 0);
  const std::string study = study_folder(dir.file("out"));
  const json summary = read_json(study + "/summary.json");
  const std::size_t sent = summary["outputs"]["dicom"].size();
  EXPECT_EQ(summary["sent"]["stored"], sent);
  EXPECT_EQ(summary["sent"]["failed"], 0);

  const json instances = pacs.get_json("/instances");
  ASSERT_EQ(instances.size(), sent) << "Orthanc holds every result instance";
  // The SR as Orthanc stores it reads back to the findings of summary.json.
  std::string sr_id;
  for (const auto& id : instances) {
    const json tags = pacs.get_json("/instances/" + id.get<std::string>() + "/simplified-tags");
    if (tags["SOPClassUID"] == "1.2.840.10008.5.1.4.1.1.88.34") sr_id = id;
  }
  ASSERT_FALSE(sr_id.empty()) << "a Comprehensive 3D SR arrived";
  const std::string sr_path = dir.file("from-orthanc-sr.dcm");
  std::ofstream(sr_path, std::ios::binary) << pacs.get_bytes("/instances/" + sr_id + "/file");
  const auto report = vigil::dicom::read_measurement_report(sr_path);
  ASSERT_EQ(report.findings.size(), summary["findings"].size());
  for (std::size_t i = 0; i < report.findings.size(); ++i) {
    EXPECT_EQ(report.findings[i].finding.tracking_uid, summary["findings"][i]["tracking_uid"]);
    EXPECT_NEAR(report.findings[i].finding.long_axis_mm, summary["findings"][i]["long_axis_mm"].get<double>(), 1e-6);
  }
  EXPECT_EQ(report.study_instance_uid, summary["study_instance_uid"]);

  // Sending again stores the same instances again: the UIDs are stable, nothing is duplicated.
  const auto again = vigil::test::run_vigil("run " + input() + " --out " + dir.file("out2") + target);
  EXPECT_EQ(again.status, 0);
  EXPECT_EQ(pacs.get_json("/instances").size(), sent);
}

TEST_F(Pacs, DownPacsFailsTheRunClearlyAndKeepsTheResults) {
  TempDir dir("pacs-down");
  const int port = vigil::test::free_port();  // nobody listens
  const auto run = vigil::test::run_vigil("run " + input() + " --out " + dir.file("out") + " --attempts 2 --pacs PACS@127.0.0.1:" +
                                          std::to_string(port));
  EXPECT_EQ(run.status, 5) << "results written, not delivered";
  const std::string study = study_folder(dir.file("out"));
  const json summary = read_json(study + "/summary.json");
  // Two refused attempts and the backoff between them: no hang. Only the send stage is bounded,
  // so a busy machine's slower analysis cannot fail this.
  EXPECT_LT(summary["timings_s"]["send"].get<double>(), 30.0) << summary["timings_s"];
  EXPECT_EQ(summary["status"], "failed");
  EXPECT_NE(summary["error"].get<std::string>().find("association failed"), std::string::npos) << summary["error"];
  EXPECT_EQ(summary["sent"]["associations"], 2) << "retried";
  EXPECT_TRUE(std::filesystem::exists(study + "/sr.dcm"));
  EXPECT_TRUE(std::filesystem::exists(study + "/seg.dcm"));
}

TEST_F(Pacs, RefusingPacsIsReportedPerInstance) {
  TempDir dir("pacs-refuse");
  Orthanc pacs(dir.file("orthanc"));
  ASSERT_TRUE(pacs.ok());
  vigil::dicom::PacsAddress wrong = address(pacs);
  wrong.called_ae = "NOTORTHANC";  // Orthanc checks the called AE title and rejects the association
  vigil::dicom::SendOptions options;
  options.attempts = 1;
  const auto report = vigil::dicom::send_files(wrong, files(), options);
  EXPECT_EQ(report.failed(), files().size());
  for (const auto& i : report.instances) EXPECT_NE(i.message.find("association failed"), std::string::npos) << i.message;
  EXPECT_THROW(vigil::dicom::echo(wrong), vigil::Error);
  EXPECT_EQ(pacs.get_json("/instances").size(), 0u);
}

TEST_F(Pacs, SilentPacsTimesOut) {
  ASSERT_FALSE(files().empty());
  // Accepts TCP connections and never says a word.
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(listener, 4), 0);
  socklen_t len = sizeof a;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len);
  vigil::dicom::PacsAddress silent;
  silent.called_ae = "SILENT";
  silent.host = "127.0.0.1";
  silent.port = ntohs(a.sin_port);
  vigil::dicom::SendOptions options;
  options.attempts = 1;
  options.timeout_s = 2;
  const auto start = std::chrono::steady_clock::now();
  const auto report = vigil::dicom::send_files(silent, files(), options);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ::close(listener);
  EXPECT_EQ(report.failed(), files().size());
  EXPECT_LT(elapsed, std::chrono::seconds(20));
  EXPECT_NE(report.instances.front().message.find("association failed"), std::string::npos)
      << report.instances.front().message;
}

TEST_F(Pacs, TlsWithCertificatesBothWays) {
  TempDir dir("pacs-tls");
  ASSERT_TRUE(vigil::test::make_test_certificates(dir.path(), {"server", "client"}));
  Orthanc pacs(dir.file("orthanc"), vigil::test::tls_orthanc_options(dir.path(), "server"));
  ASSERT_TRUE(pacs.ok());

  vigil::dicom::PacsAddress secure = address(pacs);
  secure.tls.enabled = true;
  secure.tls.trusted_ca_pem = dir.file("ca.crt");
  secure.tls.certificate_pem = dir.file("client.crt");
  secure.tls.private_key_pem = dir.file("client.key");
  vigil::dicom::SendOptions once;
  once.attempts = 1;
  once.timeout_s = 5;
  const auto report = vigil::dicom::send_files(secure, files(), once);
  EXPECT_TRUE(report.all_stored()) << report.instances.front().message;
  EXPECT_EQ(pacs.get_json("/instances").size(), files().size());

  // A client certificate the PACS does not trust, a PACS we do not trust, and no TLS at all: refused.
  vigil::dicom::PacsAddress rogue = secure;
  rogue.tls.certificate_pem = dir.file("rogue.crt");
  rogue.tls.private_key_pem = dir.file("rogue.key");
  EXPECT_EQ(vigil::dicom::send_files(rogue, files(), once).failed(), files().size());
  vigil::dicom::PacsAddress distrustful = secure;
  distrustful.tls.trusted_ca_pem = dir.file("rogue.crt");
  EXPECT_EQ(vigil::dicom::send_files(distrustful, files(), once).failed(), files().size());
  EXPECT_EQ(vigil::dicom::send_files(address(pacs), files(), once).failed(), files().size());

  // The command line's TLS options reach the same path.
  const auto run = vigil::test::run_vigil("run " + input() + " --out " + dir.file("out") + " --tls --tls-ca " +
                                          dir.file("ca.crt") + " --tls-cert " + dir.file("client.crt") + " --tls-key " +
                                          dir.file("client.key") + " --pacs ORTHANC@127.0.0.1:" +
                                          std::to_string(pacs.dicom_port()));
  EXPECT_EQ(run.status, 0);
}

}  // namespace
