#include "gzip.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "recap/core/error.h"

namespace fs = std::filesystem;

namespace recap::exporter::detail {

namespace {

constexpr size_t kChunk = 1 << 20;

// Closes a descriptor on every path out of gzipFile.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

struct Deflater {
  z_stream z{};
  bool open = false;
  ~Deflater() {
    if (open) deflateEnd(&z);
  }
};

int writeAll(int fd, const unsigned char* data, size_t size) {
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::write(fd, data + done, size - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    done += static_cast<size_t>(n);
  }
  return 0;
}

}  // namespace

void gzipFile(const fs::path& src, const fs::path& dst, int level, const std::string& report_as) {
  if (level < 1 || level > 9)
    throw Error(ErrorCode::Usage, report_as, "gzip level " + std::to_string(level) + " is outside 1..9");
  bool created = false;
  auto fail = [&](const std::string& why) {
    if (created) {
      std::error_code ec;
      fs::remove(dst, ec);
    }
    throw Error(ErrorCode::Output, report_as, why);
  };
  Fd in, out;
  in.fd = ::open(src.c_str(), O_RDONLY | O_CLOEXEC);
  if (in.fd < 0) fail("cannot reopen the uncompressed NIfTI: " + std::string(std::strerror(errno)));
  out.fd = ::open(dst.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (out.fd < 0) fail("cannot create: " + std::string(std::strerror(errno)));
  created = true;

  Deflater d;
  // windowBits 15 + 16: a gzip wrapper rather than zlib's own.
  if (deflateInit2(&d.z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    fail("zlib cannot start compressing (out of memory?)");
  d.open = true;
  std::vector<unsigned char> inbuf(kChunk), outbuf(kChunk);
  int flush = Z_NO_FLUSH;
  while (flush != Z_FINISH) {
    ssize_t n;
    do n = ::read(in.fd, inbuf.data(), inbuf.size());
    while (n < 0 && errno == EINTR);
    if (n < 0) fail("cannot read the uncompressed NIfTI: " + std::string(std::strerror(errno)));
    flush = n == 0 ? Z_FINISH : Z_NO_FLUSH;
    d.z.next_in = inbuf.data();
    d.z.avail_in = static_cast<uInt>(n);
    do {
      d.z.next_out = outbuf.data();
      d.z.avail_out = static_cast<uInt>(outbuf.size());
      const int rc = deflate(&d.z, flush);
      if (rc == Z_STREAM_ERROR) fail("zlib failed while compressing");
      const size_t have = outbuf.size() - d.z.avail_out;
      if (const int err = writeAll(out.fd, outbuf.data(), have))
        fail("cannot write: " + std::string(std::strerror(err)));
    } while (d.z.avail_out == 0);
  }
  const int fd = out.fd;
  out.fd = -1;
  if (::close(fd) != 0) fail("cannot write: " + std::string(std::strerror(errno)));
}

}  // namespace recap::exporter::detail
