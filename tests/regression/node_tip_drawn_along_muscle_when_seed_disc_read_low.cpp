// Regression: the 28 x 21 mm left para-aortic node of preset pd-spleen at follow-up 1 (L1, on the
// psoas, 39 HU against the muscle's 50) measured LDi +1.43 mm on noise draw 90 (limit 1.40), found by
// the preset benchmark over draws 72-95, held out from the tuning. The seed's HU, the median of the
// smoothed CT in a 2 mm disc, read 33.5 HU on that draw (35.5 to 46.2 over draws 0-9), so the tissue
// band's upper limit, 15 HU above it, fell at 48.5 HU, through the muscle's noise: the muscle came
// apart into fragments, those beyond a thin fat plane at the node's tip joined the node's watershed
// basin, and there, where the CT has no say against muscle, the blobs' share drew the outline: the
// tip ran 1.0-1.4 mm out along the muscle's edge. Now the seed's HU is read again from its tissue
// within 3 mm, two voxels inside the tissue's edge (38.8 HU on draw 90; 37.8 to 41.5 over draws
// 0-9), and the band is drawn anew from that where the disc strays from it by more than 3 HU
// (findSeedTissue): LDi +0.22 mm.
#include <gtest/gtest.h>

#include "one_preset_lesion.h"

namespace recap {
namespace {

TEST(SeedDiscReadLow, PdSpleenFollowUp1L1OnDraw90) {
  EXPECT_TRUE(test::presetLesionWithinTarget("pd-spleen", "L1", "fu1", 90));
}

}  // namespace
}  // namespace recap
