// `vigil serve` as a real process, in a private network namespace with a real Orthanc as the
// PACS: concurrent load, kill -9 at random moments, a destination outage, hostile senders.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "node/sqlite_db.h"
#include "tests/support/command.h"
#include "tests/support/node_process.h"
#include "tests/support/orthanc.h"
#include "tests/support/test_paths.h"

namespace {

using nlohmann::json;
using vigil::test::Node;
using vigil::test::Orthanc;
using vigil::test::TempDir;
using Clock = std::chrono::steady_clock;

std::string synth_studies(const TempDir& dir, int studies, int slices, int seed) {
  const std::string config = dir.file("synth.json");
  std::ofstream(config) << R"({"lesions_per_study": [1, 2], "p_no_lesion": 0, "matrix": 128, "slices": [)" << slices
                        << ", " << slices << R"(], "pixel_spacing_mm": [2.4, 2.6], "slice_thickness_mm": [2.5, 2.5]})";
  EXPECT_EQ(vigil::test::run_vigil("synth --out " + dir.file("in") + " --studies " + std::to_string(studies) +
                                   " --seed " + std::to_string(seed) + " --config " + config)
                .status,
            0);
  return dir.file("in");
}

std::vector<std::string> study_folders(const std::string& input) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(input))
    if (e.is_directory()) out.push_back(e.path().string() + "/dicom");
  std::sort(out.begin(), out.end());
  return out;
}

int storescu(const std::string& folder, int port, const std::string& calling = "SCANNER") {
  return vigil::test::run_command("TCP_NODELAY=1 storescu -to 10 -aet " + calling + " -aec VIGIL 127.0.0.1 " +
                                  std::to_string(port) + " +sd +r +sp '*.dcm' " + folder + " >/dev/null 2>&1")
      .status;
}

bool wait_until(const std::function<bool()>& done, std::chrono::seconds limit) {
  const auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return done();
}

bool all_done(const json& status, std::size_t studies) {
  if (!status.is_object() || status["studies"].size() != studies) return false;
  for (const auto& s : status["studies"])
    if (s["state"] != "done") return false;
  return true;
}

// Bytes of the data set after the File Meta group (the meta header is rewritten by each writer).
std::string dataset_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (all.size() < 144) return all;
  std::uint32_t group_length = 0;
  std::memcpy(&group_length, all.data() + 140, 4);  // (0002,0000) UL value after preamble, DICM, tag, VR, length
  return all.substr(144 + group_length);
}

std::size_t orthanc_sr_count(const Orthanc& pacs) {
  std::size_t n = 0;
  for (const auto& id : pacs.get_json("/instances")) {
    const json tags = pacs.get_json("/instances/" + id.get<std::string>() + "/simplified-tags");
    n += tags["SOPClassUID"] == "1.2.840.10008.5.1.4.1.1.88.34";
  }
  return n;
}

