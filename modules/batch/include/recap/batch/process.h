// Child processes of recap batch: each case runs as `recap assess` in its own process (so that a
// crash of one case never takes the batch down), output to the case's log file.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace recap::batch {

// Starts `exe` with `args` (args[0] is argv[0]) in its own process group (so that a terminal's
// Ctrl-C reaches only the batch, which forwards it), stdin from /dev/null, stdout and stderr
// appended to `log`, with `env` added to (or replacing in) the environment. Throws
// Error(Internal) if the process cannot be started.
pid_t spawnLogged(const std::string& exe, const std::vector<std::string>& args, const std::filesystem::path& log,
                  const std::vector<std::pair<std::string, std::string>>& env = {});

// A child's end as a process exit code: its exit status, or 128 + N when killed by signal N.
struct ChildEnd {
  int exit_code = 0;
  int signal = 0;  // 0 unless killed by a signal
};
ChildEnd childEnd(int wait_status);

// What went wrong, in one line: the last "[error] ..." line of `log` (without the prefix), else
// "killed by signal N (SIGxxx)" or "exited with code N".
std::string failureReason(const std::filesystem::path& log, const ChildEnd& end);

}  // namespace recap::batch
