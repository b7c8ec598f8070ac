// Regression: the 12 x 8 x 8 mm para-aortic node of preset cr at follow-up 1 (not FDG-avid, 5 mm
// slices) measured 6.93 x 5.94 mm for 11.24 x 7.50 on noise draw 22 (LDi -4.31 mm, limit 1.00),
// found on draws 16-23, which no tuning had seen. Its outline is read from the unsmoothed CT (a
// lesion on one slice), and at 7.5 mm across nearly all of it lies within the three voxels of the
// edge band: the noise took one voxel near its centre under half lesion, a hole in the mask. The
// final opening (a disc of 2.5 voxels, against partial-volume beaks) then ran on a ring two or three
// voxels thick and kept a third of the node; the holes were filled only after it. Holes deeper
// inside than the opening's radius are now filled before it: 10.96 x 7.53 mm on draw 22. (Filling
// every hole first lengthened the lesion at the liver's edge of the measurement scenes on seed 5,
// LDi +0.76 -> +1.41 mm, limit 1.20: holes near the edge are part of the ragged edge the opening
// cleans.)
#include <gtest/gtest.h>

#include "one_preset_lesion.h"

namespace recap {
namespace {

TEST(NoiseHoleBeforeOpening, CrFollowUp1L1OnDraw22) {
  EXPECT_TRUE(test::presetLesionWithinTarget("cr", "L1", "fu1", 22));
}

}  // namespace
}  // namespace recap
