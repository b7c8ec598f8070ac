// Numbers in messages and reasons: fixed decimals, the same everywhere.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace recap {

// `value` with `decimals` digits after the point ("12.3"); "nan" / "inf" as printed by iostreams.
std::string fixed(double value, int decimals = 1);

// `text` with & < > " ' replaced by HTML character references (safe in text and attributes).
std::string htmlEscape(std::string_view text);

// Days since 1970-01-01 of a calendar date written "YYYYMMDD" (DICOM DA) or "YYYY-MM-DD" (ISO 8601);
// empty if it is neither or not a date (month 1-12, day 1-31).
std::optional<long> dayNumber(std::string_view date);

}  // namespace recap
