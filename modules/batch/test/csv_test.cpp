#include "recap/batch/csv.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "recap/batch/sha256.h"

namespace recap::batch {
namespace {

TEST(Csv, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(csvCell("plain"), "plain");
  EXPECT_EQ(csvCell(""), "");
  EXPECT_EQ(csvCell("a,b"), "\"a,b\"");
  EXPECT_EQ(csvCell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csvCell("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csvCell(" padded"), "\" padded\"");
  EXPECT_EQ(csvLine({"a", "b,c", ""}), "a,\"b,c\",\n");
}

TEST(Csv, ParsesWhatItWrites) {
  const std::vector<std::vector<std::string>> rows = {
      {"case", "error"}, {"P1", "x.yaml: timepoints[0].spleen_mm: unknown key (allowed: a, b)"}, {"P2", "say \"no\"\nnow"},
      {"", ""}};
  std::string text;
  for (const auto& r : rows) text += csvLine(r);
  EXPECT_EQ(parseCsv(text), rows);
}

TEST(Csv, AcceptsCrLfAndNoFinalLineEnd) {
  const auto rows = parseCsv("a,b\r\n1,2");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"1", "2"}));
}

TEST(Csv, RefusesBrokenQuotes) {
  EXPECT_THROW(parseCsv("a,\"b\n"), std::invalid_argument);
  EXPECT_THROW(parseCsv("a,\"b\"c\n"), std::invalid_argument);
}

// FIPS 180-4 test vectors.
TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  Sha256 s;  // a million 'a's, fed in odd-sized pieces
  const std::string chunk(999, 'a');
  for (int i = 0; i < 1001; ++i) s.update(chunk);
  s.update(std::string(1000000 - 999 * 1001, 'a'));
  EXPECT_EQ(s.hexDigest(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

}  // namespace
}  // namespace recap::batch
