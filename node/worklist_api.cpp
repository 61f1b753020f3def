#include "node/worklist_api.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/uid_hash.h"
#include "node/node_store.h"
#include "node/worklist_store.h"

namespace vigil::node {
namespace {

void json_error(httplib::Response& response, int status, const std::string& message) {
  response.status = status;
  response.set_content(nlohmann::json{{"error", message}}.dump(), "application/json");
}

// Constant-time comparison: the token is a secret.
bool same(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

bool authorised(const httplib::Request& request, const std::string& token, bool allow_query) {
  const std::string header = request.get_header_value("Authorization");
  if (header.rfind("Bearer ", 0) == 0 && same(header.substr(7), token)) return true;
  return allow_query && request.has_param("token") && same(request.get_param_value("token"), token);
}

}  // namespace

void add_worklist_routes(httplib::Server& server, WorklistStore& store, const std::string& token) {
  server.Get("/", [](const httplib::Request&, httplib::Response& response) {
    response.set_content(worklist_page(), "text/html; charset=utf-8");
  });
  server.Get("/api/openapi.json", [](const httplib::Request&, httplib::Response& response) {
    response.set_content(worklist_openapi(), "application/json");
  });
  server.Get("/api/worklist", [&store, token](const httplib::Request& request, httplib::Response& response) {
    if (!authorised(request, token, false)) return json_error(response, 401, "missing or wrong bearer token");
    WorklistFilter filter;
    filter.state = request.get_param_value("state");
    filter.modality = request.get_param_value("modality");
    if (!filter.state.empty() && filter.state != "new" && filter.state != "in_review" && filter.state != "reported")
      return json_error(response, 400, "state must be new, in_review or reported");
    if (request.has_param("since")) {
      try {
        filter.since = std::stod(request.get_param_value("since"));
      } catch (const std::exception&) {
        return json_error(response, 400, "since must be seconds since the epoch");
      }
    }
    response.set_content(nlohmann::json{{"studies", store.list(filter, now_s())}}.dump(), "application/json");
  });
  server.Get(R"(/api/studies/([0-9.]+))", [&store, token](const httplib::Request& request, httplib::Response& response) {
    if (!authorised(request, token, false)) return json_error(response, 401, "missing or wrong bearer token");
    const auto study = store.study(request.matches[1], now_s());
    if (!study) return json_error(response, 404, "no such study");
    response.set_content(study->dump(), "application/json");
  });
  server.Get(R"(/api/studies/([0-9.]+)/key-images/([0-9]+)\.png)",
             [&store, token](const httplib::Request& request, httplib::Response& response) {
               if (!authorised(request, token, true)) return json_error(response, 401, "missing or wrong token");
               const std::string folder = store.result_folder(request.matches[1]);
               const std::string path = folder + "/key_images/lesion-" + std::string(request.matches[2]) + ".png";
               if (folder.empty() || !std::filesystem::exists(path)) return json_error(response, 404, "no such key image");
               std::ifstream in(path, std::ios::binary);
               response.set_content(std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()),
                                    "image/png");
             });
  server.Post(R"(/api/findings/([0-9]+)/review)", [&store, token](const httplib::Request& request,
                                                                   httplib::Response& response) {
    if (!authorised(request, token, false)) return json_error(response, 401, "missing or wrong bearer token");
    const nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
    if (!body.is_object() || !body.contains("decision") || !body["decision"].is_string())
      return json_error(response, 400, "body must be JSON with \"decision\": \"accepted\" | \"rejected\"");
    const std::string decision = body["decision"];
    if (decision != "accepted" && decision != "rejected")
      return json_error(response, 400, "decision must be accepted or rejected");
    const std::string reviewer = body.value("reviewer", "");
    if (reviewer.empty()) return json_error(response, 400, "\"reviewer\" is required (who decided)");
    const std::int64_t id = std::stoll(request.matches[1]);
    if (!store.review(id, decision, body.value("comment", ""), reviewer, now_s()))
      return json_error(response, 404, "no such finding");
    spdlog::info("review: finding {} {} by {}", id, decision, reviewer);
    response.set_content(nlohmann::json{{"finding_id", id}, {"decision", decision}}.dump(), "application/json");
  });
  server.set_exception_handler([](const httplib::Request&, httplib::Response& response, std::exception_ptr e) {
    std::string what = "internal error";
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      what = x.what();
    } catch (...) {
    }
    json_error(response, 500, what);
  });
}

}  // namespace vigil::node
