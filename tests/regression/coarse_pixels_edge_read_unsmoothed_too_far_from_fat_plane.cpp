// Regression: the 30 x 22 mm para-aortic node on CT pixels of 1.6 mm (measurement scene pixel_1p6)
// measured SDi 23.18 mm for 22.00 on noise seed 11 (limit 1.10), one of seeds 8-14 held out from
// the tuning. Beside a thin fat plane (the node just off the psoas) the edge voxels read the
// unsmoothed CT against fat with the CT's full say, out to two voxels from the plane: 3.2 mm on
// these pixels, beyond the reach of the 1 mm smoothing the rule corrects for, so those voxels took
// the unsmoothed CT's noise without need. The reach is now two voxels and at most 2 mm
// (delineation.h, kPlaneReachMm): SDi 22.11 mm on seed 11, and -0.59 to +0.55 mm over seeds 1-14
// (was -0.34 to +1.18). Pixels up to 1 mm keep their two voxels.
#include <gtest/gtest.h>

#include "one_scene_lesion.h"

namespace recap {
namespace {

TEST(CoarsePixelsFatPlane, ParaAorticNodeOn1p6mmPixelsNoiseSeed11) {
  phantom::Lesion lesion = testing::makeLesion("L1", phantom::LesionKind::Nodal, phantom::Vec3{42, 25, -120}, 60,
                                               {{30, 22, 20, 9}}, 40);
  testing::SceneGrids grids;
  grids.ct_pixel_mm = 1.6;
  grids.ct_slice_mm = 3;
  grids.half_fov_mm = 75;
  const testing::Scene s = testing::renderScene({lesion}, {}, 0, {}, lesion.centre_mm, grids, 11);
  EXPECT_TRUE(test::sceneLesionWithinTarget(s, "L1"));
}

}  // namespace
}  // namespace recap
