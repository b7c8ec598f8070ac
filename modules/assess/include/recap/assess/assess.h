// One patient, all timepoints: the target lesions marked on the baseline are tracked into each
// follow-up (rigid alignment, then a local refinement), delineated and measured; new lesions are
// measured where the reviewer marked them; the reference regions are found; and the response
// engine classifies every follow-up. `recap assess` and the tests run this; it reads no files.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "recap/measurement/measure.h"
#include "recap/reference/types.h"
#include "recap/registration/align.h"
#include "recap/response/response.h"

namespace recap::assess {

using Point3 = std::array<double, 3>;

struct LesionSeed {
  std::string id;
  response::LesionKind kind = response::LesionKind::Nodal;
  Point3 seed_mm{0, 0, 0};  // a point inside the lesion, LPS mm, on the timepoint it belongs to
};

struct TimepointInput {
  std::string label;
  dicom::Image::ConstPointer ct, pet;        // pet may be null
  std::optional<double> days_from_baseline;
  std::vector<LesionSeed> new_lesions;       // reviewer-marked, on this timepoint's images
  reference::Overrides reference_overrides;  // reviewer-placed liver / blood pool, given spleen length
  // A reviewer's own LDi/SDi for a target lesion (by id) at this timepoint: the response engine
  // uses them instead of recap's measurement (response::LesionMeasurement::reviewer_override).
  std::map<std::string, response::Diameters> reviewer_diameters;
};

struct PatientInput {
  std::string patient_id;
  std::vector<LesionSeed> targets;           // on the baseline (timepoints[0])
  std::vector<TimepointInput> timepoints;    // time order; the first is the baseline
};

struct LesionOutcome {
  std::string id;
  bool is_new = false;
  Point3 seed_mm{0, 0, 0};                   // where it was looked for on this timepoint
  std::optional<registration::TrackedSeed> tracking;  // follow-up targets only
  measurement::LesionMeasurement measurement;
  std::string delineation;                   // how it was delineated, or why nothing was found
  // The delineated voxels on the CT grid (for the DICOM SEG): the box searched and its mask (empty
  // when nothing was found).
  segmentation::Box mask_box;
  std::vector<uint8_t> mask;
};

struct TimepointOutcome {
  std::string label;
  std::optional<registration::Alignment> alignment;  // follow-ups only
  std::vector<LesionOutcome> lesions;        // targets in order, then new lesions
  reference::ReferenceRegions references;
};

// Time spent in each stage (seconds). Not part of the outputs (a rerun gives the same bytes);
// `recap assess` logs them and the benchmark reads them (docs/performance.md). Alignment, lesions
// and reference regions run as tasks on the cores at the same time, so their figures are the
// tasks' wall times summed (they overlap), and parallel_wall is the wall time of all of them.
struct StageTimes {
  double alignment = 0;     // rigid alignment of each follow-up to the baseline, summed over follow-ups
  double tracking = 0;      // local refinement of each target's seed, summed over lesions
  double lesions = 0;       // every lesion: refinement, segmentation, measurement, summed over lesions
  double references = 0;    // liver, blood pool, spleen, summed over timepoints
  double parallel_wall = 0; // wall time of the tasks above, run together on the cores
  double response = 0;      // the response engine
};

struct Assessment {
  StageTimes stage_seconds;
  std::vector<TimepointOutcome> timepoints;
  response::PatientCase case_data;           // what the response engine was given
  response::PatientResult result;
};

struct Options {
  registration::AlignOptions align;
  registration::RefineOptions refine;
  segmentation::SegmentOptions segment;
  measurement::MeasureOptions measure;
};

// Throws recap::Error for inputs that cannot be assessed (a seed outside its CT, a follow-up that
// does not align with the baseline, more targets than the profile allows), naming the timepoint.
Assessment assessPatient(const PatientInput& input, const response::CriteriaProfile& profile,
                         const Options& options = {});

}  // namespace recap::assess
