// Regression: small nodes on 5 mm slices (10-16 mm across, 7-10 mm long in z; bench/short_nodes.cpp
// sweeps their height against the slice lattice) measured short: over 6 sizes, 10 heights and 3
// noise draws, 20 of 162 of 10 mm and more missed the target, LDi -0.60 mm on average (-0.55 without
// noise; -0.90 with the equator at a slice's centre). Such a node lies on one or two slices and no
// slice holds it whole: with its equator in a slab, the slab's iso-contour is its section a quarter of
// the slab from the equator, not the one through the slice's centre (the truth); the edge ends in a
// cliff that the pixels sample coarsely; and with the equator near the slab's edge its level is read
// low. Now the node is fitted as an ellipsoid to its slabs' pixels and drawn as its sections through
// the slices' centres (segmentation::detail::fitShortEllipsoid, Delineation::fitShortLesion): 161 of
// 162. These are four of the runs the code before missed, as the benchmark renders them.
#include <gtest/gtest.h>

#include "one_scene_lesion.h"

namespace recap {
namespace {

struct ShortNode {
  double ldi, sdi, z;  // diameters (mm), the third along z
  int size;            // the benchmark's size number (its rotation)
  double height;       // the centre above a slice's centre (mm)
  unsigned seed;
};

class NodeOnOneSlice : public ::testing::TestWithParam<ShortNode> {};

TEST_P(NodeOnOneSlice, WithinTarget) {
  const ShortNode& r = GetParam();
  const phantom::Vec3 focus{-40, -40, -120};
  const phantom::Vec3 centre{focus[0], focus[1], focus[2] + r.height};
  const double rotation = 17.0 * r.size + 11 * r.height + 7 * r.seed;
  const phantom::Lesion lesion = testing::makeLesion("L1", phantom::LesionKind::Nodal, centre, rotation,
                                                     {{r.ldi, r.sdi, r.z, 6.0}}, 40);
  testing::SceneGrids g;
  g.ct_pixel_mm = 0.9;
  g.ct_slice_mm = 5;
  g.half_fov_mm = 45;
  const testing::Scene s = testing::renderScene({lesion}, {}, 0, {}, focus, g, r.seed);
  EXPECT_TRUE(test::sceneLesionWithinTarget(s, "L1"));
}

// Before: LDi -1.34, -1.30, -1.35 and -1.24 mm (limit 1.00); now -0.21, -0.52, -0.31 and -0.20.
INSTANTIATE_TEST_SUITE_P(Runs, NodeOnOneSlice,
                         ::testing::Values(ShortNode{11, 8, 7, 2, 0.0, 3}, ShortNode{14, 10, 8, 4, 1.0, 1},
                                           ShortNode{16, 11, 9, 6, 1.5, 3}, ShortNode{12, 8, 8, 1, 4.5, 2}));

}  // namespace
}  // namespace recap