TEST(Node, TwentyConcurrentSendersTwoThousandInstancesEachStudyOnceResultsInOrthanc) {
  TempDir dir("node-load");
  const std::string input = synth_studies(dir, 20, 100, 61);
  Orthanc pacs(dir.file("orthanc"));
  ASSERT_TRUE(pacs.ok());
  const int port = vigil::test::free_port();
  const int http_port = vigil::test::free_port();
  Node node(dir.file("node"), port, "--workers 2 --http-port " + std::to_string(http_port) +
                                        " --api-token t0ken --result-dest ORTHANC@127.0.0.1:" +
                                        std::to_string(pacs.dicom_port()));
  const auto folders = study_folders(input);
  ASSERT_EQ(folders.size(), 20u);
  std::vector<std::thread> senders;
  std::vector<int> codes(folders.size(), -1);
  const auto start = Clock::now();
  for (std::size_t i = 0; i < folders.size(); ++i) senders.emplace_back([&, i] { codes[i] = storescu(folders[i], port); });
  for (auto& t : senders) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  for (int c : codes) EXPECT_EQ(c, 0);
  std::printf("received 2000 instances from 20 concurrent associations in %.2f s (%.0f instances/s, fsync on)\n",
              seconds, 2000 / seconds);

  ASSERT_TRUE(wait_until([&] { return all_done(node.status(), 20); }, std::chrono::seconds(420)))
      << node.status().dump(2);
  const json status = node.status();
  EXPECT_EQ(status["instances"], 2000);
  for (const auto& s : status["studies"]) {
    EXPECT_EQ(s["instances"], 100);
    EXPECT_EQ(s["attempts"], 1) << "processed once";
    EXPECT_EQ(s["delivered"], s["deliveries"]);
  }
  // Every instance on disk with the bytes that were sent.
  std::map<std::string, std::string> sent;
  for (const auto& folder : folders)
    for (const auto& e : std::filesystem::directory_iterator(folder)) {
      const auto r = vigil::test::run_command("dcmdump +P SOPInstanceUID -q '" + e.path().string() + "'");
      const auto open = r.out.find('['), close = r.out.find(']');
      sent[r.out.substr(open + 1, close - open - 1)] = e.path().string();
    }
  std::size_t stored = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir.file("node/instances"))) {
    if (!e.is_regular_file()) continue;
    const std::string uid = e.path().stem().string();
    ASSERT_TRUE(sent.count(uid)) << uid;
    EXPECT_EQ(dataset_bytes(e.path().string()), dataset_bytes(sent[uid])) << uid;
    ++stored;
  }
  EXPECT_EQ(stored, 2000u);
  EXPECT_EQ(orthanc_sr_count(pacs), 20u) << "one SR per study at the PACS";
  // The node's HTTP side: health, metrics and the worklist of what it processed.
  httplib::Client http("127.0.0.1", http_port);
  EXPECT_EQ(json::parse(http.Get("/healthz")->body)["status"], "ok");
  const std::string metrics = http.Get("/metrics")->body;
  EXPECT_NE(metrics.find("vigil_instances_received_total 2000"), std::string::npos);
  EXPECT_NE(metrics.find("vigil_stage_seconds_bucket{stage=\"candidates\",le=\"+Inf\"} 20"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("vigil_studies{state=\"done\"} 20"), std::string::npos) << metrics;
  http.set_bearer_token_auth("t0ken");
  EXPECT_EQ(json::parse(http.Get("/api/worklist")->body)["studies"].size(), 20u);
  node.kill(SIGTERM);
  EXPECT_EQ(node.exit_status(), 0) << "SIGTERM ends the node cleanly";
}

