// Regression: the 60 mm lobulated mass of preset pd-spleen at follow-up 1 (L3, on bowel of its own
// density) measured SDi 44.64 mm for 42.14 on noise draw 10 (+2.50 against a 2.11 mm limit), one of
// draws 8-15 held out from the tuning; over draws 0-15 its SDi ran -0.16 to +2.50 mm, +1.22 on
// average. Along the bowel the PET places the edge, at the level calibrated on the mass's convex
// edges against fat (37 % of the way from background to peak). Under the mass's indentation the
// lesion lies on two sides and the PET's blur gathers more of it: the PET stood at 42-50 % on the
// true edge there, so the outline lay 0.5-1 mm outside it, and the ellipse fitted to the CT-drawn
// part (a convex curve) carried it a voxel further across the bowel. Now the PET's level at each part
// of the outline is the calibrated one scaled by how much of the lesion a blur of the PET's
// point-spread function gathers there (detail::blurAtOutline, delineation_outline.cpp), and there the ellipse
// may not raise a voxel the PET calls less than half lesion: SDi +1.77 mm on draw 10; over draws
// 0-15 SDi +0.38 to +1.77 (+0.95 on average) and LDi -0.76 to -0.05 (limit 3.02), with the holes
// filled before the final opening (noise_hole_opened_small_node_away.cpp), which brought this mass's
// LDi from as low as -1.83 to within 0.76 mm and raised its SDi on six draws by up to 0.89 mm.
#include <gtest/gtest.h>

#include "one_preset_lesion.h"

namespace recap {
namespace {

TEST(PetEdgeLevelAtIndentation, PdSpleenFollowUp1L3OnDraw10) {
  EXPECT_TRUE(test::presetLesionWithinTarget("pd-spleen", "L3", "fu1", 10));
}

}  // namespace
}  // namespace recap
