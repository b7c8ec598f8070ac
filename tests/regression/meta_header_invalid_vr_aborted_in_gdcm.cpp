// A DICOM file whose file meta information has an element with a VR that is not a DICOM VR ('rp'
// for (0002,0003)) killed recap convert/assess with SIGABRT: DCMTK read its header with a warning,
// the file joined its series, then GDCM, which decodes the pixel data, hit an assertion in
// gdcm::ReadExplicitDataElement ("Should not happen") and aborted the process (Debian builds GDCM
// with assertions). Found by fuzz/volume_fuzz.cpp (input:
// fuzz/regressions/volume/meta_header_invalid_vr_gdcm_assert-6e23e526.dcm, a JPEG-LS PET slice
// with one byte changed). Fixed: readHeader refuses such a file as unreadable, naming the element,
// so it never reaches GDCM and is reported like any other corrupt file.
// Second input of the same kind, found in the 30-minute run: HighBit (0028,0102) written as FL
// made gdcm::Attribute::SetFromDataElement assert; the image pixel attributes GDCM reads with a
// fixed VR are now checked too (pixel_attribute_wrong_vr_gdcm_assert-d13f4f0d.dcm).
// Third input, found by the fuzz smoke run of CI on 5 December 2026: ImagePositionPatient
// (0020,0032) written as LO made the same assertion fire in gdcm::ImageHelper::GetOriginValue; the
// check now covers every attribute GDCM reads with a fixed VR while it decodes a slice (geometry,
// rescale, as well as the pixel attributes) (image_position_wrong_vr_gdcm_assert-71f341fc.dcm).
#include <gtest/gtest.h>

#include <filesystem>

#include "recap/dicom/header.h"
#include "recap/dicom/index.h"

namespace recap {
namespace {

const std::filesystem::path kFile =
    std::filesystem::path(RECAP_SOURCE_DIR) / "fuzz/regressions/volume/meta_header_invalid_vr_gdcm_assert-6e23e526.dcm";

TEST(MetaHeaderInvalidVr, HeaderIsUnreadableNamingTheElement) {
  ASSERT_TRUE(std::filesystem::exists(kFile));
  const dicom::ReadResult r = dicom::readHeader(kFile);
  EXPECT_EQ(r.outcome, dicom::ReadOutcome::Unreadable);
  EXPECT_NE(r.problem.find("(0002,0003) has an invalid VR"), std::string::npos) << r.problem;
}

TEST(MetaHeaderInvalidVr, IndexingListsItAsUnreadableAndBuildsNoSeries) {
  const dicom::Index index = dicom::indexPath(kFile);
  ASSERT_EQ(index.unreadable.size(), 1u);
  EXPECT_EQ(index.unreadable[0].path, kFile);
  EXPECT_TRUE(index.studies.empty());
}

TEST(MetaHeaderInvalidVr, PixelAttributeWithAWrongVrIsUnreadableToo) {
  const auto file = kFile.parent_path() / "pixel_attribute_wrong_vr_gdcm_assert-d13f4f0d.dcm";
  ASSERT_TRUE(std::filesystem::exists(file));
  const dicom::ReadResult r = dicom::readHeader(file);
  EXPECT_EQ(r.outcome, dicom::ReadOutcome::Unreadable);
  EXPECT_NE(r.problem.find("(0028,0102) is written with a wrong VR"), std::string::npos) << r.problem;
}

TEST(MetaHeaderInvalidVr, GeometryAttributeWithAWrongVrIsUnreadableToo) {
  const auto file = kFile.parent_path() / "image_position_wrong_vr_gdcm_assert-71f341fc.dcm";
  ASSERT_TRUE(std::filesystem::exists(file));
  const dicom::ReadResult r = dicom::readHeader(file);
  EXPECT_EQ(r.outcome, dicom::ReadOutcome::Unreadable);
  EXPECT_NE(r.problem.find("(0020,0032) is written with a wrong VR"), std::string::npos) << r.problem;
}

}  // namespace
}  // namespace recap
