// Regression: small nodes with one tip in the lung (preset pd-nadir fu2 L2, 14 x 10 mm; sample fu1
// L2, 11 x 9 mm, the same paratracheal site rotated 70 degrees) measured their LDi 1.1-1.2 mm short
// on some noise draws (found by the preset benchmark over draws 0-7, RECAP_TEST_SEED=N). Against
// lung the delineated region (at least -30 HU) ends two or three voxels inside the edge, and beyond
// the first voxel only the PET placed the outline, which at a narrow tip lies inwards (0.42 of the
// way up at a voxel whose centre is inside the lesion). The fix: there a voxel that holds lung,
// where the ring is lung, is decided by the CT, read against the box's lung.
#include <gtest/gtest.h>

#include <string>
#include <tuple>

#include "preset_lesions.h"

namespace recap {
namespace {

class NodeTipAgainstLung : public ::testing::TestWithParam<std::tuple<const char*, const char*, unsigned>> {};

TEST_P(NodeTipAgainstLung, IsWithinTarget) {
  const auto [preset, timepoint, draw] = GetParam();
  const auto runs = testing::measurePresetLesions(preset, {}, {"L2", timepoint, draw});
  ASSERT_EQ(runs.size(), 1u);
  const testing::PresetLesionRun& r = runs[0];
  ASSERT_EQ(r.expected_state, "measured");
  EXPECT_TRUE(r.withinTarget()) << preset << " " << timepoint << " draw " << draw << ": LDi " << r.ldi_mm
                                << " (truth " << r.truth_ldi_mm << "), SDi " << r.sdi_mm << " (truth "
                                << r.truth_sdi_mm << ") mm";
}

// The lesions and draws that were out of target before the fix.
INSTANTIATE_TEST_SUITE_P(Draws, NodeTipAgainstLung,
                         ::testing::Values(std::make_tuple("pd-nadir", "fu2", 3u),
                                           std::make_tuple("pd-nadir", "fu2", 6u),
                                           std::make_tuple("sample", "fu1", 1u)),
                         [](const auto& info) {
                           std::string name = std::string(std::get<0>(info.param)) + "_" + std::get<1>(info.param) +
                                              "_draw" + std::to_string(std::get<2>(info.param));
                           for (char& c : name)
                             if (c == '-') c = '_';
                           return name;
                         });

}  // namespace
}  // namespace recap
