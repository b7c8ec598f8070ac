// Runs the DICOM validators the tests rely on: dciodvfy (Debian's dicom3tools) and DCMTK's dsrdump.
// Both must be installed (scripts/deps-apt-test.txt); a missing tool fails the test.
#pragma once

#include <array>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

namespace recap::srseg::test {

struct ToolRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

inline ToolRun runTool(const std::string& tool, const std::filesystem::path& file) {
  ToolRun r;
  const std::string cmd = tool + " '" + file.string() + "' 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
  const int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// The lines of `output` that start with `prefix` (dciodvfy: "Error", dsrdump: "E:").
inline std::vector<std::string> linesStarting(const std::string& output, const std::string& prefix) {
  std::vector<std::string> out;
  std::istringstream in(output);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(prefix, 0) == 0) out.push_back(line);
  return out;
}

inline std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

}  // namespace recap::srseg::test
