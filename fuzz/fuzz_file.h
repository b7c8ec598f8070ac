// The harnesses' scratch file: recap reads DICOM by path, so each input is written to a file of
// this process's own (in /dev/shm when it exists) before it is read.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

namespace recap::fuzz {

inline std::filesystem::path scratchFile(const std::string& name) {
  const std::filesystem::path dir = std::filesystem::exists("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path();
  return dir / ("recap-fuzz-" + name + "-" + std::to_string(::getpid()) + ".dcm");
}

inline void writeFile(const std::filesystem::path& path, const uint8_t* data, size_t size) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return;
  if (size) std::fwrite(data, 1, size, f);
  std::fclose(f);
}

}  // namespace recap::fuzz
