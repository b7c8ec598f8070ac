// Typed errors and the exit codes they map to (documented in docs/exit-codes.md).
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace recap {

// Every failure recap reports falls in one of these classes. The numeric value is the process
// exit code; it is part of recap's interface, so values are never reused or renumbered.
enum class ErrorCode : int {
  Internal = 1,         // a bug or an unexpected library failure
  Usage = 2,            // bad command line
  NoInput = 3,          // input path missing, or no usable DICOM in it
  CorruptInput = 4,     // a file that cannot be parsed or whose pixel data cannot be decoded
  Unsupported = 5,      // valid DICOM that recap does not handle (transfer syntax, units, multi-frame, tilt)
  BadGeometry = 6,      // a series that is not a regular volume (gaps, duplicates, mixed orientations)
  MissingMetadata = 7,  // attributes needed for a result are missing or contradictory (SUV inputs)
  Output = 8,           // the output cannot be written (exists, not writable, disk full)
  CaseFile = 9,         // the case file is invalid (used by commands that read one)
  Interrupted = 10,     // stopped by a signal before finishing
  BatchSomeFailed = 11, // recap batch: some cases failed, the others succeeded (or were up to date)
  BatchNoneOk = 12,     // recap batch: every case failed
  ValidationFailed = 13,  // recap validate --fail-on: an agreement figure is outside its threshold
};

struct ErrorCodeInfo {
  ErrorCode code;
  const char* name;         // stable identifier, e.g. "bad_geometry" (used in --json output)
  const char* description;  // one line for docs and --help
};

// The full table, in numeric order.
const std::vector<ErrorCodeInfo>& errorCodeTable();
const char* errorCodeName(ErrorCode code);
inline int exitCode(ErrorCode code) { return static_cast<int>(code); }

// An error carrying its class, the file (or folder, or series) it concerns, and the reason.
// what() reads "<file>: <reason>", or just "<reason>" when no file applies.
class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, std::string file, std::string reason);

  ErrorCode code() const { return code_; }
  const std::string& file() const { return file_; }
  const std::string& reason() const { return reason_; }

 private:
  ErrorCode code_;
  std::string file_;
  std::string reason_;
};

}  // namespace recap
