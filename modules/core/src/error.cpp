#include "recap/core/error.h"

namespace recap {

const std::vector<ErrorCodeInfo>& errorCodeTable() {
  static const std::vector<ErrorCodeInfo> table = {
      {ErrorCode::Internal, "internal", "unexpected internal failure (a bug: please report it)"},
      {ErrorCode::Usage, "usage", "invalid command line"},
      {ErrorCode::NoInput, "no_input", "input path missing, or no usable DICOM found in it"},
      {ErrorCode::CorruptInput, "corrupt_input", "a DICOM file or its pixel data cannot be read"},
      {ErrorCode::Unsupported, "unsupported", "valid input that recap does not handle"},
      {ErrorCode::BadGeometry, "bad_geometry", "a series is not a regular volume"},
      {ErrorCode::MissingMetadata, "missing_metadata", "attributes needed for a result are missing or inconsistent"},
      {ErrorCode::Output, "output", "the output cannot be written"},
      {ErrorCode::CaseFile, "case_file", "the case file is invalid"},
      {ErrorCode::Interrupted, "interrupted", "stopped by a signal before finishing"},
      {ErrorCode::BatchSomeFailed, "batch_some_failed", "recap batch: some cases failed, the others are done"},
      {ErrorCode::BatchNoneOk, "batch_none_ok", "recap batch: every case failed"},
      {ErrorCode::ValidationFailed, "validation_failed", "recap validate: an agreement figure is outside its threshold"},
  };
  return table;
}

const char* errorCodeName(ErrorCode code) {
  for (const auto& e : errorCodeTable())
    if (e.code == code) return e.name;
  return "internal";
}

static std::string composeMessage(const std::string& file, const std::string& reason) {
  return file.empty() ? reason : file + ": " + reason;
}

Error::Error(ErrorCode code, std::string file, std::string reason)
    : std::runtime_error(composeMessage(file, reason)),
      code_(code),
      file_(std::move(file)),
      reason_(std::move(reason)) {}

}  // namespace recap
