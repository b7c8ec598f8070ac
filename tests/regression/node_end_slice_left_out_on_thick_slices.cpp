// Regression: the 18 x 13 x 13 mm node on the psoas of preset too-small at fu1 (L2, 5 mm slices)
// scored Dice 0.848 against its analytic shape on noise draws 3 and 7 (target 0.85; found by the
// preset benchmark's Dice column over other draws). The centre planes of three slices cut the node
// (8 x 6 mm on the last), but the delineation took two: the last slice's slab holds only the node's
// end, a bump of about -10 HU in fat, below the tissue band (never under -30 HU). Where more than
// half of a voxel's slab is lesion the voxel is lesion, as in-plane: the slice beyond each end of
// the mask now reads the smoothed CT against what lies around the lesion's footprint there.
#include <gtest/gtest.h>

#include <set>

#include "lesion_scene.h"
#include "preset_lesions.h"

namespace recap {
namespace {

class NodeEndSlice : public ::testing::TestWithParam<unsigned> {};

TEST_P(NodeEndSlice, IsPartOfTheMask) {
  std::set<long> slices, truth_slices;  // the box's slices holding mask voxels, and truth voxel centres
  const auto runs = testing::measurePresetLesions(
      "too-small",
      [&](const testing::PresetLesionContext& c) {
        const auto& seg = c.segmentation;
        const auto& f = seg.box.frame;
        const size_t plane = size_t(f.size[0]) * size_t(f.size[1]);
        for (size_t v = 0; v < seg.mask.size(); ++v)
          if (seg.mask[v]) slices.insert(long(v / plane));
        for (long k = 0; k < f.size[2]; ++k)
          for (long j = 0; j < f.size[1]; ++j)
            for (long i = 0; i < f.size[0]; ++i) {
              const auto p = f.toPhysical(double(i), double(j), double(k));
              if (testing::insideLesion(c.lesion, c.timepoint, c.pose, {p[0], p[1], p[2]}, true))
                truth_slices.insert(k);
            }
      },
      {"L2", "fu1", GetParam()});
  ASSERT_EQ(runs.size(), 1u);
  const testing::PresetLesionRun& r = runs[0];
  ASSERT_EQ(r.expected_state, "measured");
  // The preset still has this node, 13 mm across in z: on 5 mm slices three centre planes cut it.
  ASSERT_NEAR(r.truth_ldi_mm, 17.9, 0.2);
  ASSERT_EQ(truth_slices.size(), 3u);
  EXPECT_EQ(slices, truth_slices) << "draw " << GetParam();
  EXPECT_GE(r.dice, 0.87) << "draw " << GetParam();
  // The end slice is not the measured one: the diameters stay what they were.
  EXPECT_NEAR(r.ldi_mm, r.truth_ldi_mm, 1.0) << "draw " << GetParam();
  EXPECT_NEAR(r.sdi_mm, r.truth_sdi_mm, 1.0) << "draw " << GetParam();
}

// The preset's own draw and the two that missed (Dice 0.848 on both).
INSTANTIATE_TEST_SUITE_P(Draws, NodeEndSlice, ::testing::Values(0u, 3u, 7u));

}  // namespace
}  // namespace recap
