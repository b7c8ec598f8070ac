#include <gtest/gtest.h>

#include "recap/core/text.h"

namespace recap {
namespace {

TEST(Fixed, RoundsToTheDecimalsAsked) {
  EXPECT_EQ(fixed(12.345), "12.3");
  EXPECT_EQ(fixed(12.35, 0), "12");
  EXPECT_EQ(fixed(-0.04, 2), "-0.04");
  EXPECT_EQ(fixed(768.0, 0), "768");
}

TEST(HtmlEscape, ReplacesTheFiveCharactersAndNothingElse) {
  EXPECT_EQ(htmlEscape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&#39;f");
  EXPECT_EQ(htmlEscape("L1 \xc3\xa9 fu2"), "L1 \xc3\xa9 fu2");  // UTF-8 passes through
  EXPECT_EQ(htmlEscape(""), "");
}

TEST(DayNumber, DicomAndIsoDatesAgreeAndCountFrom1970) {
  EXPECT_EQ(dayNumber("19700101"), 0L);
  EXPECT_EQ(dayNumber("1970-01-02"), 1L);
  EXPECT_EQ(dayNumber("20240115"), dayNumber("2024-01-15"));
  EXPECT_EQ(*dayNumber("20240301") - *dayNumber("20240228"), 2L);  // a leap year
  EXPECT_EQ(*dayNumber("20230301") - *dayNumber("20230228"), 1L);
  EXPECT_EQ(*dayNumber("2000-03-01") - *dayNumber("2000-02-28"), 2L);  // 2000 was a leap year
  EXPECT_EQ(*dayNumber("1900-03-01") - *dayNumber("1900-02-28"), 1L);  // 1900 was not
  EXPECT_EQ(dayNumber("1969-12-31"), -1L);
  for (const char* bad : {"", "2024011", "2024-1-15", "20241315", "20240100", "2024/01/15", "abcdefgh", "2024-01-15T"})
    EXPECT_FALSE(dayNumber(bad).has_value()) << bad;
}

}  // namespace
}  // namespace recap
