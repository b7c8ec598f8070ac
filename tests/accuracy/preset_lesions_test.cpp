// Issue 4's accuracy target on the bundled presets: every lesion of every preset, at every
// timepoint, rendered at the preset's own grids and poses (CT pixels 0.7-0.98 mm, slices 1.25-5 mm,
// head- and feet-first, moved and rotated patients; nodes on the aorta, psoas, iliac vessels, in
// the mediastinum and axilla, lesions in the liver and spleen, a lobulated mass), segmented from a
// seed at its true centre and measured against the analytic truth:
// - the state (measured, too_small, absent) is the truth's;
// - for lesions of 10 mm and more, |LDi| and |SDi| errors within max(1 mm, 5 %);
// - SUVmax, measured on the noise-free PET (the truth's own), within 5 % of the truth.
// One lesion does not meet the diameter target yet (docs/segmentation.md, open in issue 4); it is
// named below and held to what it measures today (within 2 mm), so that it cannot get worse
// unnoticed, and the test says when it comes within target.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>

#include "preset_lesions.h"
#include "preset_names.h"
#include "recap/phantom/spec.h"

namespace recap::testing {
namespace {

const std::set<std::string> kKnownMisses = {
    "pd-new-lesion/fu1/N1",  // half over the iliac vessel: LDi +1.5 mm
};

class PresetLesions : public ::testing::TestWithParam<std::string> {};

TEST_P(PresetLesions, MeetTheAccuracyTarget) {
  const auto runs = measurePresetLesions(GetParam());
  ASSERT_FALSE(runs.empty());
  for (const PresetLesionRun& r : runs) {
    const std::string key = r.preset + "/" + r.timepoint + "/" + r.lesion;
    SCOPED_TRACE(key + ": LDi " + std::to_string(r.ldi_mm) + " (truth " + std::to_string(r.truth_ldi_mm) + "), SDi " +
                 std::to_string(r.sdi_mm) + " (truth " + std::to_string(r.truth_sdi_mm) + ")");
    EXPECT_EQ(r.state, r.expected_state);
    if (r.expected_state != "absent" && r.truth_ldi_mm >= 10) {
      if (kKnownMisses.count(key)) {
        EXPECT_LE(std::abs(r.ldi_mm - r.truth_ldi_mm), 2.0);
        EXPECT_LE(std::abs(r.sdi_mm - r.truth_sdi_mm), 2.0);
        if (r.withinTarget()) std::printf("%s now meets the target: take it off the known misses\n", key.c_str());
      } else {
        EXPECT_LE(std::abs(r.ldi_mm - r.truth_ldi_mm), std::max(1.0, 0.05 * r.truth_ldi_mm));
        EXPECT_LE(std::abs(r.sdi_mm - r.truth_sdi_mm), std::max(1.0, 0.05 * r.truth_sdi_mm));
      }
    }
    if (r.expected_state == "measured") {
      ASSERT_TRUE(r.pet) << "the PET covers every preset lesion";
      EXPECT_NEAR(r.suv_max_clean, r.truth_suv_max, 0.05 * r.truth_suv_max);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Presets, PresetLesions, ::testing::ValuesIn(phantom::presetNames()),
                         presetTestName);

}  // namespace
}  // namespace recap::testing
