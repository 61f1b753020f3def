#include "tests/support/node_process.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "tests/support/command.h"
#include "tests/support/test_paths.h"

namespace vigil::test {

Node::Node(const std::string& storage, int port, const std::string& extra) : storage_(storage) {
  std::filesystem::create_directories(storage);
  pid_ = ::fork();
  if (pid_ == 0) {
    const std::string log = storage + "/serve.log";
    if (!std::freopen(log.c_str(), "a", stderr)) std::_Exit(126);
    const std::string stable = extra.find("--stable-age-s") == std::string::npos ? " --stable-age-s 1 " : " ";
    // The node tests are about durability and routing: the classical detector keeps each study's
    // analysis short and the restarts cheap (the networks are tested by `vigil run` and `vigil eval`).
    const std::string models = extra.find("--models") == std::string::npos ? " --no-models " : " ";
    // The free-space floor has its own test; the others must not depend on the host's /tmp size.
    const std::string floor = extra.find("--min-free-mb") == std::string::npos ? " --min-free-mb 64 " : " ";
    const std::string cmd = "exec " + vigil_binary() + " serve --storage " + storage + " --port " +
                            std::to_string(port) + stable + models + floor + extra;
    ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    std::_Exit(127);
  }
  for (int i = 0; i < 100; ++i) {
    if (run_command("echoscu -to 2 -aet SCANNER -aec VIGIL 127.0.0.1 " + std::to_string(port) + " >/dev/null 2>&1")
            .status == 0)
      return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ADD_FAILURE() << "vigil serve did not answer C-ECHO on port " << port;
}

Node::~Node() {
  if (pid_ > 0) kill(SIGKILL);
}

void Node::kill(int signal) {
  if (pid_ <= 0) return;
  ::kill(pid_, signal);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  pid_ = -1;
}

nlohmann::json Node::status() const {
  const auto r = run_command(vigil_binary() + " status --json --storage " + storage_ + " 2>/dev/null");
  return r.status == 0 ? nlohmann::json::parse(r.out, nullptr, false) : nlohmann::json();
}

}  // namespace vigil::test
