#include "tests/support/command.h"

#include <sys/wait.h>

#include <cstdio>
#include <sstream>

#include "tests/support/test_paths.h"

namespace vigil::test {

CommandResult run_command(const std::string& command) {
  CommandResult r;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return r;
  char buffer[4096];
  while (std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) r.out.append(buffer, n);
  const int status = pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

CommandResult run_vigil(const std::string& args) { return run_command(vigil_binary() + " " + args + " 2>/dev/null"); }

std::string python() { return VIGIL_TEST_PYTHON; }

CommandResult run_test_script(const std::string& script, const std::string& args) {
  return run_command(python() + " " + VIGIL_TESTS_DIR + "/" + script + " " + args);
}

int error_lines(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) n += line.rfind("Error", 0) == 0;
  return n;
}

std::string dciodvfy(const std::string& path) { return run_command("dciodvfy '" + path + "' 2>&1").out; }

std::string pixelmed_sr_validator(const std::string& path) {
  // Java 17's XPath limits are too small for PixelMed's template rules (toolchain notes).
  return run_command("JAVA_TOOL_OPTIONS='-Djdk.xml.xpathExprGrpLimit=0 -Djdk.xml.xpathExprOpLimit=0 "
                     "-Djdk.xml.xpathTotalOpLimit=0' DicomSRValidator '" + path + "' 2>&1")
      .out;
}

bool make_test_certificates(const std::string& folder, const std::vector<std::string>& names) {
  std::string script = "cd '" + folder + "' && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt "
                       "-days 2 -subj /CN=VigilTestCA && openssl req -x509 -newkey rsa:2048 -nodes -keyout rogue.key "
                       "-out rogue.crt -days 2 -subj /CN=Rogue";
  for (const auto& n : names)
    script += " && openssl req -newkey rsa:2048 -nodes -keyout " + n + ".key -out " + n + ".csr -subj /CN=" + n +
              " && openssl x509 -req -in " + n + ".csr -CA ca.crt -CAkey ca.key -CAcreateserial -out " + n +
              ".crt -days 2";
  return run_command("(" + script + ") >/dev/null 2>&1").status == 0;
}

}  // namespace vigil::test
