// libFuzzer harness: header indexing. The input is one file's bytes; recap indexes it as a folder
// would be (readHeader through DCMTK, grouping, classification, series selection). Bad input
// must end as an unreadable/skipped file or a recap::Error, never a crash, leak or hang.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "fuzz_file.h"
#include "recap/core/error.h"
#include "recap/dicom/geometry.h"
#include "recap/dicom/index.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::filesystem::path file = recap::fuzz::scratchFile("header");
  recap::fuzz::writeFile(file, data, size);
  try {
    recap::dicom::IndexOptions options;
    options.threads = 1;
    recap::dicom::Index index = recap::dicom::indexPath(file, options);
    for (auto& study : index.studies)
      for (auto& series : study.series) (void)recap::dicom::analyzeGeometry(series);
  } catch (const recap::Error&) {
  }
  return 0;
}
