// An 8 KB RLE PET slice whose AccessionNumber (0008,0050) and PixelSpacing (0028,0030) were
// written with the VRs '\x13H' and 'D5' (not DICOM VRs) passed DCMTK's header reading (DCMTK reads such an element as an unknown VR, '??'), joined its
// series, and then GDCM, which decodes the pixel data, parsed the element differently: it
// allocated and touched 1.5 GB and took 7 s for the one slice (gdcmconv --raw on the file: 6.9 s,
// 1 527 480 KB peak; 0.07 s and 18 MB with PixelSpacing's VR set to DS). A series of such slices would have
// held a run for about an hour. Found by fuzz/volume_fuzz.cpp as a timeout (input:
// fuzz/regressions/volume/dataset_invalid_vr_gdcm_slow-4ac3db5a.dcm). Fixed: readHeader refuses a
// file whose explicit VR data set holds an element with a non-DICOM VR, naming the first, so it
// never reaches GDCM. Implicit VR files are not concerned (their VRs come from the dictionary).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>

#include <unistd.h>

#include "recap/dicom/header.h"
#include "recap/dicom/index.h"

namespace recap {
namespace {

const std::filesystem::path kFile =
    std::filesystem::path(RECAP_SOURCE_DIR) / "fuzz/regressions/volume/dataset_invalid_vr_gdcm_slow-4ac3db5a.dcm";

TEST(DatasetInvalidVr, HeaderIsUnreadableNamingTheElement) {
  ASSERT_TRUE(std::filesystem::exists(kFile));
  const dicom::ReadResult r = dicom::readHeader(kFile);
  EXPECT_EQ(r.outcome, dicom::ReadOutcome::Unreadable);
  EXPECT_NE(r.problem.find("(0008,0050) is written with a VR that is not a DICOM VR"), std::string::npos)
      << r.problem;
}

TEST(DatasetInvalidVr, IndexingListsItAsUnreadableAndBuildsNoSeries) {
  const dicom::Index index = dicom::indexPath(kFile);
  ASSERT_EQ(index.unreadable.size(), 1u);
  EXPECT_EQ(index.unreadable[0].path, kFile);
  EXPECT_TRUE(index.studies.empty());
}

// The same bytes with the VRs written as SH and DS are not refused for their VRs: the check looks at
// the VR, not at anything else in this (otherwise corrupt) file.
TEST(DatasetInvalidVr, TheSameFileWithAValidVrIsNotRefusedForItsVr) {
  std::ifstream in(kFile, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const auto& [written, vr] : {std::pair<std::string, const char*>{std::string("\x08\x00\x50\x00\x13H", 6), "SH"},
                                     {std::string("\x28\x00\x30\x00" "D5", 6), "DS"}}) {
    const size_t at = bytes.find(written);
    ASSERT_NE(at, std::string::npos);
    bytes.replace(at + 4, 2, vr);
  }
  const auto fixed = std::filesystem::temp_directory_path() / ("recap_dataset_vr_" + std::to_string(::getpid()) + ".dcm");
  std::ofstream(fixed, std::ios::binary) << bytes;
  const dicom::ReadResult r = dicom::readHeader(fixed);
  std::filesystem::remove(fixed);
  EXPECT_EQ(r.problem.find("not a DICOM VR"), std::string::npos) << r.problem;
}

}  // namespace
}  // namespace recap
