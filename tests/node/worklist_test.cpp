// Worklist: the priority formula's properties, the store, and the HTTP API + page served on
// 127.0.0.1 (real `vigil run --worklist` results, real HTTP requests), with a bounded load test.
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "node/health_server.h"
#include "node/node_store.h"
#include "node/priority.h"
#include "node/worklist_api.h"
#include "node/worklist_store.h"
#include "tests/support/command.h"
#include "tests/support/orthanc.h"
#include "tests/support/test_paths.h"

namespace {

using nlohmann::json;
using vigil::Finding;
using vigil::LesionType;
using vigil::node::study_priority;

Finding lesion(double long_mm, double probability, LesionType type = LesionType::kSolid) {
  Finding f;
  f.long_axis_mm = long_mm;
  f.short_axis_mm = long_mm * 0.8;
  f.probability = probability;
  f.type = type;
  return f;
}

TEST(Priority, MonotonicInProbabilityAndSize) {
  double previous = -1;
  for (double p = 0; p <= 1.0001; p += 0.05) {
    const double score = study_priority({lesion(12, p)}, "", 0).score;
    EXPECT_GE(score, previous) << p;
    previous = score;
  }
  previous = -1;
  for (double mm = 2; mm <= 40; mm += 0.5) {
    const double score = study_priority({lesion(mm, 0.8)}, "", 0).score;
    EXPECT_GE(score, previous) << mm;
    previous = score;
  }
  EXPECT_GT(study_priority({lesion(20, 0.9)}, "", 0).score, study_priority({}, "", 0).score);
  EXPECT_EQ(study_priority({lesion(20, 0.9)}, "", 0).category, "4B");
  EXPECT_EQ(study_priority({}, "", 0).category, "1");
}

TEST(Priority, RequestedPriorityAndFhirMapping) {
  EXPECT_GT(study_priority({}, "STAT", 0).score, study_priority({}, "ROUTINE", 0).score);
  EXPECT_EQ(study_priority({}, "STAT", 0).fhir_priority, "stat");
  EXPECT_EQ(study_priority({}, "", 0).fhir_priority, "routine");
  EXPECT_EQ(study_priority({lesion(25, 0.95)}, "", 0).fhir_priority, "asap");
}

TEST(Priority, AgingEventuallyLiftsAnyStudy) {
  const double fresh_worst_case = study_priority({lesion(30, 1.0), lesion(20, 1.0), lesion(9, 1.0), lesion(7, 1.0),
                                                  lesion(6, 1.0)},
                                                 "STAT", 0)
                                      .score;
  double hours = 0;
  while (study_priority({}, "", hours * 3600).score <= fresh_worst_case && hours < 1000) hours += 1;
  EXPECT_LT(hours, 1000) << "a study without findings overtakes the most urgent fresh study after " << hours << " h";
}

TEST(Priority, TiesAreOrderedStably) {
  std::vector<vigil::node::RankedStudy> studies;
  for (int i = 0; i < 20; ++i) studies.push_back({"1.2." + std::to_string(i), 10.0, 100.0 + (i % 3)});
  auto expected = studies;
  vigil::node::rank(expected);
  std::mt19937 rng(7);
  for (int trial = 0; trial < 5; ++trial) {
    std::shuffle(studies.begin(), studies.end(), rng);
    vigil::node::rank(studies);
    for (std::size_t i = 0; i < studies.size(); ++i) EXPECT_EQ(studies[i].study_uid, expected[i].study_uid);
  }
  EXPECT_EQ(expected.front().received_at, 100.0) << "equal scores: the one waiting longest first";
}

// Two synthetic studies through `vigil run --worklist`, the API served on a loopback port.
class WorklistApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new vigil::test::TempDir("worklist");
    std::ofstream(dir_->file("synth.json")) << R"({"lesions_per_study": [3, 4], "p_no_lesion": 0, "slices": [40, 40],
        "matrix": 256, "pixel_spacing_mm": [1.2, 1.3], "slice_thickness_mm": [2.5, 2.5]})";
    ASSERT_EQ(vigil::test::run_vigil("synth --out " + dir_->file("in") + " --studies 2 --seed 71 --config " +
                                     dir_->file("synth.json")).status, 0);
    ASSERT_EQ(vigil::test::run_vigil("run " + dir_->file("in") + " --out " + dir_->file("out") + " --worklist " +
                                     dir_->file("wl")).status, 0);
    store_ = new vigil::node::WorklistStore(dir_->file("wl/node.db"));
    server_ = new httplib::Server;
    vigil::node::add_worklist_routes(*server_, *store_, "s3cret");
    port_ = vigil::test::free_port();
    thread_ = new std::thread([] { server_->listen("127.0.0.1", port_); });
    for (int i = 0; i < 100 && !server_->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  static void TearDownTestSuite() {
    server_->stop();
    thread_->join();
    delete thread_;
    delete server_;
    delete store_;
    delete dir_;
  }
  static httplib::Client client() {
    httplib::Client c("127.0.0.1", port_);
    c.set_bearer_token_auth("s3cret");
    return c;
  }
  static inline vigil::test::TempDir* dir_ = nullptr;
  static inline vigil::node::WorklistStore* store_ = nullptr;
  static inline httplib::Server* server_ = nullptr;
  static inline std::thread* thread_ = nullptr;
  static inline int port_ = 0;
};

