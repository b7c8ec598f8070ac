// Regression: the 10 x 8 mm lesion in the liver of preset pr at fu1 (L3: 35 HU in a 60 HU liver,
// SUV 3.0 in a liver of 2.2) measured 1-4 mm too large on every noise draw (LDi +0.9 to +3.9 mm,
// SDi +0.6 to +4.6 mm over draws 0-7; it escaped the accuracy target, which starts at 10 mm, by
// 0.05 mm; found by the Dice column of the preset benchmark). The PET background is taken around
// the lesion's hot spot (the voxels at half its uptake or more, connected to the seed): here the
// liver itself is at more than half the lesion's blurred peak (2.51 SUV), so the hot spot was the
// whole liver, the background came from the fat and muscle beyond it (0.57 SUV), the lesion counted
// as FDG-avid, and the PET called the liver around it lesion: the outline ran out to the mask's
// reach, two voxels beyond the delineated region. When the hot spot covers most of the shell around the
// lesion's own blob, that shell is now the background (the lesion sits in a warm organ).
#include <gtest/gtest.h>

#include "preset_lesions.h"

namespace recap {
namespace {

class SmallLiverLesionInWarmLiver : public ::testing::TestWithParam<unsigned> {};

TEST_P(SmallLiverLesionInWarmLiver, IsNotDrawnOutIntoTheLiver) {
  const auto runs = testing::measurePresetLesions("pr", {}, {"L3", "fu1", GetParam()});
  ASSERT_EQ(runs.size(), 1u);
  const testing::PresetLesionRun& r = runs[0];
  ASSERT_EQ(r.expected_state, "measured");
  ASSERT_LT(r.truth_ldi_mm, 10.5);  // the preset still has a lesion of about 10 mm here
  EXPECT_EQ(r.state, "measured");
  EXPECT_NEAR(r.ldi_mm, r.truth_ldi_mm, 1.0) << "draw " << GetParam();
  EXPECT_NEAR(r.sdi_mm, r.truth_sdi_mm, 1.5) << "draw " << GetParam();
}

// The preset's own draw and the two worst before the fix (draw 4: LDi +3.9; draw 6: SDi +4.6 mm).
INSTANTIATE_TEST_SUITE_P(Draws, SmallLiverLesionInWarmLiver, ::testing::Values(0u, 4u, 6u));

}  // namespace
}  // namespace recap
