// A 9 KB lossless JPEG PET slice whose stream had lost its end (the FF of EOI had become FB) and 8
// bytes of its scan data (now zeros): GDCM decoded it without an error, so recap loaded the pixels
// of a truncated, corrupt stream as the slice's, and GDCM left its decompressor allocated (750 KB;
// LeakSanitizer in fuzz/volume_fuzz.cpp, fuzz/run.sh volume with seed 5 on 7 December 2026; input
// fuzz/regressions/volume/jpeg_scan_undecodable_gdcm_leak-4db5c57a.dcm). Fixed: a JPEG slice's
// stream must end with EOI at the end of its last fragment; the slice is CorruptInput naming the
// file. The leak itself is GDCM's, suppressed in scripts/lsan.supp for the sanitizer builds.
#include <gtest/gtest.h>

#include <string>

#include "load_one_slice.h"

namespace recap {
namespace {

TEST(JpegStreamWithoutEoi, TheValidSliceEndsWithEoiAndLoads) {
  const std::string b = test::fileBytes(test::seedSlice("pt_jpeg_lossless"));
  // The fragment ends with EOI, then the pixel data's sequence delimitation item.
  ASSERT_EQ(b.substr(b.size() - 10, 2), std::string("\xff\xd9", 2));
  EXPECT_EQ(test::loadProblem(test::seedSlice("pt_jpeg_lossless"), test::rawPetUnits()), "");
}

TEST(JpegStreamWithoutEoi, TheFuzzersSliceIsCorruptInput) {
  const std::filesystem::path found =
      std::filesystem::path(RECAP_SOURCE_DIR) / "fuzz/regressions/volume/jpeg_scan_undecodable_gdcm_leak-4db5c57a.dcm";
  EXPECT_EQ(test::loadProblem(found, test::rawPetUnits()),
            "the JPEG stream does not end with EOI (FFD9) at the end of its last fragment (truncated or corrupt) "
            "(corrupt pixel data)");
}

TEST(JpegStreamWithoutEoi, TheValidSliceCutShortIsCorruptInput) {
  std::string b = test::fileBytes(test::seedSlice("pt_jpeg_lossless"));
  b[b.size() - 10] = '\xfb';  // EOI's FF, the fragment's length unchanged
  EXPECT_EQ(test::loadProblemOfBytes(b, "jpegnoeoi", test::rawPetUnits()),
            "the JPEG stream does not end with EOI (FFD9) at the end of its last fragment (truncated or corrupt) "
            "(corrupt pixel data)");
}

}  // namespace
}  // namespace recap
