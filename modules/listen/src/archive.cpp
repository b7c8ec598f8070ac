#include "recap/listen/archive.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <functional>

#include "recap/core/error.h"

namespace recap::listen {
namespace fs = std::filesystem;

std::string sanitizeUid(const std::string& uid) {
  std::string s;
  for (char ch : uid) {
    const bool ok = (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '.' || ch == '-';
    s += ok ? ch : '_';
  }
  if (s.empty()) return "_";
  if (s[0] == '.') s[0] = '_';
  if (s.size() > 64) {
    char hash[17];
    std::snprintf(hash, sizeof hash, "%016zx", std::hash<std::string>{}(uid));
    s = s.substr(0, 47) + "_" + hash;
  }
  return s;
}

InstanceInfo readInstanceInfo(const fs::path& file) {
  DcmFileFormat ff;
  const OFCondition c = ff.loadFileUntilTag(file.c_str(), EXS_Unknown, EGL_noChange, DCM_MaxReadLength,
                                            ERM_autoDetect, DCM_PixelData);
  if (c.bad()) throw Error(ErrorCode::CorruptInput, file.string(), std::string("not readable as DICOM: ") + c.text());
  DcmDataset* ds = ff.getDataset();
  auto get = [&](const DcmTagKey& tag) {
    OFString v;
    ds->findAndGetOFString(tag, v);
    return std::string(v.c_str());
  };
  InstanceInfo i{get(DCM_PatientID), get(DCM_StudyInstanceUID), get(DCM_SeriesInstanceUID),
                 get(DCM_SOPInstanceUID), get(DCM_StudyDate), get(DCM_Modality)};
  if (i.study_uid.empty() || i.series_uid.empty() || i.sop_uid.empty())
    throw Error(ErrorCode::CorruptInput, file.string(), "no StudyInstanceUID, SeriesInstanceUID or SOPInstanceUID");
  return i;
}

fs::path archivePath(const fs::path& archive, const InstanceInfo& info) {
  return archive / sanitizeUid(info.study_uid) / sanitizeUid(info.series_uid) / (sanitizeUid(info.sop_uid) + ".dcm");
}

namespace {
void syncPath(const fs::path& p, int flags) {
  const int fd = ::open(p.c_str(), flags);
  if (fd < 0) throw Error(ErrorCode::Output, p.string(), "cannot open to sync");
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) throw Error(ErrorCode::Output, p.string(), "fsync failed");
}
}  // namespace

fs::path commitInstance(const fs::path& tmp, const fs::path& archive, const InstanceInfo& info) {
  const fs::path dest = archivePath(archive, info);
  std::error_code ec;
  fs::create_directories(dest.parent_path(), ec);
  if (ec) throw Error(ErrorCode::Output, dest.parent_path().string(), "cannot create the folder: " + ec.message());
  syncPath(tmp, O_RDONLY);
  if (std::rename(tmp.c_str(), dest.c_str()) != 0) {
    fs::remove(tmp, ec);
    throw Error(ErrorCode::Output, dest.string(), "cannot rename the received file into place");
  }
  syncPath(dest.parent_path(), O_RDONLY | O_DIRECTORY);
  return dest;
}

}  // namespace recap::listen
