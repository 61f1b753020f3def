#pragma once
// Runs a shell command as a user would and captures its exit status and output.

#include <string>
#include <vector>

namespace vigil::test {

struct CommandResult {
  int status = -1;   ///< exit status; -1 when killed by a signal
  std::string out;   ///< stdout (and stderr when the command redirects it)
};

/// Runs `command` through /bin/sh; stdout captured, stderr left alone unless redirected.
CommandResult run_command(const std::string& command);

/// `vigil ARGS` with stderr discarded.
CommandResult run_vigil(const std::string& args);

/// The venv's Python (with highdicom/pydicom), set by tests/CMakeLists.txt.
std::string python();

/// `python() tests/SCRIPT ARGS`: a Python helper from the tests folder (ARGS already shell-quoted
/// and redirected as the caller wants).
CommandResult run_test_script(const std::string& script, const std::string& args);

/// Number of lines starting with "Error" in `text` (dciodvfy's and PixelMed's error lines).
int error_lines(const std::string& text);

/// dciodvfy's output for a file (stderr included).
std::string dciodvfy(const std::string& path);

/// PixelMed's DicomSRValidator output for a file (it always exits 0: read the output).
std::string pixelmed_sr_validator(const std::string& path);

/// Makes test certificates with openssl in `folder`: a CA (ca.crt/ca.key), one certificate signed
/// by it per name (NAME.crt/NAME.key), and a self-signed rogue.crt/rogue.key nobody trusts.
/// Returns false when openssl fails.
bool make_test_certificates(const std::string& folder, const std::vector<std::string>& names);

}  // namespace vigil::test
