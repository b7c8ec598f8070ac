#include "recap/batch/process.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace recap::batch {
namespace {

struct Ran {
  ChildEnd end;
  std::string log, reason;
};

Ran runShell(const std::string& script, const std::vector<std::pair<std::string, std::string>>& env = {}) {
  const fs::path log = fs::temp_directory_path() / ("recap-batch-process-" + std::to_string(::getpid()) + ".log");
  fs::remove(log);
  const pid_t pid = spawnLogged("/bin/sh", {"sh", "-c", script}, log, env);
  int status = 0;
  EXPECT_EQ(::waitpid(pid, &status, 0), pid);
  Ran r;
  r.end = childEnd(status);
  std::ifstream in(log);
  std::stringstream ss;
  ss << in.rdbuf();
  r.log = ss.str();
  r.reason = failureReason(log, r.end);
  fs::remove(log);
  return r;
}

TEST(Process, ExitCodeAndLastErrorLine) {
  const Ran r = runShell("echo '[info] working'; echo '[error] first' >&2; echo '[error] x.yaml: bad key' >&2; exit 9");
  EXPECT_EQ(r.end.exit_code, 9);
  EXPECT_EQ(r.end.signal, 0);
  EXPECT_EQ(r.reason, "x.yaml: bad key");
  EXPECT_NE(r.log.find("[info] working\n"), std::string::npos);  // stdout and stderr both in the log
}

TEST(Process, ACrashIsRecordedAsASignal) {
  const Ran r = runShell("echo '[info] about to crash'; kill -SEGV $$");
  EXPECT_EQ(r.end.signal, 11);
  EXPECT_EQ(r.end.exit_code, 128 + 11);
  EXPECT_EQ(r.reason, "killed by signal 11 (SIGSEGV)");
}

TEST(Process, NoErrorLine) {
  EXPECT_EQ(runShell("exit 3").reason, "exited with code 3");
}

TEST(Process, EnvironmentAddedAndStdinEmpty) {
  const Ran r = runShell("echo \"threads=$RECAP_TEST_VAR\"; cat; echo end", {{"RECAP_TEST_VAR", "3"}});
  EXPECT_EQ(r.end.exit_code, 0);
  EXPECT_EQ(r.log, "threads=3\nend\n");
}

TEST(Process, OwnProcessGroup) {
  const Ran r = runShell("cut -d' ' -f5 /proc/$$/stat; echo $$");  // field 5: the process group
  std::stringstream ss(r.log);
  std::string pgid, pid;
  ss >> pgid >> pid;
  EXPECT_EQ(pgid, pid);
}

}  // namespace
}  // namespace recap::batch
