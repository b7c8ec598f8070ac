#include "recap/listen/archive.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest.h>

#include <fstream>

#include "recap/core/error.h"

namespace fs = std::filesystem;
using namespace recap::listen;

TEST(ListenArchive, SanitisedUidsCannotLeaveTheirFolder) {
  EXPECT_EQ(sanitizeUid("1.2.840.10008.5.1.4"), "1.2.840.10008.5.1.4");
  EXPECT_EQ(sanitizeUid(".."), "_.");
  EXPECT_EQ(sanitizeUid("../../etc/passwd"), "_._.._etc_passwd");
  EXPECT_EQ(sanitizeUid("/abs"), "_abs");
  EXPECT_EQ(sanitizeUid(""), "_");
  EXPECT_EQ(sanitizeUid(std::string("1.2\0x", 5)), "1.2_x");
  const std::string long_uid(100, '1');
  const std::string s = sanitizeUid(long_uid);
  EXPECT_EQ(s.size(), 64u);
  EXPECT_NE(s, sanitizeUid(std::string(99, '1') + "2"));  // the hash keeps long UIDs apart
  for (const std::string uid : {"..", "../x", "a/../../b", ".hidden", "x\\..\\y"}) {
    const fs::path p = archivePath("/arch", InstanceInfo{"P", uid, uid, uid, "", ""});
    EXPECT_EQ(p.lexically_normal().string().rfind("/arch/", 0), 0u) << uid << " -> " << p;
    for (const auto& part : p) EXPECT_NE(part, "..") << uid;
  }
}

TEST(ListenArchive, ReadsUidsAndCommitsIntoPlace) {
  const fs::path dir = fs::temp_directory_path() / ("recap_listen_arch_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / ".incoming");
  DcmFileFormat ff;
  DcmDataset* ds = ff.getDataset();
  ds->putAndInsertString(DCM_SOPClassUID, UID_CTImageStorage);
  ds->putAndInsertString(DCM_SOPInstanceUID, "1.2.3.4.5");
  ds->putAndInsertString(DCM_StudyInstanceUID, "1.2.3");
  ds->putAndInsertString(DCM_SeriesInstanceUID, "../1.2.3.4");
  ds->putAndInsertString(DCM_PatientID, "PH-1");
  ds->putAndInsertString(DCM_StudyDate, "20230301");
  ds->putAndInsertString(DCM_Modality, "CT");
  const fs::path tmp = dir / ".incoming" / "x.tmp";
  ASSERT_TRUE(ff.saveFile(tmp.c_str(), EXS_LittleEndianExplicit).good());
  const InstanceInfo i = readInstanceInfo(tmp);
  EXPECT_EQ(i.patient_id, "PH-1");
  EXPECT_EQ(i.study_date, "20230301");
  EXPECT_EQ(i.modality, "CT");
  const fs::path dest = commitInstance(tmp, dir, i);
  EXPECT_EQ(dest, dir / "1.2.3" / "_._1.2.3.4" / "1.2.3.4.5.dcm");
  EXPECT_TRUE(fs::exists(dest));
  EXPECT_FALSE(fs::exists(tmp));
  std::ofstream(dir / "junk.dcm") << "not dicom";
  EXPECT_THROW(readInstanceInfo(dir / "junk.dcm"), recap::Error);
  fs::remove_all(dir);
}