TEST_F(WorklistApi, RanksStudiesAndServesDetailsImagesAndTheSpec) {
  httplib::Client anonymous("127.0.0.1", port_);
  EXPECT_EQ(anonymous.Get("/api/worklist")->status, 401);
  httplib::Client wrong("127.0.0.1", port_);
  wrong.set_bearer_token_auth("guess");
  EXPECT_EQ(wrong.Get("/api/worklist")->status, 401);

  auto c = client();
  const auto r = c.Get("/api/worklist");
  ASSERT_EQ(r->status, 200);
  const json list = json::parse(r->body)["studies"];
  ASSERT_EQ(list.size(), 2u);
  EXPECT_GE(list[0]["priority"].get<double>(), list[1]["priority"].get<double>()) << "most urgent first";
  for (const auto& s : list) {
    for (const char* key : {"priority", "fhir_priority", "category", "waiting_s", "state", "findings", "algorithm"})
      EXPECT_TRUE(s.contains(key)) << key;
    EXPECT_EQ(s["state"], "new");
  }
  const std::string uid = list[0]["study_instance_uid"];
  const auto detail = c.Get(("/api/studies/" + uid).c_str());
  ASSERT_EQ(detail->status, 200);
  const json study = json::parse(detail->body);
  ASSERT_FALSE(study["findings"].empty());
  const int n = study["findings"][0]["number"];
  const auto png = c.Get(("/api/studies/" + uid + "/key-images/" + std::to_string(n) + ".png").c_str());
  ASSERT_EQ(png->status, 200);
  EXPECT_EQ(png->body.substr(1, 3), "PNG");
  EXPECT_EQ(anonymous.Get(("/api/studies/" + uid + "/key-images/" + std::to_string(n) + ".png?token=s3cret").c_str())->status,
            200) << "an <img> passes the token as a query parameter";
  EXPECT_EQ(c.Get("/api/studies/1.2.3.4")->status, 404);
  EXPECT_EQ(c.Get("/api/worklist?state=bogus")->status, 400);
  EXPECT_EQ(json::parse(c.Get("/api/worklist?state=reported")->body)["studies"].size(), 0u);
  const json spec = json::parse(anonymous.Get("/api/openapi.json")->body);
  EXPECT_TRUE(spec["paths"].contains("/api/worklist"));
  const auto page = anonymous.Get("/");
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("Research use only"), std::string::npos);
  EXPECT_EQ(page->body.find("http://"), std::string::npos) << "no external resources";
  EXPECT_EQ(page->body.find("https://"), std::string::npos) << "no external resources";
}

TEST_F(WorklistApi, ReviewsChangeStateAndAreRecorded) {
  auto c = client();
  const json list = json::parse(c.Get("/api/worklist")->body)["studies"];
  const json& study = list[1];
  const std::string uid = study["study_instance_uid"];
  const auto findings = study["findings"];
  ASSERT_GE(findings.size(), 1u);
  const std::string first = std::to_string(findings[0]["id"].get<int>());
  EXPECT_EQ(c.Post(("/api/findings/" + first + "/review").c_str(), "not json", "application/json")->status, 400);
  EXPECT_EQ(c.Post(("/api/findings/" + first + "/review").c_str(), R"({"decision":"maybe","reviewer":"dr a"})",
                   "application/json")->status, 400);
  EXPECT_EQ(c.Post(("/api/findings/" + first + "/review").c_str(), R"({"decision":"accepted"})", "application/json")->status,
            400) << "reviewer required";
  EXPECT_EQ(c.Post("/api/findings/999999/review", R"({"decision":"accepted","reviewer":"dr a"})", "application/json")->status, 404);
  httplib::Client anonymous("127.0.0.1", port_);
  EXPECT_EQ(anonymous.Post(("/api/findings/" + first + "/review").c_str(), R"({"decision":"accepted","reviewer":"x"})",
                           "application/json")->status, 401);

  ASSERT_EQ(c.Post(("/api/findings/" + first + "/review").c_str(),
                   R"({"decision":"accepted","reviewer":"dr a","comment":"agree"})", "application/json")->status, 200);
  json after = json::parse(c.Get(("/api/studies/" + uid).c_str())->body);
  EXPECT_EQ(after["findings"][0]["decision"], "accepted");
  EXPECT_EQ(after["findings"][0]["reviewer"], "dr a");
  EXPECT_EQ(after["state"], findings.size() == 1 ? "reported" : "in_review");
  for (const auto& f : findings)
    c.Post(("/api/findings/" + std::to_string(f["id"].get<int>()) + "/review").c_str(),
           R"({"decision":"rejected","reviewer":"dr b"})", "application/json");
  after = json::parse(c.Get(("/api/studies/" + uid).c_str())->body);
  EXPECT_EQ(after["state"], "reported");
  EXPECT_EQ(after["reviews"].size(), findings.size() + 1) << "every decision stays in the history";
  EXPECT_EQ(after["reviews"][0]["comment"], "agree");
  vigil::node::Database db(dir_->file("wl/node.db"));
  vigil::node::Statement audit(db, "SELECT calling_ae, detail FROM audit WHERE event = 'review' ORDER BY id");
  ASSERT_TRUE(audit.step()) << "reviews reach the audit trail";
  EXPECT_EQ(audit.text(0), "dr a");
  EXPECT_NE(audit.text(1).find("accepted"), std::string::npos);
  EXPECT_EQ(audit.text(1).find(uid), std::string::npos) << "no study UID in clear in the audit trail";
}

