#pragma once
// The worklist's HTTP API (JSON) and web page, on the node's loopback HTTP server.
// Every /api route but the OpenAPI document needs `Authorization: Bearer <token>` (key images
// also accept `?token=` so an <img> can load them). docs/worklist.md describes the routes.

#include <string>

namespace httplib {
class Server;
}

namespace vigil::node {

class WorklistStore;

void add_worklist_routes(httplib::Server& server, WorklistStore& store, const std::string& token);

/// The single static page (HTML + JS, no external resources).
const char* worklist_page();

/// OpenAPI 3 description of the API.
const char* worklist_openapi();

}  // namespace vigil::node
