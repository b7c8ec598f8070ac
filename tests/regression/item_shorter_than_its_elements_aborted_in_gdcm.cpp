// In a 7 KB JPEG-LS PET slice, the item of RadiopharmaceuticalInformationSequence (a sequence of
// defined length) declared 91 bytes where its elements took 152: its last element ran past the
// item's end. DCMTK read the header with a warning; GDCM's explicit reading of the data set failed,
// and its fallback asserted on the stream it had left in error (gdcm::FileMetaInformation::
// ReadCompat, `Assertion 'is.good()' failed`): the process aborted (libFuzzer: deadly signal in
// fuzz/volume_fuzz.cpp, a local run of fuzz/run.sh volume from the smoke test's seed on 7 December
// 2026; input fuzz/regressions/volume/item_shorter_than_elements_gdcm_assert-e6fc0895.dcm). The
// same change aborted it in an uncompressed explicit VR little endian slice. Fixed: the data set of
// every explicit VR little endian file, compressed or not, is walked before GDCM reads it, and a
// sequence or item of defined length must be filled exactly by its items or elements; the slice is
// CorruptInput naming the file and the byte. The tests make the change in both valid slices.
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "load_one_slice.h"

namespace recap {
namespace {

// The slice's bytes with the item of its RadiopharmaceuticalInformationSequence (0054,0016)
// declaring 91 bytes instead of its elements' 152; `item` is where the item starts.
std::string withShortItem(const std::string& name, size_t& item) {
  std::string b = test::fileBytes(test::seedSlice(name));
  const size_t sequence = b.find(std::string("\x54\x00\x16\x00SQ\0\0", 8));
  item = sequence + 12;
  EXPECT_NE(sequence, std::string::npos);
  EXPECT_EQ(b.substr(item, 8), std::string("\xfe\xff\x00\xe0\x98\x00\x00\x00", 8));
  b[item + 4] = '\x5b';
  return b;
}

TEST(ItemShorterThanItsElements, TheValidSlicesLoad) {
  EXPECT_EQ(test::loadProblem(test::seedSlice("pt_explicit_le"), test::rawPetUnits()), "");
  EXPECT_EQ(test::loadProblem(test::seedSlice("pt_jpegls"), test::rawPetUnits()), "");
}

// Uncompressed (explicit VR little endian), then compressed (JPEG-LS): the walk names the byte.
TEST(ItemShorterThanItsElements, TheSliceIsCorruptInputNamingTheElement) {
  for (const auto& [name, what] : {std::pair<std::string, std::string>{"pt_explicit_le", "corrupt data set"},
                                   std::pair<std::string, std::string>{"pt_jpegls", "corrupt pixel data"}}) {
    size_t item = 0;
    const std::string b = withShortItem(name, item);
    const std::string reason = test::loadProblemOfBytes(b, "shortitem", test::rawPetUnits());
    EXPECT_NE(reason.find(" runs past the end of its item (byte " + std::to_string(item + 8 + 91) + ") (" + what + ")"),
              std::string::npos)
        << name << ": " << reason;
  }
}

}  // namespace
}  // namespace recap
