#pragma once
// `vigil serve` as a child process for tests and benchmarks: started on a port with a storage
// folder (log in STORAGE/serve.log), ready when it answers C-ECHO, killed with any signal.

#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <string>

namespace vigil::test {

class Node {
 public:
  /// Starts `vigil serve --storage STORAGE --port PORT --stable-age-s 1 --no-models --min-free-mb 64
  /// EXTRA` (EXTRA may set its own --stable-age-s, --models or --min-free-mb).
  Node(const std::string& storage, int port, const std::string& extra);
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  /// Sends `signal` and waits for the process to end.
  void kill(int signal);
  int exit_status() const { return exit_status_; }
  /// `vigil status --json` (null when it fails).
  nlohmann::json status() const;
  const std::string& storage() const { return storage_; }

 private:
  std::string storage_;
  pid_t pid_ = -1;
  int exit_status_ = -1;
};

}  // namespace vigil::test
