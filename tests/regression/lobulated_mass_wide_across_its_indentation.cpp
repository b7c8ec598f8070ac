// Regression: the lobulated mass of preset pd-spleen (fu1, L3) measured SDi 2.1 mm wide on noise
// draw 4 (+2.13 mm against a 2.11 mm target; found by the preset benchmark over other draws,
// RECAP_TEST_SEED=4). Where the mass lies on bowel of its own density, the outline is carried
// across the contact along the ellipse fitted to the mass's free outline
// (segmentation::detail::completeAlongEllipses). The mass's indentation is not on that ellipse,
// and the bowel under it is warm on PET (spill-out from the mass), above 65 % of the mass's edge
// level in places: the ellipse's stop at 65 % of the edge level (the share at which tissue of the
// lesion's density counts as a cold neighbour) let it cross the indentation. The ellipse now stops
// at 75 % of the edge level (kGrowShare): it draws a boundary the CT did not see, so it needs more
// than the CT's cold test.
#include <gtest/gtest.h>

#include <algorithm>

#include "preset_lesions.h"

namespace recap {
namespace {

class LobulatedMassAcrossIndentation : public ::testing::TestWithParam<unsigned> {};

TEST_P(LobulatedMassAcrossIndentation, IsNotWiderByTheBowelUnderIt) {
  const auto runs = testing::measurePresetLesions("pd-spleen", {}, {"L3", "fu1", GetParam()});
  ASSERT_EQ(runs.size(), 1u);
  const testing::PresetLesionRun& r = runs[0];
  ASSERT_EQ(r.expected_state, "measured");
  EXPECT_EQ(r.state, "measured");
  EXPECT_NEAR(r.ldi_mm, r.truth_ldi_mm, std::max(1.0, 0.05 * r.truth_ldi_mm)) << "draw " << GetParam();
  EXPECT_NEAR(r.sdi_mm, r.truth_sdi_mm, std::max(1.0, 0.05 * r.truth_sdi_mm)) << "draw " << GetParam();
}

// The draw that failed before the fix.
INSTANTIATE_TEST_SUITE_P(Draws, LobulatedMassAcrossIndentation, ::testing::Values(4u));

}  // namespace
}  // namespace recap
