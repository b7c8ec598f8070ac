// recap_bench_load PATH [--threads N] [--write DIR] [--level L]
//
// Ingestion alone, as `recap convert` does it but without writing NIfTI: indexes PATH
// (recap::dicom::indexPath) and loads the selected CT and PET of every study into memory
// (recap::dicom::loadVolume, CT in HU, PET in SUVbw), printing the time of each stage on stdout.
// With --write DIR it also writes each volume with recap::exporter::writeNifti at gzip level L
// (default 6), so that the split between decoding and NIfTI writing can be read off one run.
// --threads N sets both indexing and decoding threads (default 0: one per core).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "recap/dicom/index.h"
#include "recap/dicom/volume.h"
#include "recap/export/nifti.h"

namespace fs = std::filesystem;
namespace dicom = recap::dicom;

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

int usage(const std::string& why) {
  std::cerr << "error: " << why << "\n"
            << "usage: recap_bench_load PATH [--threads N] [--write DIR] [--level L]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string path;
  fs::path write_dir;
  unsigned threads = 0;
  int level = 6;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--threads" && i + 1 < argc) {
      threads = static_cast<unsigned>(std::strtoul(argv[++i], nullptr, 10));
    } else if (a == "--write" && i + 1 < argc) {
      write_dir = argv[++i];
    } else if (a == "--level" && i + 1 < argc) {
      level = std::atoi(argv[++i]);
      if (level < 1 || level > 9) return usage("--level must be 1 to 9");
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
    const auto start = Clock::now();
    dicom::IndexOptions index_options;
    index_options.threads = threads;
    const dicom::Index index = dicom::indexPath(path, index_options);
    std::printf("index  %8.3f s  %zu files, %zu DICOM instances\n", seconds(start), index.files_seen,
                index.dicom_instances);

    dicom::LoadOptions load_options;
    load_options.threads = threads;
    size_t loaded = 0;
    for (const dicom::Study& study : index.studies) {
      for (const auto& selected : {study.selected_ct, study.selected_pet}) {
        if (!selected) continue;
        const dicom::Series& series = study.series[*selected];
        auto t = Clock::now();
        const dicom::Volume volume = dicom::loadVolume(series, load_options);
        const auto& size = volume.geometry.size;
        std::printf("load   %8.3f s  %s %dx%dx%d %s\n", seconds(t), series.modality.c_str(), size[0], size[1],
                    size[2], volume.units.c_str());
        ++loaded;
        if (!write_dir.empty()) {
          t = Clock::now();
          fs::create_directories(write_dir);
          const fs::path nifti = write_dir / (recap::exporter::volumeBaseName(series) + ".nii.gz");
          recap::exporter::writeNifti(volume, nifti, {level});
          std::printf("write  %8.3f s  %s (gzip level %d, %.1f MB)\n", seconds(t), nifti.string().c_str(), level,
                      static_cast<double>(fs::file_size(nifti)) / 1e6);
        }
      }
    }
    if (loaded == 0) {
      std::cerr << "error: " << path << ": no CT or PET volume selected\n";
      return 1;
    }
    std::printf("total  %8.3f s\n", seconds(start));
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
