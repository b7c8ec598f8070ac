// A 9 KB lossless JPEG PET slice in which one byte, the FF of the marker after the frame header
// (SOF3), had become FD: libjpeg skips the 38 bytes up to the next marker with a warning
// ("Corrupt JPEG data: 38 extraneous bytes before marker 0xda"), and GDCM, which asserts on any
// warning but one while it reads a JPEG header (gdcm::JPEG16Codec::GetHeaderInfo), aborted the
// process (libFuzzer: deadly signal in fuzz/volume_fuzz.cpp, CI's fuzz_smoke on 7 December 2026;
// input fuzz/regressions/volume/jpeg_bytes_before_marker_gdcm_assert-698ab839.dcm). A whole batch
// died with it. Fixed: the first fragment's marker segments are walked up to the first scan as
// libjpeg reads them, and a slice with anything libjpeg would warn of there is CorruptInput naming
// the file and the byte. The tests make the same change, and a JFIF segment of version 2 (the
// other header warning), in the valid slice.
#include <gtest/gtest.h>

#include <string>

#include "load_one_slice.h"

namespace recap {
namespace {

// A valid lossless JPEG (process 14, SV1) PET slice, the volume fuzzer's seed.
std::filesystem::path validJpegSlice() { return test::seedSlice("pt_jpeg_lossless"); }

// The slice's bytes and where its JPEG fragment starts (SOI, then the JFIF segment APP0).
std::string sliceBytes(size_t& soi) {
  std::string b = test::fileBytes(validJpegSlice());
  soi = b.find(std::string("\xff\xd8\xff\xe0", 4));
  return b;
}

TEST(JpegBytesBetweenMarkerSegments, TheValidSliceLoads) {
  EXPECT_EQ(test::loadProblem(validJpegSlice(), test::rawPetUnits()), "");
}

TEST(JpegBytesBetweenMarkerSegments, TheSliceIsCorruptInputNamingTheByte) {
  size_t soi = 0;
  std::string b = sliceBytes(soi);
  ASSERT_NE(soi, std::string::npos);
  // SOI (2 bytes), APP0 (2 + 16), SOF3 (2 + 11): the next marker, DHT, at byte 33.
  ASSERT_EQ(b.substr(soi + 20, 2), std::string("\xff\xc3", 2));
  ASSERT_EQ(b.substr(soi + 33, 2), std::string("\xff\xc4", 2));
  b[soi + 33] = '\xfd';
  EXPECT_EQ(test::loadProblemOfBytes(b, "jpegextraneous", test::rawPetUnits()),
            "JPEG byte 33 of the first fragment is not a marker where one must be (corrupt pixel data)");
}

TEST(JpegBytesBetweenMarkerSegments, AJfifSegmentOfAnotherMajorVersionIsCorruptInput) {
  size_t soi = 0;
  std::string b = sliceBytes(soi);
  ASSERT_NE(soi, std::string::npos);
  ASSERT_EQ(b.substr(soi + 6, 6), std::string("JFIF\0\x01", 6));
  b[soi + 11] = '\x02';
  EXPECT_EQ(test::loadProblemOfBytes(b, "jpegjfif2", test::rawPetUnits()),
            "JPEG JFIF segment (APP0) at byte 2 of the first fragment declares major version 2 (must be 1) "
            "(corrupt pixel data)");
}

}  // namespace
}  // namespace recap
