// Regression: the new 22 x 17 x 16 mm iliac node of preset pd-new-lesion at follow-up 1 (FDG-avid,
// 0.85 mm pixels) measured LDi +1.01 and +0.99 mm on noise draws 0 and 23 (limit 1.09), on every draw
// the longest error of the preset's nodes (+0.31 mm on average over draws 0-23, where the others run
// short). One tip lies on the psoas, of the node's density: the delineated region held a strip of
// the muscle, and the voxels along the contact that also touch the fat above read as the node's
// edge against fat. The ring beyond them, mostly fat, gave the CT its full say there, and the CT drew
// the tip a voxel and a half along the muscle. The share of the CT's say that tissue of the node's
// density leaves an edge voxel is now no more than at its in-plane neighbours deeper in the region,
// where the ring showed the muscle, so the PET places the tip: +0.63 and -0.12 mm. (The correction of the CT's level for its smoothing's blur, which
// moves convex tips outwards, took the two draws to +1.21 and +1.23 mm without this.)
#include <gtest/gtest.h>

#include <cmath>

#include "preset_lesions.h"

namespace recap {
namespace {

// The LDi error (mm) of pd-new-lesion's N1 at follow-up 1 on one noise draw.
double newNodeLdiError(unsigned draw) {
  const auto runs = testing::measurePresetLesions("pd-new-lesion", {}, {"N1", "fu1", draw});
  if (runs.size() != 1 || runs[0].state != "measured") {
    ADD_FAILURE() << "pd-new-lesion fu1 N1 on draw " << draw << ": not one measured run";
    return NAN;
  }
  return runs[0].ldi_mm - runs[0].truth_ldi_mm;
}

// Within 0.8 mm: the tip drawn along the muscle measured 1.0 mm long on both draws.
TEST(CtSayAlongContact, NewIliacNodeTipOnDraw0) {
  const double e = newNodeLdiError(0);
  EXPECT_LE(std::abs(e), 0.8) << "LDi error " << e << " mm";
}

TEST(CtSayAlongContact, NewIliacNodeTipOnDraw23) {
  const double e = newNodeLdiError(23);
  EXPECT_LE(std::abs(e), 0.8) << "LDi error " << e << " mm";
}

}  // namespace
}  // namespace recap
