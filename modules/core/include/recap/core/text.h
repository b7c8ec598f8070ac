// Numbers in messages and reasons: fixed decimals, the same everywhere.
#pragma once

#include <string>

namespace recap {

// `value` with `decimals` digits after the point ("12.3"); "nan" / "inf" as printed by iostreams.
std::string fixed(double value, int decimals = 1);

}  // namespace recap
