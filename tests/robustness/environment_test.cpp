// Catalogue, environment: where recap assess writes and how it stops (docs/robustness.md).
#include <fstream>

#include "fixture.h"

namespace recap::robustness {
namespace {

class Environment : public Robustness {};

TEST_F(Environment, OutputUnderAFileIsExit8NamingIt) {
  const fs::path c = tinyCase("p");
  std::ofstream(dir_ / "file") << "x";
  const RunResult r = runRecap({"assess", c.string(), "--out", (dir_ / "file" / "out").string()});
  expectError(r, 8, {(dir_ / "file" / "out").string()});
  EXPECT_EQ(readText(dir_ / "file"), "x");
}

// /proc takes no new folders, not even from root (the test may run as root, which chmod cannot stop).
TEST_F(Environment, OutputFolderNotWritableIsExit8NamingIt) {
  const fs::path c = tinyCase("p");
  const RunResult r = runRecap({"assess", c.string(), "--out", "/proc/recap-robustness-out"});
  expectError(r, 8, {"/proc/recap-robustness-out"});
  EXPECT_FALSE(fs::exists("/proc/recap-robustness-out"));
}

// Disk full, simulated with a 40 KB file-size limit (SIGXFSZ ignored, so write() fails with EFBIG):
// report.html (~180 KB) cannot be written. Exit 8 naming it, and none of the outputs are left.
TEST_F(Environment, DiskFullWhileWritingLeavesNoOutputs) {
  const fs::path c = tinyCase("p");
  const RunResult r = runTool({"bash", "-c", "ulimit -f 40; trap '' XFSZ; exec \"$0\" assess \"$1\" --out \"$2\"", RECAP_EXE,
                               c.string(), (dir_ / "out").string()});
  expectError(r, 8, {(dir_ / "out" / "report.html").string(), "File too large"});
  EXPECT_TRUE(filesUnder(dir_ / "out").empty()) << filesUnder(dir_ / "out").front();
}

// SIGTERM in the middle of an assessment: the process ends by the signal and writes nothing.
TEST_F(Environment, InterruptedRunLeavesNoOutputs) {
  const fs::path c = tinyCase("p");
  const RunResult r = runTool({"bash", "-c", "\"$0\" assess \"$1\" --out \"$2\" & p=$!; sleep 0.4; kill -TERM $p; wait $p; echo rc=$?",
                               RECAP_EXE, c.string(), (dir_ / "out").string()});
  EXPECT_NE(r.out.find("rc=143"), std::string::npos) << r.out << r.err;
  EXPECT_TRUE(filesUnder(dir_ / "out").empty()) << filesUnder(dir_ / "out").front();
}

}  // namespace
}  // namespace recap::robustness
