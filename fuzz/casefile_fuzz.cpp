// libFuzzer harness: the case-file parser (YAML through yaml-cpp, then recap's checks). Folders
// are not checked (they would not exist); every invalid file must end as recap::Error.
#include <cstdint>
#include <string>

#include "recap/casefile/casefile.h"
#include "recap/core/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  recap::casefile::ParseOptions options;
  options.check_folders = false;
  try {
    (void)recap::casefile::parseCaseFile(text, "fuzz.yaml", "/nonexistent-recap-fuzz", options);
  } catch (const recap::Error&) {
  }
  return 0;
}
