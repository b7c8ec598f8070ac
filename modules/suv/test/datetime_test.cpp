// DICOM DA/TM/DT parsing and ISO formatting. Expected epoch values were obtained independently with
// GNU date, e.g. `date -u -d 2020-02-29 +%s` = 1582934400.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <ostream>
#include <string>

#include "recap/suv/suv.h"

namespace recap::suv {
namespace {

constexpr double kEpoch20200229 = 1582934400;  // date -u -d 2020-02-29 +%s
constexpr double kEpoch20200315 = 1584230400;  // date -u -d 2020-03-15 +%s

// ---- TM, parsed on 1970-01-01 so that the result is the time of day in seconds -----------------

struct TmCase {
  const char* tm;
  double seconds;  // hh*3600 + mm*60 + ss(.f)
};
void PrintTo(const TmCase& c, std::ostream* os) { *os << "TM '" << c.tm << "'"; }

class ValidTm : public testing::TestWithParam<TmCase> {};
TEST_P(ValidTm, GivesTimeOfDay) {
  const auto t = parseDicomDateTime("19700101", GetParam().tm);
  ASSERT_TRUE(t.has_value());
  EXPECT_NEAR(*t, GetParam().seconds, 1e-9);
}
INSTANTIATE_TEST_SUITE_P(
    Tm, ValidTm,
    testing::Values(TmCase{"101530", 10 * 3600 + 15 * 60 + 30}, TmCase{"1015", 10 * 3600 + 15 * 60},
                    TmCase{"10", 10 * 3600}, TmCase{"10:15:30", 10 * 3600 + 15 * 60 + 30},
                    TmCase{"10:15", 10 * 3600 + 15 * 60}, TmCase{"101530.5", 10 * 3600 + 15 * 60 + 30.5},
                    TmCase{"101530.123456", 10 * 3600 + 15 * 60 + 30.123456},
                    TmCase{"10:15:30.25", 10 * 3600 + 15 * 60 + 30.25}, TmCase{"000000", 0},
                    TmCase{"235959.999999", 23 * 3600 + 59 * 60 + 59.999999},
                    TmCase{"101530 ", 10 * 3600 + 15 * 60 + 30},  // DICOM pads to even length
                    TmCase{"235960", 23 * 3600 + 59 * 60 + 60}));  // leap second, allowed by PS3.5

class InvalidTm : public testing::TestWithParam<const char*> {};
TEST_P(InvalidTm, IsRejected) { EXPECT_FALSE(parseDicomDateTime("19700101", GetParam()).has_value()); }
INSTANTIATE_TEST_SUITE_P(Tm, InvalidTm,
                         testing::Values("", "2400", "240000", "1060", "106000", "101561", "1015.5",
                                         "10.5", "101530.", "101530.1234567", "10:1530", "1:15", "10:15:",
                                         "10:15:30:00", "1a1530", "10153", "-101530", "101530.1a"));

// ---- DA, parsed with midnight ---------------------------------------------------------------

struct DaCase {
  const char* da;
  double seconds;
};
void PrintTo(const DaCase& c, std::ostream* os) { *os << "DA '" << c.da << "'"; }

class ValidDa : public testing::TestWithParam<DaCase> {};
TEST_P(ValidDa, GivesEpochSeconds) {
  const auto t = parseDicomDateTime(GetParam().da, "000000");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(*t, GetParam().seconds);
}
INSTANTIATE_TEST_SUITE_P(Da, ValidDa,
                         testing::Values(DaCase{"19700101", 0}, DaCase{"19691231", -86400},
                                         DaCase{"20200229", kEpoch20200229},    // leap year
                                         DaCase{"2020.02.29", kEpoch20200229},  // ACR-NEMA form
                                         DaCase{"20000229", 951782400},         // 400-year leap
                                         DaCase{"20200315", kEpoch20200315}));

class InvalidDa : public testing::TestWithParam<const char*> {};
TEST_P(InvalidDa, IsRejected) { EXPECT_FALSE(parseDicomDateTime(GetParam(), "000000").has_value()); }
INSTANTIATE_TEST_SUITE_P(Da, InvalidDa,
                         testing::Values("", "20190229", "19000229", "20201301", "20200001", "20200100",
                                         "20200431", "2020022", "2020-02-29", "2020.0229", "202002290",
                                         "2020022a"));

TEST(ParseDicomDateTime, NeedsBothDateAndTime) {
  EXPECT_FALSE(parseDicomDateTime("", "101530").has_value());
  EXPECT_FALSE(parseDicomDateTime("20200315", "").has_value());
}

// ---- DT ---------------------------------------------------------------------------------------

class ValidDt : public testing::TestWithParam<DaCase> {};
TEST_P(ValidDt, GivesEpochSeconds) {
  const auto t = parseDicomDT(GetParam().da);
  ASSERT_TRUE(t.has_value());
  EXPECT_NEAR(*t, GetParam().seconds, 1e-6);
}
INSTANTIATE_TEST_SUITE_P(
    Dt, ValidDt,
    testing::Values(DaCase{"20200315101530", 1584267330},  // date -u -d 2020-03-15T10:15:30 +%s
                    DaCase{"20200315101530.25", 1584267330.25},
                    DaCase{"20200315101530.25+0100", 1584267330.25},  // the offset is ignored
                    DaCase{"20200315101530-0500", 1584267330}, DaCase{"2020", 1577836800},  // 2020-01-01
                    DaCase{"202003", 1583020800},                                           // 2020-03-01
                    DaCase{"20200315", kEpoch20200315},
                    DaCase{"2020031510", kEpoch20200315 + 10 * 3600},
                    DaCase{"202003151015", kEpoch20200315 + 10 * 3600 + 15 * 60},
                    DaCase{"20200229120000", kEpoch20200229 + 12 * 3600}));

class InvalidDt : public testing::TestWithParam<const char*> {};
TEST_P(InvalidDt, IsRejected) { EXPECT_FALSE(parseDicomDT(GetParam()).has_value()); }
INSTANTIATE_TEST_SUITE_P(Dt, InvalidDt,
                         testing::Values("", "20200315101530.1234567", "20200315101530+01",
                                         "20200315101530+1500", "20200315101530+0160", "2020031510153",
                                         "20201315", "20200230", "20190229120000", "202003151015.5",
                                         "20200315246000", "+0100", "20200315T101530", "202",
                                         "20200315101530."));

// ---- Spans (differences in seconds) ----------------------------------------------------------

TEST(DicomTimeSpan, AcrossMidnight) {
  const auto before = parseDicomDateTime("20200314", "233000");
  const auto after = parseDicomDateTime("20200315", "003000");
  ASSERT_TRUE(before && after);
  EXPECT_DOUBLE_EQ(*after - *before, 3600.0);  // 23:30 -> 00:30 is one hour
}

TEST(DicomTimeSpan, AcrossYearBoundary) {
  const auto before = parseDicomDateTime("20191231", "235930");
  const auto after = parseDicomDateTime("20200101", "000030");
  ASSERT_TRUE(before && after);
  EXPECT_DOUBLE_EQ(*after - *before, 60.0);
  const auto dt_before = parseDicomDT("20191231235959.5");
  const auto dt_after = parseDicomDT("20200101000001");
  ASSERT_TRUE(dt_before && dt_after);
  EXPECT_DOUBLE_EQ(*dt_after - *dt_before, 1.5);
}

TEST(DicomTimeSpan, LeapDayCountsInLeapYearsOnly) {
  const auto leap_from = parseDicomDateTime("20200228", "120000");
  const auto leap_to = parseDicomDateTime("20200301", "120000");
  const auto plain_from = parseDicomDateTime("20190228", "120000");
  const auto plain_to = parseDicomDateTime("20190301", "120000");
  ASSERT_TRUE(leap_from && leap_to && plain_from && plain_to);
  EXPECT_DOUBLE_EQ(*leap_to - *leap_from, 2 * 86400.0);
  EXPECT_DOUBLE_EQ(*plain_to - *plain_from, 1 * 86400.0);
}

TEST(DicomTimeSpan, DaTmAndDtAgree) {
  const auto da_tm = parseDicomDateTime("20200315", "101530.5");
  const auto dt = parseDicomDT("20200315101530.5");
  ASSERT_TRUE(da_tm && dt);
  EXPECT_DOUBLE_EQ(*da_tm, *dt);
}

// ---- formatIso --------------------------------------------------------------------------------

TEST(FormatIso, AlwaysSixFractionDigits) {
  EXPECT_EQ(formatIso(0), "1970-01-01T00:00:00.000000");
  EXPECT_EQ(formatIso(kEpoch20200229 + 10 * 3600 + 15 * 60 + 30.5), "2020-02-29T10:15:30.500000");
  EXPECT_EQ(formatIso(1584267330.123456), "2020-03-15T10:15:30.123456");
}

TEST(FormatIso, BeforeEpochAndRounding) {
  EXPECT_EQ(formatIso(-1), "1969-12-31T23:59:59.000000");
  EXPECT_EQ(formatIso(-0.5), "1969-12-31T23:59:59.500000");
  EXPECT_EQ(formatIso(0.9999996), "1970-01-01T00:00:01.000000");  // rounds to the microsecond
  EXPECT_EQ(formatIso(86399.9999999), "1970-01-02T00:00:00.000000");
}

TEST(FormatIso, RejectsNonFiniteAndOutOfRange) {
  EXPECT_EQ(formatIso(std::numeric_limits<double>::quiet_NaN()), "");
  EXPECT_EQ(formatIso(std::numeric_limits<double>::infinity()), "");
  EXPECT_EQ(formatIso(1e13), "");  // year > 9999
}

TEST(FormatIso, RoundTripsDicomValues) {
  for (const char* dt : {"20200315101530.123456", "19991231235959", "20000229000000", "21000301080000"}) {
    const auto t = parseDicomDT(dt);
    ASSERT_TRUE(t.has_value()) << dt;
    const std::string iso = formatIso(*t);
    std::string back = iso.substr(0, 4) + iso.substr(5, 2) + iso.substr(8, 2) + iso.substr(11, 2) +
                       iso.substr(14, 2) + iso.substr(17);
    const auto again = parseDicomDT(back);
    ASSERT_TRUE(again.has_value()) << back;
    EXPECT_NEAR(*again, *t, 1e-6) << dt << " -> " << iso;
  }
}

}  // namespace
}  // namespace recap::suv
