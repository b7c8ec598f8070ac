#include "recap/core/text.h"

#include <sstream>

namespace recap {

std::string fixed(double value, int decimals) {
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(decimals);
  s << value;
  return s.str();
}

std::string htmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  return out;
}

std::optional<long> dayNumber(std::string_view d) {
  std::string digits;
  if (d.size() == 8) digits = std::string(d);
  else if (d.size() == 10 && d[4] == '-' && d[7] == '-') digits = std::string(d.substr(0, 4)) + std::string(d.substr(5, 2)) + std::string(d.substr(8, 2));
  else return std::nullopt;
  if (digits.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  long y = std::stol(digits.substr(0, 4));
  const unsigned m = unsigned(std::stoul(digits.substr(4, 2))), day = unsigned(std::stoul(digits.substr(6, 2)));
  if (m < 1 || m > 12 || day < 1 || day > 31) return std::nullopt;
  y -= m <= 2;  // days_from_civil (H. Hinnant)
  const long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = unsigned(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + long(doe) - 719468;
}

}  // namespace recap
