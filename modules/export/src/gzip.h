// gzip compression of a finished file with zlib at a chosen level (internal to the export module).
#pragma once

#include <filesystem>
#include <string>

namespace recap::exporter::detail {

// Compresses the file `src` into the new file `dst` (which must not exist) as one gzip member
// written by zlib at `level` (1..9): no file name, modification time 0, so equal input gives equal
// bytes. zlib sets the header's XFL byte to 2 at level 9, 4 at level 1, 0 otherwise.
// On failure removes `dst` and throws Error(Output) naming `report_as` (the file the user asked for).
void gzipFile(const std::filesystem::path& src, const std::filesystem::path& dst, int level,
              const std::string& report_as);

}  // namespace recap::exporter::detail
