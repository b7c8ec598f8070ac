// In a 128 x 128 JPEG 2000 slice whose codestream's SIZ segment declared an image 32 768 pixels
// wide, GDCM decoded the codestream (OpenJPEG accepts it) and copied the decoded image into a
// buffer sized by the data set's Rows x Columns x BitsAllocated without comparing the two: it wrote
// past that buffer (SEGV in gdcm::JPEG2000Codec::DecodeByStreamsCommon under AddressSanitizer).
// Found by fuzz/campaign.sh volume on 6 December 2026 (input
// fuzz/regressions/volume/j2k_siz_wider_than_slice_gdcm_segv-dacb99cc.dcm). Fixed: the first
// fragment's SIZ segment must declare the data set's Columns x Rows and SamplesPerPixel, and a
// precision that fits in BitsAllocated; a slice that does not is CorruptInput naming the file and
// the segment. The test makes the same change in a valid JPEG 2000 slice.
#include <gtest/gtest.h>

#include <string>

#include "load_one_slice.h"

namespace recap {
namespace {

TEST(J2kImageWiderThanSlice, TheSliceIsCorruptInputNamingItsSizSegment) {
  std::string b = test::fileBytes(test::validJpeg2000Slice());
  // SOC then SIZ; Xsiz is the 4 bytes after Lsiz and Rsiz.
  const size_t siz = b.find(std::string("\xff\x4f\xff\x51", 4));
  ASSERT_NE(siz, std::string::npos);
  b.replace(siz + 8, 4, std::string("\x00\x00\x80\x00", 4));
  const std::string reason = test::loadProblemOfBytes(b, "j2kwide");
  EXPECT_NE(reason.find("JPEG 2000 SIZ segment at byte 2 of the first fragment declares an image of 32768 x"),
            std::string::npos)
      << reason;
  EXPECT_NE(reason.find("the data set's Columns x Rows is"), std::string::npos) << reason;
}

}  // namespace
}  // namespace recap
