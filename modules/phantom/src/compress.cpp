// Transfer syntax conversion with DCMTK's and GDCM's command-line tools, run without a shell.
#include "recap/phantom/compress.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <vector>

#include "recap/core/error.h"
#include "recap/core/files.h"

extern char** environ;

namespace recap::phantom {
namespace {

namespace fs = std::filesystem;

struct ToolResult {
  bool ok = false;
  std::string status;  // "exit status N" or "killed by signal N"
  std::string output;  // stdout and stderr, interleaved
};

// A path as a command-line argument: tools would take a leading '-' for an option.
std::string argPath(const fs::path& p) {
  const std::string s = p.string();
  return (!s.empty() && s[0] == '-') ? "./" + s : s;
}

std::string commandLine(const std::vector<std::string>& args) {
  std::string line;
  for (const auto& a : args) line += (line.empty() ? "" : " ") + a;
  return line;
}

// Closes a file descriptor when it goes out of scope.
struct Fd {
  int fd = -1;
  ~Fd() { reset(); }
  void reset() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

// Runs args[0] (looked up in PATH) with stdout and stderr captured. Throws Error(Internal) naming
// `file` if the tool cannot be started.
ToolResult runTool(const std::vector<std::string>& args, const fs::path& file) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
    throw Error(ErrorCode::Internal, file.string(),
                std::string("cannot create a pipe: ") + std::strerror(errno));
  Fd read_end{pipe_fds[0]}, write_end{pipe_fds[1]};

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, write_end.fd, 1);
  posix_spawn_file_actions_adddup2(&actions, write_end.fd, 2);

  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  write_end.reset();
  if (rc != 0)
    throw Error(ErrorCode::Internal, file.string(),
                "cannot run " + args[0] + " (" + commandLine(args) + "): " + std::strerror(rc));

  ToolResult result;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(read_end.fd, buf, sizeof buf);
    if (n > 0) result.output.append(buf, static_cast<size_t>(n));
    else if (n == 0 || errno != EINTR) break;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  result.status = WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                    : "killed by signal " + std::to_string(WTERMSIG(status));
  return result;
}

std::vector<std::string> toolCommand(Syntax s, const fs::path& in, const fs::path& out) {
  const std::string i = argPath(in), o = argPath(out);
  switch (s) {
    case Syntax::ExplicitLittle: return {"dcmconv", "+te", i, o};
    case Syntax::ImplicitLittle: return {"dcmconv", "+ti", i, o};
    case Syntax::Deflated: return {"dcmconv", "+td", i, o};
    case Syntax::JpegLossless: return {"dcmcjpeg", "+e1", i, o};
    case Syntax::JpegLsLossless: return {"dcmcjpls", "+el", i, o};
    case Syntax::JpegLsNearLossless: return {"dcmcjpls", "+en", "+md", "2", i, o};
    case Syntax::Rle: return {"dcmcrle", i, o};
    case Syntax::J2kLossless: return {"gdcmconv", "--j2k", "-i", i, "-o", o};
    case Syntax::J2kLossy: return {"gdcmconv", "--j2k", "--lossy", "-q", "90", "-i", i, "-o", o};
  }
  throw Error(ErrorCode::Internal, "", "unknown transfer syntax");
}

void removeQuietly(const fs::path& p) {
  std::error_code ignored;
  fs::remove(p, ignored);
}

// Converts one file: the tool writes a temporary sibling of `out`, renamed to `out` on success,
// so that `in` may equal `out` and no half-written file is left behind.
void convertFile(const fs::path& in, const fs::path& out, Syntax s) {
  const fs::path tmp = temporarySibling(out);
  const std::vector<std::string> args = toolCommand(s, in, tmp);
  ToolResult r;
  try {
    r = runTool(args, in);
  } catch (...) {
    removeQuietly(tmp);
    throw;
  }
  std::error_code ec;
  const bool written = fs::is_regular_file(tmp, ec) && fs::file_size(tmp, ec) > 0 && !ec;
  if (!r.ok || !written) {
    removeQuietly(tmp);
    const std::string how = r.ok ? "no output file" : r.status;
    throw Error(ErrorCode::Internal, in.string(),
                args[0] + " failed (" + how + ") converting to " + syntaxName(s) + ": " + commandLine(args) +
                    "\n" + r.output);
  }
  commitFile(tmp, out);
}

}  // namespace

std::string transferSyntaxUid(Syntax s) {
  switch (s) {
    case Syntax::ExplicitLittle: return "1.2.840.10008.1.2.1";
    case Syntax::ImplicitLittle: return "1.2.840.10008.1.2";
    case Syntax::Deflated: return "1.2.840.10008.1.2.1.99";
    case Syntax::JpegLossless: return "1.2.840.10008.1.2.4.70";
    case Syntax::JpegLsLossless: return "1.2.840.10008.1.2.4.80";
    case Syntax::JpegLsNearLossless: return "1.2.840.10008.1.2.4.81";
    case Syntax::Rle: return "1.2.840.10008.1.2.5";
    case Syntax::J2kLossless: return "1.2.840.10008.1.2.4.90";
    case Syntax::J2kLossy: return "1.2.840.10008.1.2.4.91";
  }
  throw Error(ErrorCode::Internal, "", "unknown transfer syntax");
}

std::string syntaxName(Syntax s) {
  switch (s) {
    case Syntax::ExplicitLittle: return "explicit-little";
    case Syntax::ImplicitLittle: return "implicit-little";
    case Syntax::Deflated: return "deflated";
    case Syntax::JpegLossless: return "jpeg-lossless";
    case Syntax::JpegLsLossless: return "jpeg-ls-lossless";
    case Syntax::JpegLsNearLossless: return "jpeg-ls-near-lossless";
    case Syntax::Rle: return "rle";
    case Syntax::J2kLossless: return "j2k-lossless";
    case Syntax::J2kLossy: return "j2k-lossy";
  }
  throw Error(ErrorCode::Internal, "", "unknown transfer syntax");
}

bool isLossy(Syntax s) { return s == Syntax::JpegLsNearLossless || s == Syntax::J2kLossy; }

void compressFolder(const fs::path& in, const fs::path& out, Syntax s) {
  std::error_code ec;
  if (!fs::is_directory(in, ec)) throw Error(ErrorCode::NoInput, in.string(), "not a folder");
  std::vector<fs::path> files;
  for (fs::directory_iterator it(in, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file(ec)) files.push_back(it->path());
  if (ec) throw Error(ErrorCode::NoInput, in.string(), "cannot list the folder: " + ec.message());
  std::sort(files.begin(), files.end());
  ensureWritableDirectory(out);
  for (const auto& f : files) convertFile(f, out / f.filename(), s);
}

}  // namespace recap::phantom
