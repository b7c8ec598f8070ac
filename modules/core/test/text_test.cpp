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

}  // namespace
}  // namespace recap