TEST(Node, Kill9AtRandomMomentsLosesNothingAndDuplicatesNothing) {
  TempDir dir("node-crash");
  const std::string input = synth_studies(dir, 4, 30, 62);
  const auto folders = study_folders(input);
  Orthanc pacs(dir.file("orthanc"));
  ASSERT_TRUE(pacs.ok());
  const int port = vigil::test::free_port();
  const std::string args = "--result-dest ORTHANC@127.0.0.1:" + std::to_string(pacs.dicom_port());
  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> delay_ms(100, 4000);
  for (int trial = 0; trial < 10; ++trial) {
    Node node(dir.file("node"), port, args);
    // Senders keep (re)sending every study while the node is killed at a random moment: during
    // receiving, processing or exporting, depending on the draw.
    std::thread sender([&] {
      for (const auto& f : folders) storescu(f, port);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    node.kill(SIGKILL);
    sender.join();
  }
  // Final run: every study's instances sent once more (a real modality resends what failed).
  Node node(dir.file("node"), port, args);
  for (const auto& f : folders) EXPECT_EQ(storescu(f, port), 0);
  ASSERT_TRUE(wait_until([&] { return all_done(node.status(), 4); }, std::chrono::seconds(180))) << node.status().dump(2);
  const json status = node.status();
  EXPECT_EQ(status["instances"], 120) << "no instance lost, none counted twice";
  for (const auto& s : status["studies"]) EXPECT_EQ(s["instances"], 30);
  EXPECT_EQ(orthanc_sr_count(pacs), 4u) << "no duplicate SR at the PACS";
}

TEST(Node, ResultsAndForwardedStudyReachAPacsThatWasDownDuringExport) {
  TempDir dir("node-outage");
  const std::string input = synth_studies(dir, 1, 30, 63);
  const int pacs_port = vigil::test::free_port();
  const int port = vigil::test::free_port();
  // Routing from a config file (CLI11 INI): results and the original study to the same PACS.
  const std::string pacs = "ORTHANC@127.0.0.1:" + std::to_string(pacs_port);
  std::ofstream(dir.file("node.ini")) << "[serve]\nresult-dest=" << pacs << "\nforward-dest=" << pacs << "\n";
  Node node(dir.file("node"), port, "--config " + dir.file("node.ini"));
  ASSERT_EQ(storescu(study_folders(input).front(), port), 0);
  // Processed, then stuck exporting while the PACS is down.
  ASSERT_TRUE(wait_until([&] {
    const json s = node.status();
    return s.is_object() && s["studies"].size() == 1 && s["studies"][0]["state"] == "exporting";
  }, std::chrono::seconds(120)));
  std::this_thread::sleep_for(std::chrono::seconds(5));
  EXPECT_EQ(node.status()["studies"][0]["state"], "exporting");
  vigil::test::OrthancOptions options;
  options.dicom_port = pacs_port;
  Orthanc orthanc(dir.file("orthanc"), options);
  ASSERT_TRUE(orthanc.ok());
  ASSERT_TRUE(wait_until([&] { return all_done(node.status(), 1); }, std::chrono::seconds(90)));
  EXPECT_EQ(orthanc_sr_count(orthanc), 1u);
  const json study = node.status()["studies"][0];
  EXPECT_EQ(orthanc.get_json("/instances").size(), study["deliveries"].get<std::size_t>());
  EXPECT_GE(study["deliveries"].get<int>(), 30 + 1) << "30 originals forwarded + the SR (+ SEG and key images when there are findings)";
}

TEST(Node, HostileSendersAreRefusedAndTheNodeKeepsServing) {
  TempDir dir("node-hostile");
  const std::string input = synth_studies(dir, 1, 20, 64);
  const int port = vigil::test::free_port();
  Node node(dir.file("node"), port, "--allow-calling-ae SCANNER");
  const std::string folder = study_folders(input).front();
  EXPECT_NE(storescu(folder, port, "INTRUDER"), 0) << "unknown calling AE: association rejected";
  // An instance of a SOP class no storage SCP offers: no presentation context.
  const std::string odd = dir.file("odd.dcm");
  const std::string first = (*std::filesystem::directory_iterator(folder)).path().string();
  ASSERT_EQ(vigil::test::run_command("cp '" + first + "' '" + odd + "' && dcmodify -nb -m SOPClassUID=1.2.3.4.5.6 '" + odd +
                                     "' >/dev/null 2>&1")
                .status,
            0);
  EXPECT_NE(storescu(odd, port), 0);
  // A data set the node cannot use (no Study Instance UID): refused with C000, nothing stored.
  const std::string broken = dir.file("broken.dcm");
  ASSERT_EQ(vigil::test::run_command("cp '" + first + "' '" + broken + "' && dcmodify -nb -ea StudyInstanceUID '" +
                                     broken + "' >/dev/null 2>&1").status, 0);
  const auto refused = vigil::test::run_command("storescu -v -aet SCANNER -aec VIGIL 127.0.0.1 " + std::to_string(port) +
                                                " '" + broken + "' 2>&1");
  EXPECT_NE(refused.out.find("Error: CannotUnderstand"), std::string::npos) << refused.out;
  // A transfer cut off mid-way: storescu killed while sending.
  vigil::test::run_command("timeout -s KILL 0.3 sh -c \"TCP_NODELAY=1 storescu -aet SCANNER -aec VIGIL 127.0.0.1 " +
                           std::to_string(port) + " +sd +r +sp '*.dcm' " + folder + "\" >/dev/null 2>&1");
  std::this_thread::sleep_for(std::chrono::seconds(1));
  EXPECT_TRUE(std::filesystem::is_empty(dir.file("node/incoming"))) << "nothing half-stored";
  // An A-ASSOCIATE-RQ PDU that claims ~2 GB, then garbage: the connection is dropped (or aborted,
  // or rejected), never accepted; nothing is stored and the node keeps serving.
  const auto oversized = vigil::test::run_command(
      vigil::test::python() + " -c \"import socket, struct\n"
      "s = socket.create_connection(('127.0.0.1', " + std::to_string(port) + "))\n"
      "s.sendall(b'\\x01\\x00' + struct.pack('>I', 0x7ffffff0) + b'\\x00' * 4096)\n"
      "s.settimeout(10)\n"
      "try:\n    reply = s.recv(64)\n    print('closed' if not reply else 'pdu-type-%d' % reply[0])\n"
      "except ConnectionResetError:\n    print('reset')\n\" 2>&1");
  EXPECT_EQ(oversized.status, 0) << oversized.out;
  EXPECT_EQ(oversized.out.find("pdu-type-2"), std::string::npos) << "never an A-ASSOCIATE-AC: " << oversized.out;
  // After a normal negotiation (16 KiB PDUs), a P-DATA-TF claiming ~2 GB: the node ends the
  // association at once instead of waiting for (or allocating) the claimed length.
  const auto oversized_pdata =
      vigil::test::run_test_script("node/oversized_pdata.py", std::to_string(port) + " VIGIL 2>&1");
  EXPECT_EQ(oversized_pdata.status, 0) << oversized_pdata.out;
  EXPECT_NE(oversized_pdata.out.find("aborted"), std::string::npos) << oversized_pdata.out;
  EXPECT_TRUE(std::filesystem::is_empty(dir.file("node/incoming"))) << "nothing half-stored";
  // Still serving: the whole study arrives and is processed.
  EXPECT_EQ(storescu(folder, port), 0);
  ASSERT_TRUE(wait_until([&] { return all_done(node.status(), 1); }, std::chrono::seconds(120))) << node.status().dump(2);
  EXPECT_EQ(node.status()["instances"], 20);
  // The audit trail recorded the refused association with the peer's address.
  vigil::node::Database db(dir.file("node/node.db"));
  vigil::node::Statement audit(db, "SELECT peer, detail FROM audit WHERE calling_ae = 'INTRUDER'");
  ASSERT_TRUE(audit.step()) << "the refused association is in the audit trail";
  EXPECT_EQ(audit.text(0), "127.0.0.1");
  EXPECT_NE(audit.text(1).find("rejected"), std::string::npos) << audit.text(1);
  // The association ended by the oversized P-DATA is recorded as aborted, with DCMTK's reason.
  vigil::node::Statement aborted(db, "SELECT count(*) FROM audit WHERE detail LIKE 'aborted:%'");
  ASSERT_TRUE(aborted.step());
  EXPECT_GE(aborted.integer(0), 1) << "no aborted association in the audit trail";
}

TEST(Node, TlsBothWaysReceivingAndDelivering) {
  TempDir dir("node-tls");
  const std::string input = synth_studies(dir, 1, 20, 65);
  ASSERT_TRUE(vigil::test::make_test_certificates(dir.path(), {"node", "orthanc", "scanner"}));
  Orthanc pacs(dir.file("orthanc"), vigil::test::tls_orthanc_options(dir.path(), "orthanc"));
  ASSERT_TRUE(pacs.ok());
  const int port = vigil::test::free_port(), tls_port = vigil::test::free_port();
  Node node(dir.file("node"), port,
            "--tls-port " + std::to_string(tls_port) + " --tls-cert " + dir.file("node.crt") + " --tls-key " +
                dir.file("node.key") + " --tls-ca " + dir.file("ca.crt") + " --tls-require-client-cert --dest-tls " +
                "--dest-tls-ca " + dir.file("ca.crt") + " --dest-tls-cert " + dir.file("node.crt") + " --dest-tls-key " +
                dir.file("node.key") + " --result-dest ORTHANC@127.0.0.1:" + std::to_string(pacs.dicom_port()));
  const std::string folder = study_folders(input).front();
  const std::string scanner_tls = "+tls '" + dir.file("scanner.key") + "' '" + dir.file("scanner.crt") + "' +cf '" +
                                  dir.file("ca.crt") + "'";
  // Without a client certificate, or without TLS at all, the TLS port refuses.
  EXPECT_NE(vigil::test::run_command("storescu -to 5 -aet SCANNER -aec VIGIL +tla +cf '" + dir.file("ca.crt") +
                                     "' 127.0.0.1 " + std::to_string(tls_port) + " +sd +r +sp '*.dcm' " + folder +
                                     " >/dev/null 2>&1").status, 0);
  EXPECT_NE(storescu(folder, tls_port), 0);
  EXPECT_EQ(vigil::test::run_command("TCP_NODELAY=1 storescu -aet SCANNER -aec VIGIL " + scanner_tls + " 127.0.0.1 " +
                                     std::to_string(tls_port) + " +sd +r +sp '*.dcm' " + folder + " >/dev/null 2>&1")
                .status,
            0);
  ASSERT_TRUE(wait_until([&] { return all_done(node.status(), 1); }, std::chrono::seconds(120))) << node.status().dump(2);
  EXPECT_EQ(node.status()["instances"], 20);
  EXPECT_EQ(orthanc_sr_count(pacs), 1u) << "results delivered over TLS";
  // TLS associations are served concurrently: a second one is answered while the first is open.
  const auto concurrent = vigil::test::run_test_script(
      "node/tls_concurrency.py", std::to_string(tls_port) + " '" + dir.file("ca.crt") + "' '" +
                                     dir.file("scanner.crt") + "' '" + dir.file("scanner.key") + "' 2>&1");
  EXPECT_EQ(concurrent.status, 0) << concurrent.out;
  EXPECT_NE(concurrent.out.find("concurrent ok"), std::string::npos) << concurrent.out;
}

TEST(Node, LateInstanceReRunsTheStudyAndTheNewSrSupersedesTheOld) {
  TempDir dir("node-late");
  const std::string input = synth_studies(dir, 1, 20, 66);
  Orthanc pacs(dir.file("orthanc"));
  ASSERT_TRUE(pacs.ok());
  const int port = vigil::test::free_port();
  Node node(dir.file("node"), port, "--late-instances rerun --result-dest ORTHANC@127.0.0.1:" +
                                        std::to_string(pacs.dicom_port()));
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(study_folders(input).front())) files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  const std::string late = files.back();
  files.pop_back();
  std::string list;
  for (const auto& f : files) list += " '" + f + "'";
  ASSERT_EQ(vigil::test::run_command("TCP_NODELAY=1 storescu -aet SCANNER -aec VIGIL 127.0.0.1 " + std::to_string(port) +
                                     list + " >/dev/null 2>&1").status, 0);
  ASSERT_TRUE(wait_until([&] { return all_done(node.status(), 1); }, std::chrono::seconds(120)));
  ASSERT_EQ(orthanc_sr_count(pacs), 1u);
  std::string first_sr;
  for (const auto& id : pacs.get_json("/instances")) {
    const json tags = pacs.get_json("/instances/" + id.get<std::string>() + "/simplified-tags");
    if (tags["SOPClassUID"] == "1.2.840.10008.5.1.4.1.1.88.34") first_sr = tags["SOPInstanceUID"];
  }
  // One more instance of the study, after it was done: it runs again.
  ASSERT_EQ(storescu(late, port), 0);
  ASSERT_TRUE(wait_until([&] {
    const json s = node.status();
    return all_done(s, 1) && s["studies"][0]["instances"] == 20 && orthanc_sr_count(pacs) == 2;
  }, std::chrono::seconds(120))) << node.status().dump(2);
  std::string predecessor;
  for (const auto& id : pacs.get_json("/instances")) {
    const json tags = pacs.get_json("/instances/" + id.get<std::string>() + "/simplified-tags");
    if (tags["SOPClassUID"] == "1.2.840.10008.5.1.4.1.1.88.34" && tags["SOPInstanceUID"] != first_sr)
      predecessor = tags["PredecessorDocumentsSequence"][0]["ReferencedSeriesSequence"][0]["ReferencedSOPSequence"][0]
                        ["ReferencedSOPInstanceUID"];
  }
  EXPECT_EQ(predecessor, first_sr) << "the new SR names the one it supersedes";
}

TEST(Node, RoutingRulesDecidePipelineAndDestinationsAndResultsGoBackToTheSender) {
  TempDir dir("node-routing");
  const std::string input = synth_studies(dir, 3, 20, 67);
  vigil::test::OrthancOptions options;
  options.aet = "PACS";
  Orthanc pacs(dir.file("orthanc"), options);
  ASSERT_TRUE(pacs.ok());
  const std::string pacs_address = "PACS@127.0.0.1:" + std::to_string(pacs.dicom_port());
  const int port = vigil::test::free_port();
  Node node(dir.file("node"), port,
            "--route 'match: calling_ae=CT_A modality=CT | pipeline: lung | results: " + pacs_address + "' " +
                "--route 'match: calling_ae=ROUTER | pipeline: none | forward: " + pacs_address + "' " +
                "--peer " + pacs_address);
  const auto folders = study_folders(input);
  ASSERT_EQ(storescu(folders[0], port, "CT_A"), 0);    // rule 1: analysed, results to the PACS
  ASSERT_EQ(storescu(folders[1], port, "ROUTER"), 0);  // rule 2: only forwarded
  ASSERT_EQ(storescu(folders[2], port, "PACS"), 0);    // no rule: default pipeline, results back to the sender
  ASSERT_TRUE(wait_until([&] { return all_done(node.status(), 3); }, std::chrono::seconds(180))) << node.status().dump(2);
  std::map<std::string, int> srs, images;  // per source folder index, by Study Instance UID
  for (const auto& id : pacs.get_json("/instances")) {
    const json tags = pacs.get_json("/instances/" + id.get<std::string>() + "/simplified-tags");
    (tags["SOPClassUID"] == "1.2.840.10008.5.1.4.1.1.88.34" ? srs : images)[tags["StudyInstanceUID"]]++;
  }
  auto study_uid = [&](int i) {
    const auto r = vigil::test::run_command("dcmdump +P StudyInstanceUID -q '" +
                                            (*std::filesystem::directory_iterator(folders[i])).path().string() + "'");
    return r.out.substr(r.out.find('[') + 1, r.out.find(']') - r.out.find('[') - 1);
  };
  EXPECT_EQ(srs[study_uid(0)], 1) << "CT_A: analysed, SR delivered";
  EXPECT_EQ(srs[study_uid(1)], 0) << "ROUTER: not analysed";
  EXPECT_EQ(images[study_uid(1)], 20) << "ROUTER: the study itself forwarded";
  EXPECT_EQ(srs[study_uid(2)], 1) << "unknown rule: results went back to the sending peer";
}

// Instance rows of a study still receiving are committed without a flush (the file and its folder
// entry are flushed), so power loss may drop the newest of them. Start-up must record every
// stored file that has no row: simulated here by deleting the last rows and their counts.
TEST(Node, InstanceRowsMissingFromTheDatabaseAreRecordedAgainFromDiskAtStartUp) {
  TempDir dir("node-rows-lost");
  const std::string input = synth_studies(dir, 1, 20, 69);
  const std::string storage = dir.file("node");
  {
    const int port = vigil::test::free_port();
    Node node(storage, port, "--stable-age-s 3600");
    ASSERT_EQ(storescu(study_folders(input).front(), port), 0);
    ASSERT_EQ(node.status()["instances"], 20) << node.status().dump(2);
    node.kill(SIGKILL);
  }
  {
    vigil::node::Database db(storage + "/node.db");
    vigil::node::Transaction t(db);
    ASSERT_EQ(db.run("DELETE FROM instances WHERE rowid IN (SELECT rowid FROM instances ORDER BY rowid DESC LIMIT 12)"),
              12);
    db.run("UPDATE studies SET instance_count = instance_count - 12");
    t.commit();
  }
  const int port = vigil::test::free_port();
  Node node(storage, port, "");
  EXPECT_TRUE(wait_until([&] { return all_done(node.status(), 1); }, std::chrono::seconds(90))) << node.status().dump(2);
  const json status = node.status();
  EXPECT_EQ(status["instances"], 20);
  EXPECT_EQ(status["studies"][0]["instances"], 20);
}

// Short of free space, the node refuses new instances with A700 (out of resources: the sender
// keeps them and retries) instead of filling the disk that the studies already received still
// need for processing and results. It keeps serving, and accepts again once there is room (here:
// restarted with an ordinary floor).
TEST(Node, AStorageShortOfSpaceRefusesInstancesAndAcceptsThemOnceThereIsRoom) {
  TempDir dir("node-space");
  const std::string folder = study_folders(synth_studies(dir, 1, 8, 70)).front();
  const std::string storage = dir.file("node");
  {
    const int port = vigil::test::free_port();
    Node node(storage, port, "--stable-age-s 3600 --min-free-mb 1e12");  // more than any disk has
    storescu(folder, port);  // its exit status does not tell refused instances apart
    const json status = node.status();
    EXPECT_EQ(status["instances"], 0) << status.dump(2);
    EXPECT_EQ(vigil::test::run_command("echoscu -aec VIGIL 127.0.0.1 " + std::to_string(port) + " >/dev/null 2>&1").status,
              0);
    node.kill(SIGTERM);
  }
  std::ifstream log(storage + "/serve.log");
  const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("refusing new instances"), std::string::npos) << text;
  std::size_t left = 0;
  for (const char* sub : {"/incoming", "/instances"})
    for (const auto& e : std::filesystem::recursive_directory_iterator(storage + sub)) left += e.is_regular_file();
  EXPECT_EQ(left, 0u) << "a refused instance left a file behind";

  const int port = vigil::test::free_port();
  Node node(storage, port, "--stable-age-s 3600");
  ASSERT_EQ(storescu(folder, port), 0);
  EXPECT_EQ(node.status()["instances"], 8);
}

