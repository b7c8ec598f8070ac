// In a JPEG 2000 slice whose first fragment had its SOD marker (FF93, start of data) changed into
// 6093, GDCM's own walk of the main header (gdcm::JPEG2000Codec::GetHeaderInfo, which skips each
// marker segment by its declared length without checking it against the fragment, up to SOD) took
// 6093 for a segment and the next two bytes for a length of 53 246: it read 53 KB past the
// fragment. Under AddressSanitizer a SEGV; in the Release build the read happened not to fault on
// this file and the decoding failed, which is undefined behaviour all the same. Found by
// fuzz/campaign.sh volume (9 crashes in 15 minutes, all in GetHeaderInfo; input
// fuzz/regressions/volume/j2k_marker_length_gdcm_segv-27fef147.dcm, whose header is also too
// broken to reach the decoding through loadVolume). Fixed: before GDCM reads a JPEG 2000 slice,
// the first fragment's marker segments (and JP2 boxes) are walked as GDCM walks them, each
// checked against the fragment; a slice that fails is CorruptInput naming the file and the
// segment. The test makes the same change in a valid JPEG 2000 slice.
#include <gtest/gtest.h>

#include <string>

#include "load_one_slice.h"

namespace recap {
namespace {

TEST(J2kMarkerLength, TheSliceWithItsSodTurnedIntoASegmentIsCorruptInputNamingIt) {
  std::string b = test::fileBytes(test::validJpeg2000Slice());
  // The first tile-part's SOT segment (FF90, length 10), then SOD.
  const size_t sot = b.find(std::string("\xff\x90\x00\x0a", 4));
  ASSERT_NE(sot, std::string::npos);
  ASSERT_EQ(b.substr(sot + 12, 2), std::string("\xff\x93", 2));
  EXPECT_EQ(test::loadProblemOfBytes(b, "j2kmarker_ok"), "");  // the bytes as they are load
  b[sot + 12] = '\x60';
  b.replace(sot + 14, 2, std::string("\xcf\xfe", 2));
  const std::string reason = test::loadProblemOfBytes(b, "j2kmarker");
  EXPECT_NE(reason.find("JPEG 2000 marker segment 6093 at byte"), std::string::npos) << reason;
  EXPECT_NE(reason.find("declares 53246 bytes"), std::string::npos) << reason;
}

}  // namespace
}  // namespace recap
