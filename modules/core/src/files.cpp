#include "recap/core/files.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "recap/core/error.h"

namespace fs = std::filesystem;

namespace recap {

namespace {

std::string errnoText(int err) { return std::strerror(err); }

// Writes all of `data` to `fd`; returns 0 or an errno value.
int writeAll(int fd, std::string_view data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    done += static_cast<size_t>(n);
  }
  return 0;
}

// Flushes the temporary file `tmp`; errors name the final `path` the caller asked for.
void syncFile(const fs::path& tmp, const fs::path& path) {
  int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(ErrorCode::Output, path.string(), "cannot reopen the temporary file to flush it: " + errnoText(errno));
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) throw Error(ErrorCode::Output, path.string(), "cannot flush to disk: " + errnoText(err));
}

}  // namespace

fs::path temporarySibling(const fs::path& path) {
  static std::atomic<unsigned> counter{0};
  return path.parent_path() / ("." + path.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
                               std::to_string(counter++));
}

void commitFile(const fs::path& tmp, const fs::path& path) {
  try {
    syncFile(tmp, path);
  } catch (...) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    std::error_code ec;
    fs::remove(tmp, ec);
    throw Error(ErrorCode::Output, path.string(), "cannot rename the finished file into place: " + errnoText(err));
  }
}

void writeFileAtomic(const fs::path& path, std::string_view content) {
  const fs::path tmp = temporarySibling(path);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(ErrorCode::Output, path.string(), "cannot create: " + errnoText(errno));
  int err = writeAll(fd, content);
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err != 0) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw Error(ErrorCode::Output, path.string(), "cannot write: " + errnoText(err));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    err = errno;
    std::error_code ec;
    fs::remove(tmp, ec);
    throw Error(ErrorCode::Output, path.string(), "cannot rename the finished file into place: " + errnoText(err));
  }
}

void ensureWritableDirectory(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw Error(ErrorCode::Output, dir.string(), "exists and is not a folder");
  fs::create_directories(dir, ec);
  if (ec) throw Error(ErrorCode::Output, dir.string(), "cannot create folder: " + ec.message());
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    throw Error(ErrorCode::Output, dir.string(), "folder is not writable: " + errnoText(errno));
}

}  // namespace recap
