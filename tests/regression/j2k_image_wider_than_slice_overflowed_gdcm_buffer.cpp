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

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <unistd.h>

#include "load_one_slice.h"

namespace recap {
namespace {

namespace fs = std::filesystem;

const fs::path kValidJ2k = fs::path(RECAP_SOURCE_DIR) / "fuzz/corpus/volume/ct_j2k.dcm";

TEST(J2kImageWiderThanSlice, TheSliceIsCorruptInputNamingItsSizSegment) {
  std::ifstream in(kValidJ2k, std::ios::binary);
  std::string b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // SOC then SIZ; Xsiz is the 4 bytes after Lsiz and Rsiz.
  const size_t siz = b.find(std::string("\xff\x4f\xff\x51", 4));
  ASSERT_NE(siz, std::string::npos);
  const size_t xsiz = siz + 8;
  const fs::path bad = fs::temp_directory_path() / ("recap_j2kwide_" + std::to_string(::getpid()) + ".dcm");
  b.replace(xsiz, 4, std::string("\x00\x00\x80\x00", 4));
  std::ofstream(bad, std::ios::binary) << b;
  const std::string reason = test::loadProblem(bad);
  fs::remove(bad);
  EXPECT_NE(reason.find("JPEG 2000 SIZ segment at byte 2 of the first fragment declares an image of 32768 x"),
            std::string::npos)
      << reason;
  EXPECT_NE(reason.find("the data set's Columns x Rows is"), std::string::npos) << reason;
}

}  // namespace
}  // namespace recap
