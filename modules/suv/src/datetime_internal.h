// Private to the suv module: DICOM DA/TM/DT parsing that also reports how precise a value is, so
// that computeSuv can refuse a time truncated to the hour (or a DT truncated to a date).
#pragma once

#include <optional>
#include <string>

namespace recap::suv::detail {

// The last component a DICOM date/time value actually gives.
enum class Precision { Year, Month, Day, Hour, Minute, Second };

struct Instant {
  double seconds = 0.0;  // since 1970-01-01 00:00:00 (DA/DT), or since midnight (TM alone)
  Precision precision = Precision::Second;
};

// DA "YYYYMMDD" (or the old ACR-NEMA "YYYY.MM.DD"): days since 1970-01-01.
std::optional<long long> parseDaDays(const std::string& text);
// TM "HH[MM[SS[.F{1,6}]]]" (or the old "HH:MM[:SS[.F{1,6}]]"): seconds since midnight.
std::optional<Instant> parseTmOfDay(const std::string& text);
// DT "YYYY[MM[DD[HH[MM[SS[.F{1,6}]]]]]][&ZZXX]": seconds since 1970-01-01; the offset is ignored.
std::optional<Instant> parseDt(const std::string& text);

// Days since 1970-01-01 of a proleptic Gregorian date (no range check).
long long daysFromCivil(long long year, unsigned month, unsigned day);

// A human-readable word for a precision, e.g. "the hour" (for error messages).
const char* precisionName(Precision p);

}  // namespace recap::suv::detail
