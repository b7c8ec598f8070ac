// In a 7 KB JPEG-LS slice whose frame header (SOF55) declared an image of 65 535 x 65 535 16-bit
// samples, GDCM (CharLS) sized the image it decodes by that header and threw std::length_error out
// of gdcm::JPEGLSCodec::DecodeByStreamsCommon, an exception that was not recap::Error and named
// neither the file nor the problem (libFuzzer: deadly signal in fuzz/volume_fuzz.cpp, CI's
// fuzz_smoke on 6 December 2026; input
// fuzz/regressions/volume/jpegls_frame_larger_than_slice_gdcm_length_error-51339da5.dcm). Fixed:
// the first fragment's frame header must declare the data set's Columns x Rows, SamplesPerPixel
// and a precision that fits in BitsAllocated, and whatever GDCM throws while decoding is
// CorruptInput naming the file. The test makes the same change in a valid JPEG-LS slice.
#include <gtest/gtest.h>

#include <string>

#include "load_one_slice.h"

namespace recap {
namespace {

// A valid JPEG-LS PET slice (the volume fuzzer's seed).
std::filesystem::path validJpegLsSlice() { return test::seedSlice("pt_jpegls"); }

TEST(JpegLsFrameLargerThanSlice, TheValidSliceLoads) {
  EXPECT_EQ(test::loadProblem(validJpegLsSlice(), test::rawPetUnits()), "");
}

TEST(JpegLsFrameLargerThanSlice, TheSliceIsCorruptInputNamingItsFrameHeader) {
  std::string b = test::fileBytes(validJpegLsSlice());
  // SOI then SOF55; after the marker: Lf (2 bytes), P (1), Y (2), X (2).
  const size_t sof = b.find(std::string("\xff\xd8\xff\xf7", 4));
  ASSERT_NE(sof, std::string::npos);
  b.replace(sof + 7, 4, std::string("\xff\xff\xff\xff", 4));
  const std::string reason = test::loadProblemOfBytes(b, "jpeglswide", test::rawPetUnits());
  EXPECT_NE(reason.find("JPEG-LS frame header (SOF55) at byte 2 of the first fragment declares an image of "
                        "65535 x 65535 pixels, the data set's Columns x Rows is"),
            std::string::npos)
      << reason;
}

}  // namespace
}  // namespace recap
