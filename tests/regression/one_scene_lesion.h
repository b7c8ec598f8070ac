// For the regression tests on measurement scenes (a lesion rendered into the synthetic patient,
// modules/measurement/test/measure_test.cpp) that once missed the accuracy target: the lesion
// segmented from the truth's centre and measured, against max(1 mm, 5 %) in LDi and SDi.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "lesion_scene.h"
#include "recap/measurement/measure.h"

namespace recap::test {

// Success when lesion `id` of `s` is found, measured, and within target; the failure names what was
// measured and the segmentation's reason.
inline ::testing::AssertionResult sceneLesionWithinTarget(const testing::Scene& s, const std::string& id) {
  const phantom::LesionTruth& t = s.lesion(id);
  if (!t.present) return ::testing::AssertionFailure() << id << " is not in the scene's truth";
  const auto seg = segmentation::segmentLesion(*s.ct, s.pet.GetPointer(), {t.centre_mm[0], t.centre_mm[1], t.centre_mm[2]});
  if (!seg.found) return ::testing::AssertionFailure() << id << " not found: " << seg.reason;
  const auto m = measurement::measureLesion(seg, s.pet.GetPointer());
  if (m.state != measurement::LesionState::Measured) return ::testing::AssertionFailure() << id << ": " << m.reason;
  const bool within = std::abs(m.ldi_mm - t.ldi_mm) <= std::max(1.0, 0.05 * t.ldi_mm) &&
                      std::abs(m.sdi_mm - t.sdi_mm) <= std::max(1.0, 0.05 * t.sdi_mm);
  if (within) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << id << ": LDi " << m.ldi_mm << " mm (truth " << t.ldi_mm << "), SDi "
                                       << m.sdi_mm << " mm (truth " << t.sdi_mm << "); " << seg.reason;
}

}  // namespace recap::test
