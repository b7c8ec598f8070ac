// Test support: every lesion of a bundled preset segmented and measured at every timepoint, at the
// preset's own grids and poses, from a seed at its true centre (where tracking puts it), or where
// it was for a vanished lesion; with the analytic truth beside each measurement. The accuracy test
// (tests/accuracy) and the benchmark (bench/preset_lesions.cpp) both run it.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "recap/measurement/measure.h"
#include "recap/phantom/model.h"

namespace recap::testing {

struct PresetLesionRun {
  std::string preset, timepoint, lesion;
  std::string state, expected_state;   // "measured", "too_small", "absent"
  double ldi_mm = 0, sdi_mm = 0;       // measured (raw)
  double truth_ldi_mm = 0, truth_sdi_mm = 0;
  bool pet = false;                    // SUVs measured
  double suv_max_clean = 0;            // SUVmax measured on the noise-free PET (the truth's own PET)
  double truth_suv_max = 0;
  double ms = 0;                       // segmentation + measurement time
  // Dice of the lesion mask against the analytic lesion (lobes included) over voxel centres, for a
  // lesion present with a truth LDi of 15 mm or more; -1 otherwise.
  double dice = -1;
  // The issue-4 target: state right; for a lesion of 10 mm or more |LDi|, |SDi| error within
  // max(1 mm, 5 %); for one of 15 mm or more Dice 0.85 or more.
  bool withinTarget() const;
};

// What a caller may look at for each lesion (the benchmark's slice dump).
struct PresetLesionContext {
  const phantom::Rendered& rendered;
  const phantom::Lesion& lesion;
  int timepoint;
  const std::string& timepoint_label;
  const phantom::Pose& pose;
  const segmentation::LesionSegmentation& segmentation;
  const measurement::LesionMeasurement& measurement;
};

// Which runs: every lesion at every timepoint on the preset's own noise draw (or RECAP_TEST_SEED's),
// or one lesion at one timepoint on another draw.
struct PresetLesionSelection {
  std::string lesion, timepoint;  // empty: all
  unsigned draw = 0;              // 0: the preset's own draw, or RECAP_TEST_SEED's if set
};

std::vector<PresetLesionRun> measurePresetLesions(
    const std::string& preset, const std::function<void(const PresetLesionContext&)>& inspect = {},
    const PresetLesionSelection& only = {});

}  // namespace recap::testing
