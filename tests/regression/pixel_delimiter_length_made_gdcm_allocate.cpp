// A 7 KB JPEG 2000 PET slice whose pixel data ended with a sequence delimitation item (FFFE,E0DD)
// declaring a length of 3 627 047 168 bytes (it must be 0) passed DCMTK's header reading (DCMTK
// ignores a delimiter's length), joined its series, and then GDCM, which decodes the pixel data,
// took the length for a fragment's: it allocated and zero-filled 3.6 GB for the one slice
// (2.2 GB resident when libFuzzer stopped it). A series of such slices, or a batch running cases in
// parallel, would have been killed for memory. Found by CI's fuzz smoke run (fuzz_smoke failed on
// 7ae33a8; reproduced by fuzz/campaign.sh volume as an out-of-memory; input:
// fuzz/regressions/volume/pixel_delimiter_length_gdcm_oom-1c32ae5b.dcm). Fixed: before GDCM reads
// a slice of an encapsulated transfer syntax, the pixel data's items are checked against the
// file's bytes (each item fits in the file, the sequence ends with a delimiter of length 0); a
// slice that fails is CorruptInput, naming the file and the item.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "load_one_slice.h"

namespace recap {
namespace {

namespace fs = std::filesystem;

const fs::path kFuzzInput =
    fs::path(RECAP_SOURCE_DIR) / "fuzz/regressions/volume/pixel_delimiter_length_gdcm_oom-1c32ae5b.dcm";
const fs::path kValidJ2k = test::validJpeg2000Slice();

using test::fileBytes;
using test::loadProblem;
using test::loadProblemOfBytes;

void putLe32(std::string& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

// Where the valid slice's sequence delimitation item starts (its last 8 bytes).
size_t delimiterAt(const std::string& b) {
  const size_t at = b.rfind(std::string("\xfe\xff\xdd\xe0", 4));
  EXPECT_EQ(at, b.size() - 8);
  return at;
}

// The fuzz input also lost its ImageOrientationPatient (its tag became (5520,004E)), which stops
// loadVolume before any slice is decoded; with the tag put back, the slice reaches the decoding.
TEST(PixelDelimiterLength, TheFuzzInputIsCorruptInputNamingTheDelimiter) {
  ASSERT_TRUE(fs::exists(kFuzzInput));
  std::string b = fileBytes(kFuzzInput);
  const size_t tag = b.find(std::string("\x20\x55\x4e\x00" "DS", 6));
  ASSERT_NE(tag, std::string::npos);
  b.replace(tag, 4, std::string("\x20\x00\x37\x00", 4));
  const std::string reason = loadProblemOfBytes(b, "pixdelim_fuzz");
  EXPECT_NE(reason.find("sequence delimitation item declares a length of 3627047168 bytes"), std::string::npos)
      << reason;
}

TEST(PixelDelimiterLength, AValidJpeg2000SliceLoads) {
  ASSERT_TRUE(fs::exists(kValidJ2k));
  EXPECT_EQ(loadProblem(kValidJ2k), "");
}

TEST(PixelDelimiterLength, TheValidSliceWithALongDelimiterIsRefused) {
  std::string b = fileBytes(kValidJ2k);
  putLe32(b, delimiterAt(b) + 4, 0xd8300000u);
  const std::string reason = loadProblemOfBytes(b, "pixdelim_delimiter");
  EXPECT_NE(reason.find("declares a length of 3627024384 bytes (must be 0)"), std::string::npos) << reason;
}

}  // namespace
}  // namespace recap
