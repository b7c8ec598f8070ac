// DICOM DA, TM and DT parsing (PS3.5 section 6.2) without any timezone machinery: values are
// turned into seconds since 1970-01-01 00:00:00 in the (unknown) local time of the values, with a
// days-from-civil computation. Only differences between such values are meaningful.
#include <cmath>
#include <cstdio>

#include "datetime_internal.h"
#include "recap/suv/suv.h"

namespace recap::suv {
namespace detail {
namespace {

constexpr long long kSecondsPerDay = 86400;
constexpr long long kMicrosPerDay = kSecondsPerDay * 1000000LL;

std::string trimSpaces(const std::string& s) {
  const auto first = s.find_first_not_of(' ');
  if (first == std::string::npos) return "";
  const auto last = s.find_last_not_of(' ');
  return s.substr(first, last - first + 1);
}

bool isDigits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// The number written by the n digits of s at pos (the caller has checked they are digits).
int number(const std::string& s, size_t pos, size_t n) {
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

bool isLeapYear(long long y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int daysInMonth(long long y, int m) {
  static const int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && isLeapYear(y) ? 29 : kDays[m - 1];
}

bool validDate(long long y, int m, int d) { return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m); }

// Hours 00-23, minutes 00-59, seconds 00-60 (PS3.5 allows 60 for a leap second).
bool validTime(int h, int m, double s) { return h <= 23 && m <= 59 && s < 61.0; }

// ".F" with 1 to 6 digits, as a fraction of a second; `frac` excludes the dot.
std::optional<double> parseFraction(const std::string& frac) {
  if (frac.size() > 6 || !isDigits(frac)) return std::nullopt;
  return number(frac, 0, frac.size()) / std::pow(10.0, static_cast<double>(frac.size()));
}

// Splits "main.frac" at the first dot. has_dot tells "main." (invalid) from "main".
struct SplitFraction {
  std::string main, frac;
  bool has_dot = false;
};
SplitFraction splitAtDot(const std::string& s) {
  const auto dot = s.find('.');
  if (dot == std::string::npos) return {s, "", false};
  return {s.substr(0, dot), s.substr(dot + 1), true};
}

// "HH:MM" or "HH:MM:SS[.F]" (ACR-NEMA) rewritten as "HHMM" / "HHMMSS[.F]"; empty if malformed.
std::string colonTimeToCanonical(const std::string& s) {
  const bool hhmm = s.size() == 5 && s[2] == ':';
  const bool hhmmss = s.size() >= 8 && s[2] == ':' && s[5] == ':' && (s.size() == 8 || s[8] == '.');
  if (!hhmm && !hhmmss) return "";
  std::string out = s.substr(0, 2) + s.substr(3, 2);
  if (hhmmss) out += s.substr(6);
  return out.find(':') == std::string::npos ? out : "";
}

// Offset "&ZZXX" of a DT: sign, hours 00-14, minutes 00-59. Validated, then ignored.
bool validOffset(const std::string& off) {
  if (off.size() != 5 || (off[0] != '+' && off[0] != '-')) return false;
  const std::string digits = off.substr(1);
  return isDigits(digits) && number(digits, 0, 2) <= 14 && number(digits, 2, 2) <= 59;
}

// Gregorian date of a day count since 1970-01-01 (H. Hinnant's civil_from_days).
void civilFromDays(long long z, long long& y, unsigned& m, unsigned& d) {
  z += 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<long long>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
}

long long floorDiv(long long a, long long b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

long long daysFromCivil(long long y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

const char* precisionName(Precision p) {
  switch (p) {
    case Precision::Year:
      return "the year";
    case Precision::Month:
      return "the month";
    case Precision::Day:
      return "the date";
    case Precision::Hour:
      return "the hour";
    case Precision::Minute:
      return "the minute";
    case Precision::Second:
      return "the second";
  }
  return "an unknown precision";
}

std::optional<long long> parseDaDays(const std::string& text) {
  std::string s = trimSpaces(text);
  if (s.size() == 10 && s[4] == '.' && s[7] == '.') s = s.substr(0, 4) + s.substr(5, 2) + s.substr(8, 2);
  if (s.size() != 8 || !isDigits(s)) return std::nullopt;
  const int y = number(s, 0, 4), m = number(s, 4, 2), d = number(s, 6, 2);
  if (!validDate(y, m, d)) return std::nullopt;
  return daysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

std::optional<Instant> parseTmOfDay(const std::string& text) {
  std::string s = trimSpaces(text);
  if (s.find(':') != std::string::npos) s = colonTimeToCanonical(s);
  const SplitFraction parts = splitAtDot(s);
  const std::string& hms = parts.main;
  if (!isDigits(hms) || (hms.size() != 2 && hms.size() != 4 && hms.size() != 6)) return std::nullopt;
  if (parts.has_dot && hms.size() != 6) return std::nullopt;  // a fraction needs whole seconds
  double frac = 0.0;
  if (parts.has_dot) {
    const auto f = parseFraction(parts.frac);
    if (!f) return std::nullopt;
    frac = *f;
  }
  const int h = number(hms, 0, 2);
  const int m = hms.size() >= 4 ? number(hms, 2, 2) : 0;
  const double sec = (hms.size() == 6 ? number(hms, 4, 2) : 0) + frac;
  if (!validTime(h, m, sec)) return std::nullopt;
  const Precision p = hms.size() == 2   ? Precision::Hour
                      : hms.size() == 4 ? Precision::Minute
                                        : Precision::Second;
  return Instant{h * 3600.0 + m * 60.0 + sec, p};
}

std::optional<Instant> parseDt(const std::string& text) {
  std::string s = trimSpaces(text);
  const auto sign = s.find_first_of("+-");
  if (sign != std::string::npos) {
    if (!validOffset(s.substr(sign))) return std::nullopt;
    s = s.substr(0, sign);
  }
  const SplitFraction parts = splitAtDot(s);
  const std::string& digits = parts.main;
  const size_t n = digits.size();
  if (!isDigits(digits) || n < 4 || n > 14 || n % 2 != 0) return std::nullopt;
  if (parts.has_dot && n != 14) return std::nullopt;  // a fraction needs whole seconds
  double frac = 0.0;
  if (parts.has_dot) {
    const auto f = parseFraction(parts.frac);
    if (!f) return std::nullopt;
    frac = *f;
  }
  const int y = number(digits, 0, 4);
  const int mo = n >= 6 ? number(digits, 4, 2) : 1;
  const int d = n >= 8 ? number(digits, 6, 2) : 1;
  const int h = n >= 10 ? number(digits, 8, 2) : 0;
  const int mi = n >= 12 ? number(digits, 10, 2) : 0;
  const double sec = (n >= 14 ? number(digits, 12, 2) : 0) + frac;
  if (!validDate(y, mo, d) || !validTime(h, mi, sec)) return std::nullopt;
  static const Precision kByLength[] = {Precision::Year, Precision::Month,  Precision::Day,
                                        Precision::Hour, Precision::Minute, Precision::Second};
  const long long days = daysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return Instant{static_cast<double>(days * kSecondsPerDay) + h * 3600.0 + mi * 60.0 + sec,
                 kByLength[(n - 4) / 2]};
}

}  // namespace detail

std::optional<double> parseDicomDateTime(const std::string& da, const std::string& tm) {
  const auto days = detail::parseDaDays(da);
  const auto time = detail::parseTmOfDay(tm);
  if (!days || !time) return std::nullopt;
  return static_cast<double>(*days * detail::kSecondsPerDay) + time->seconds;
}

std::optional<double> parseDicomDT(const std::string& dt) {
  const auto instant = detail::parseDt(dt);
  if (!instant) return std::nullopt;
  return instant->seconds;
}

// "YYYY-MM-DDTHH:MM:SS.ffffff", always with six fraction digits (rounded to the microsecond), so
// that every value has the same width and sorts as text. Empty for non-finite values and for
// values outside the years 0000-9999.
std::string formatIso(double seconds_since_epoch) {
  static const double kMin = detail::daysFromCivil(0, 1, 1) * 86400.0;
  static const double kMax = detail::daysFromCivil(10000, 1, 1) * 86400.0;
  if (!std::isfinite(seconds_since_epoch) || seconds_since_epoch < kMin || seconds_since_epoch >= kMax)
    return "";
  const long long micros = std::llround(seconds_since_epoch * 1e6);
  const long long days = detail::floorDiv(micros, detail::kMicrosPerDay);
  const long long of_day = micros - days * detail::kMicrosPerDay;
  long long y = 0;
  unsigned m = 0, d = 0;
  detail::civilFromDays(days, y, m, d);
  const long long secs = of_day / 1000000;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%06lld", y, m, d, secs / 3600,
                secs / 60 % 60, secs % 60, of_day % 1000000);
  return buf;
}

}  // namespace recap::suv
