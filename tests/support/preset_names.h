// Test support without dependencies beyond GoogleTest: a preset's name as a test parameter name.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace recap::testing {

// "pd-nadir" -> "pd_nadir" (GoogleTest names allow letters, digits and underscores only).
inline std::string presetTestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string n = info.param;
  std::replace(n.begin(), n.end(), '-', '_');
  return n;
}

}  // namespace recap::testing
