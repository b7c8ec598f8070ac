// Runs the recap executable and captures what a scheduler sees: exit code, stdout, stderr.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace recap::e2e {

struct RunResult {
  int exit_code = -1;  // -1: killed by a signal (a crash)
  std::string out, err;
};

// Runs RECAP_EXE with `args` (no shell), stdin from /dev/null.
RunResult runRecap(const std::vector<std::string>& args);

// Runs another program (argv[0] looked up in PATH, no shell), stdin from /dev/null; e.g. DCMTK's
// command-line tools to make test input. exit_code is 127 if it cannot be started.
RunResult runTool(const std::vector<std::string>& argv);

// The whole content of a file ("" if it cannot be read).
std::string readText(const std::filesystem::path& path);

}  // namespace recap::e2e
