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

}  // namespace recap
