// Regression: the paratracheal node of preset pd-nadir (L2, 10-14 mm at fu1 and fu2), which lies
// where the lung meets the mediastinal fat, measured its SDi 1.0-1.5 mm too long on some noise draws
// (found by the preset benchmark over draws 0-7, RECAP_TEST_SEED=N). At the two ends of its short
// axis the outline ran through voxels more than one voxel beyond the delineated region, where only
// the PET placed it, and the PET's blur placed it outwards (0.53 of the way up at a voxel of -159 HU
// that is mostly fat). The fix: there the CT may lower the lesion fraction (never raise it), reading
// a voxel against the ring's mean, or against the box's lung where the voxel holds lung.
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "preset_lesions.h"

namespace recap {
namespace {

class ParatrachealNodeWideAtJunction : public ::testing::TestWithParam<std::pair<const char*, unsigned>> {};

TEST_P(ParatrachealNodeWideAtJunction, IsWithinTarget) {
  const auto [timepoint, draw] = GetParam();
  const auto runs = testing::measurePresetLesions("pd-nadir", {}, {"L2", timepoint, draw});
  ASSERT_EQ(runs.size(), 1u);
  const testing::PresetLesionRun& r = runs[0];
  ASSERT_EQ(r.expected_state, "measured");
  EXPECT_TRUE(r.withinTarget()) << timepoint << " draw " << draw << ": LDi " << r.ldi_mm << " (truth "
                                << r.truth_ldi_mm << "), SDi " << r.sdi_mm << " (truth " << r.truth_sdi_mm
                                << ") mm";
}

// The timepoints and draws that were out of target before the fix.
INSTANTIATE_TEST_SUITE_P(Draws, ParatrachealNodeWideAtJunction,
                         ::testing::Values(std::make_pair("fu2", 1u), std::make_pair("fu2", 2u),
                                           std::make_pair("fu1", 3u), std::make_pair("fu1", 4u),
                                           std::make_pair("fu2", 4u)),
                         [](const auto& info) {
                           return std::string(info.param.first) + "_draw" + std::to_string(info.param.second);
                         });

}  // namespace
}  // namespace recap
