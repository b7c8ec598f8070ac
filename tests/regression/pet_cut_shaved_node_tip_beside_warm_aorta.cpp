// Regression: the 18 x 13 x 13 mm para-aortic node on the psoas of preset too-small at follow-up 1
// (FDG-avid, 5 mm slices) measured LDi 16.52 and 16.56 mm for 17.86 on noise draws 17 and 21 (-1.34
// and -1.30 mm, limit 1.00), found on draws 16-23, which no tuning had seen. Its medial tip points at
// the aorta, 7 mm of fat between. The PET cut that keeps the delineated region to what the PET calls
// lesion compares each voxel with the local background, and the local background there is the
// aorta's (1.7 SUV against the psoas's 0.8): the tip's partial-volume voxel (20 HU, between the
// node's 45 and the fat's -85) fell under the cut. The region then ended two voxels inside the true
// edge, beyond the CT's reach, and the PET placed the tip 1 mm inside. A voxel of the tissue band
// next to the kept region and next to fat, below the lesion's density and above the cut against the
// lesion's overall background, now stays: 16.94 and 16.92 mm. (Without the overall-background
// condition the rule kept the tip of a vessel beside the new iliac node of preset pd-new-lesion,
// LDi +1.01 -> +1.13 mm on draw 0, limit 1.09.)
#include <gtest/gtest.h>

#include "one_preset_lesion.h"

namespace recap {
namespace {

TEST(PetCutKeepsTheRimAgainstFat, TooSmallFollowUp1L2OnDraw17) {
  EXPECT_TRUE(test::presetLesionWithinTarget("too-small", "L2", "fu1", 17));
}

TEST(PetCutKeepsTheRimAgainstFat, TooSmallFollowUp1L2OnDraw21) {
  EXPECT_TRUE(test::presetLesionWithinTarget("too-small", "L2", "fu1", 21));
}

TEST(PetCutKeepsTheRimAgainstFat, VesselBesideNewIliacNodeStaysCutOnDraw0) {
  EXPECT_TRUE(test::presetLesionWithinTarget("pd-new-lesion", "N1", "fu1", 0));
}

}  // namespace
}  // namespace recap
