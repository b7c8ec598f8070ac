#include "recap/batch/process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <map>

#include "recap/core/error.h"

extern char** environ;

namespace recap::batch {

pid_t spawnLogged(const std::string& exe, const std::vector<std::string>& args, const std::filesystem::path& log,
                  const std::vector<std::pair<std::string, std::string>>& env) {
  std::map<std::string, std::string> vars;
  std::vector<std::string> order;
  for (char** e = environ; *e; ++e) {
    const std::string kv(*e);
    const auto eq = kv.find('=');
    const std::string k = kv.substr(0, eq);
    if (!vars.count(k)) order.push_back(k);
    vars[k] = eq == std::string::npos ? "" : kv.substr(eq + 1);
  }
  for (const auto& [k, v] : env) {
    if (!vars.count(k)) order.push_back(k);
    vars[k] = v;
  }
  std::vector<std::string> env_text;
  for (const auto& k : order) env_text.push_back(k + "=" + vars[k]);
  std::vector<char*> envp, argv;
  for (auto& s : env_text) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args_copy = args;
  for (auto& s : args_copy) argv.push_back(s.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&fa);
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  posix_spawnattr_setpgroup(&attr, 0);
  // Signals the batch ignores or handles are reset to their defaults in the child.
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, exe.c_str(), &fa, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) throw Error(ErrorCode::Internal, exe, std::string("cannot start a case process: ") + std::strerror(rc));
  return pid;
}

ChildEnd childEnd(int status) {
  ChildEnd e;
  if (WIFEXITED(status)) {
    e.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    e.signal = WTERMSIG(status);
    e.exit_code = 128 + e.signal;
  } else {
    e.exit_code = exitCode(ErrorCode::Internal);
  }
  return e;
}

std::string failureReason(const std::filesystem::path& log, const ChildEnd& end) {
  if (end.signal) {
    const char* abbrev = sigabbrev_np(end.signal);
    return "killed by signal " + std::to_string(end.signal) + (abbrev ? std::string(" (SIG") + abbrev + ")" : "");
  }
  std::ifstream in(log);
  std::string line, last;
  while (std::getline(in, line))
    if (line.rfind("[error] ", 0) == 0) last = line.substr(8);
  if (!last.empty()) return last;
  return "exited with code " + std::to_string(end.exit_code);
}

}  // namespace recap::batch