TEST_F(WorklistApi, BoundedLoad) {
  const int threads = 4, per_thread = 100;
  std::vector<double> latencies_ms(threads * per_thread);
  std::vector<int> failures(threads, 0);
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      auto c = client();
      for (int i = 0; i < per_thread; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        const auto r = c.Get("/api/worklist");
        latencies_ms[t * per_thread + i] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        if (!r || r->status != 200) ++failures[t];
      }
    });
  for (auto& t : pool) t.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::sort(latencies_ms.begin(), latencies_ms.end());
  std::printf("worklist API: %d GET /api/worklist in %.2f s = %.0f requests/s, p99 %.1f ms (4 clients)\n",
              threads * per_thread, seconds, threads * per_thread / seconds,
              latencies_ms[latencies_ms.size() * 99 / 100]);
  for (int f : failures) EXPECT_EQ(f, 0);
}

TEST_F(WorklistApi, HeadlessChromiumShowsTheOrderAndRecordsAnAcceptClick) {
  std::filesystem::create_directories(VIGIL_TEST_ARTIFACTS);
  const std::string screenshot = std::string(VIGIL_TEST_ARTIFACTS) + "/worklist-page.png";
  const auto r =
      vigil::test::run_test_script("node/browser_check.py", std::to_string(port_) + " s3cret " + screenshot + " 2>&1");
  ASSERT_EQ(r.status, 0) << r.out;
  const json result = json::parse(r.out.substr(r.out.find('{')));
  EXPECT_EQ(result["page_order"], result["api_order"]) << "the page shows the API's ranking";
  EXPECT_NE(result["banner"].get<std::string>().find("Research use only"), std::string::npos);
  EXPECT_EQ(result["decision"], "accepted") << "the click reached the API";
  EXPECT_TRUE(std::filesystem::file_size(screenshot) > 1000) << screenshot;
}

TEST(WorklistHttps, ServedOverTlsWhenConfiguredAndNotInPlainText) {
  vigil::test::TempDir dir("worklist-https");
  ASSERT_TRUE(vigil::test::make_test_certificates(dir.path(), {"127.0.0.1"}));
  vigil::node::NodeStore store(dir.file("node.db"));
  vigil::node::WorklistStore worklist(dir.file("node.db"));
  const int port = vigil::test::free_port();
  vigil::node::HealthServer server(store, port, dir.file("127.0.0.1.crt"), dir.file("127.0.0.1.key"));
  server.add_routes([&](httplib::Server& s) { vigil::node::add_worklist_routes(s, worklist, "tok"); });
  std::thread serving([&] { server.run(); });
  httplib::SSLClient secure("127.0.0.1", port);
  secure.set_ca_cert_path(dir.file("ca.crt").c_str());
  secure.enable_server_certificate_verification(true);
  secure.set_bearer_token_auth("tok");
  for (int i = 0; i < 50 && !secure.Get("/healthz"); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const auto r = secure.Get("/api/worklist");
  ASSERT_TRUE(r) << "HTTPS request failed";
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(json::parse(secure.Get("/healthz")->body)["status"], "ok");
  httplib::Client plain("127.0.0.1", port);
  const auto refused = plain.Get("/healthz");
  EXPECT_TRUE(!refused || refused->status != 200) << "no plain-text answers on the HTTPS port";
  httplib::SSLClient untrusting("127.0.0.1", port);
  untrusting.set_ca_cert_path(dir.file("rogue.crt").c_str());
  untrusting.enable_server_certificate_verification(true);
  EXPECT_FALSE(untrusting.Get("/healthz")) << "a client that does not trust the CA refuses the connection";
  server.stop();
  serving.join();
}

TEST_F(WorklistApi, CommandLineListsTheSameOrder) {
  const auto r = vigil::test::run_vigil("worklist --json --storage " + dir_->file("wl"));
  ASSERT_EQ(r.status, 0);
  const json cli = json::parse(r.out)["studies"];
  const json api = json::parse(client().Get("/api/worklist")->body)["studies"];
  ASSERT_EQ(cli.size(), api.size());
  for (std::size_t i = 0; i < cli.size(); ++i) EXPECT_EQ(cli[i]["study_instance_uid"], api[i]["study_instance_uid"]);
}

}  // namespace