// Retention: the received instances of a study done longer than --retain-days ago are removed,
// files and rows (its results and the audit trail stay); a dead-lettered study keeps them (someone
// must look at it); and a late instance after the removal does not re-run the study on its own:
// it is kept as late and removed by the next pass.
TEST(Node, RetentionRemovesTheOriginalsOfDoneStudiesAndALateInstanceDoesNotReRunThem) {
  TempDir dir("node-retention"), short_dir("node-retention-dead");
  const std::string folder = study_folders(synth_studies(dir, 1, 20, 71)).front();
  const std::string too_short = study_folders(synth_studies(short_dir, 1, 8, 72)).front();  // < 16 images: dead
  const std::string storage = dir.file("node");
  const int port = vigil::test::free_port(), http_port = vigil::test::free_port();
  Node node(storage, port, "--retain-days 0.00002 --late-instances rerun --max-attempts 1 --http-port " +
                               std::to_string(http_port));  // 1.7 s
  ASSERT_EQ(storescu(folder, port), 0);
  ASSERT_EQ(storescu(too_short, port), 0);
  const auto settled = [&] {
    const json st = node.status();
    if (!st.is_object() || st["studies"].size() != 2) return false;
    for (const auto& s : st["studies"])
      if (s["state"] != "done" && s["state"] != "dead") return false;
    return true;
  };
  ASSERT_TRUE(wait_until(settled, std::chrono::seconds(90))) << node.status().dump(2);
  const auto stored_files = [&] {
    std::size_t n = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(storage + "/instances")) n += e.is_regular_file();
    return n;
  };
  // The done study's 20 go; the dead study's 8 stay.
  ASSERT_TRUE(wait_until([&] { return node.status()["instances"] == 8 && stored_files() == 8; }, std::chrono::seconds(30)))
      << node.status().dump(2);
  std::this_thread::sleep_for(std::chrono::seconds(6));  // another retention pass: the dead study keeps its 8
  EXPECT_EQ(node.status()["instances"], 8);
  EXPECT_EQ(stored_files(), 8u);
  bool summary = false;
  for (const auto& e : std::filesystem::recursive_directory_iterator(storage + "/results"))
    summary |= e.path().filename() == "summary.json";
  EXPECT_TRUE(summary) << "the results must stay";
  {
    vigil::node::Database db(storage + "/node.db");
    std::lock_guard<std::mutex> lock(db.mutex());
    vigil::node::Statement purged(db, "SELECT COALESCE(SUM(count), 0) FROM audit WHERE event = 'purge'");
    ASSERT_TRUE(purged.step());
    EXPECT_EQ(purged.integer(0), 20);
  }
  // /metrics: the received counter never goes down; the stored gauge does.
  httplib::Client http("127.0.0.1", http_port);
  const std::string metrics = http.Get("/metrics")->body;
  EXPECT_NE(metrics.find("vigil_instances_received_total 28\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("vigil_instances_stored 8\n"), std::string::npos) << metrics;

  std::string one;
  for (const auto& e : std::filesystem::directory_iterator(folder)) one = e.path().string();
  ASSERT_EQ(storescu(one, port), 0);
  std::this_thread::sleep_for(std::chrono::seconds(4));  // past the 1 s stable age: a re-run would have begun
  const json status = node.status();  // studies in order of arrival: the 20-image one first
  EXPECT_EQ(status["studies"][0]["state"], "done") << status.dump(2);
  EXPECT_EQ(status["studies"][1]["state"], "dead") << status.dump(2);
  EXPECT_TRUE(wait_until([&] { return node.status()["instances"] == 8 && stored_files() == 8; }, std::chrono::seconds(30)))
      << node.status().dump(2);
}

TEST(Node, AStudyIsCompleteAsSoonAsTheAnnouncedInstanceCountArrived) {
  TempDir dir("node-count");
  const std::string input = synth_studies(dir, 1, 20, 68);
  const std::string folder = study_folders(input).front();
  ASSERT_EQ(vigil::test::run_command("dcmodify -nb -i '(0020,1208)=20' " + folder + "/*.dcm >/dev/null 2>&1").status, 0);
  const int port = vigil::test::free_port();
  Node node(dir.file("node"), port, "--stable-age-s 3600");  // the timer alone would wait an hour
  ASSERT_EQ(storescu(folder, port), 0);
  EXPECT_TRUE(wait_until([&] { return all_done(node.status(), 1); }, std::chrono::seconds(60))) << node.status().dump(2);
}

}  // namespace
