// Regression: a 4 mm node on 5 mm slices (preset too-small, fu1, L1) was counted absent (0 x 0)
// instead of too small to measure (5 x 5) on some noise draws: 3 of 9 draws (1, 5 and 7; found by
// the preset benchmark over other draws, RECAP_TEST_SEED=N). Partial volume puts the median of the
// seed's 2 mm disc at -32 to -44 HU, about the -40 HU lower limit of soft tissue (draw 1: -44 HU,
// "no soft tissue at the seed"), and the tissue band, which ended 15 HU above that median, missed
// the node's densest voxels (draws 5 and 7: "no tissue of the lesion's density within 2 mm").
// The fix: the disc's upper quartile decides where its median falls outside soft tissue, and a disc
// below 0 HU (no node is) takes its densest voxel as the band's top.
#include <gtest/gtest.h>

#include "preset_lesions.h"

namespace recap {
namespace {

class TinyNodeCountedAbsent : public ::testing::TestWithParam<unsigned> {};

TEST_P(TinyNodeCountedAbsent, IsTooSmallOnEveryDraw) {
  const auto runs = testing::measurePresetLesions("too-small", {}, {"L1", "fu1", GetParam()});
  ASSERT_EQ(runs.size(), 1u);
  const testing::PresetLesionRun& r = runs[0];
  ASSERT_EQ(r.expected_state, "too_small");  // the preset still has a node under 5 mm here
  EXPECT_EQ(r.state, "too_small") << "draw " << GetParam() << ": " << r.ldi_mm << " x " << r.sdi_mm << " mm";
}

// The draws that failed before the fix.
INSTANTIATE_TEST_SUITE_P(Draws, TinyNodeCountedAbsent, ::testing::Values(1u, 5u, 7u));

}  // namespace
}  // namespace recap
