// The input digest of a case: what must be unchanged for a finished case to be skipped on rerun.
#pragma once

#include <filesystem>
#include <string>

namespace recap::batch {

struct InputDigest {
  std::string sha256;            // hex; empty when the case file could not be read
  std::string profile;           // "<name> <version>" of the criteria profile
  std::string problem;           // why there is no digest (the case file's error), else empty
};

// SHA-256 over: the recap version; the case file's bytes; the criteria profile's name and version
// (and its file's bytes when the case names one); and, for each timepoint folder in order, every
// regular file below it (sorted by relative path) with its size and modification time in
// nanoseconds. File contents of DICOM folders are not read (too slow for a trial). When the case
// file is invalid, `sha256` is empty and `problem` says why; such a case is always run.
InputDigest inputDigest(const std::filesystem::path& case_file, const std::string& recap_version);

}  // namespace recap::batch
