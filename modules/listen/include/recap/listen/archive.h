// The archive of received instances: <archive>/<study uid>/<series uid>/<sop uid>.dcm, each file
// written under a temporary name and renamed into place.
#pragma once

#include <filesystem>
#include <string>

namespace recap::listen {

// A UID as a file name that cannot leave its folder: characters other than [0-9A-Za-z.-] become
// '_', a leading '.' becomes '_' (no "..", no hidden files), at most 64 characters (longer names
// are cut and end with a hash of the whole UID); an empty UID is "_".
std::string sanitizeUid(const std::string& uid);

// The attributes of a received instance recap needs.
struct InstanceInfo {
  std::string patient_id, study_uid, series_uid, sop_uid, study_date, modality;
};

// Reads the attributes up to the pixel data of a DICOM file; throws Error(CorruptInput) naming the
// file if it cannot be parsed or lacks a study, series or SOP instance UID.
InstanceInfo readInstanceInfo(const std::filesystem::path& file);

// Where the instance goes in the archive.
std::filesystem::path archivePath(const std::filesystem::path& archive, const InstanceInfo& info);

// Moves the received file `tmp` (same file system) to its archive path, durably: fsync, rename,
// fsync of the folder. Returns the archive path. Throws Error(Output).
std::filesystem::path commitInstance(const std::filesystem::path& tmp, const std::filesystem::path& archive,
                                     const InstanceInfo& info);

}  // namespace recap::listen
