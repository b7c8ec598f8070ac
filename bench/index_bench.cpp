// recap_bench_index PATH [--runs N] [--threads N]
//
// Indexing alone (recap::dicom::indexPath: walk, read each file's header without its pixel data,
// group, classify, select), N times (default 3) after one warm-up run. Prints one line per run and
// a summary: files, DICOM instances, seconds (min, mean), headers per second (files / min
// seconds), and what the process read from its files in the last run (rchar and syscr from
// /proc/self/io: bytes and read calls) against the files' total size, which shows that the
// pixel data is not read. bench/index_rate.sh runs it against gdcmscanner and counts, with
// strace, how often each file is opened.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <numeric>
#include <string>
#include <vector>

#include "recap/dicom/index.h"

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

struct Io {
  unsigned long long rchar = 0, syscr = 0;
};

Io readIo() {
  Io io;
  std::ifstream in("/proc/self/io");
  std::string key;
  unsigned long long value = 0;
  while (in >> key >> value) {
    if (key == "rchar:") io.rchar = value;
    if (key == "syscr:") io.syscr = value;
  }
  return io;
}

int usage(const std::string& why) {
  std::cerr << "error: " << why << "\nusage: recap_bench_index PATH [--runs N] [--threads N]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string path;
  int runs = 3;
  unsigned threads = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--runs" && i + 1 < argc) {
      runs = std::atoi(argv[++i]);
      if (runs < 1) return usage("--runs must be at least 1");
    } else if (a == "--threads" && i + 1 < argc) {
      threads = static_cast<unsigned>(std::strtoul(argv[++i], nullptr, 10));
    } else if (!a.empty() && a[0] == '-') {
      return usage("unknown option " + a);
    } else if (path.empty()) {
      path = a;
    } else {
      return usage("more than one input path");
    }
  }
  if (path.empty()) return usage("no input path");
  try {
    unsigned long long total_bytes = 0, files = 0;
    for (const auto& e : fs::recursive_directory_iterator(path))
      if (e.is_regular_file()) total_bytes += e.file_size(), ++files;

    recap::dicom::IndexOptions options;
    options.threads = threads;
    recap::dicom::indexPath(path, options);  // warm-up: page cache
    std::vector<double> seconds;
    recap::dicom::Index index;
    Io before, after;
    for (int r = 0; r < runs; ++r) {
      before = readIo();
      const auto start = Clock::now();
      index = recap::dicom::indexPath(path, options);
      seconds.push_back(std::chrono::duration<double>(Clock::now() - start).count());
      after = readIo();
      std::printf("run %d: %.3f s\n", r + 1, seconds.back());
    }
    const double best = *std::min_element(seconds.begin(), seconds.end());
    const double mean = std::accumulate(seconds.begin(), seconds.end(), 0.0) / double(seconds.size());
    const double read_mb = double(after.rchar - before.rchar) / 1e6, total_mb = double(total_bytes) / 1e6;
    std::printf("files %llu, DICOM instances %zu, unreadable %zu, studies %zu\n", files, index.dicom_instances,
                index.unreadable.size(), index.studies.size());
    std::printf("seconds min %.3f mean %.3f; headers per second %.0f\n", best, mean, double(files) / best);
    std::printf("read %.1f MB in %llu read calls of %.1f MB on disk (%.1f %%), %.0f bytes per file\n", read_mb,
                after.syscr - before.syscr, total_mb, 100 * read_mb / total_mb,
                double(after.rchar - before.rchar) / double(files));
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}
