// Lugano measurement of a segmented lesion (LDi, SDi, PPD on the axial slice where it is largest)
// and its PET uptake (SUVmax, SUVpeak). Definitions in docs/segmentation.md.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "recap/segmentation/segment.h"

namespace recap::measurement {

using segmentation::Point3;

enum class LesionState {
  Measured,  // LDi and SDi measured
  TooSmall,  // LDi under the too-small limit: counted as too_small_ppd in the SPD
  Absent     // no lesion tissue left at the seed: counted as 0 x 0
};
const char* stateName(LesionState state);  // "measured", "too_small", "absent"

struct Caliper {
  Point3 a{0, 0, 0}, b{0, 0, 0};  // end points, LPS mm
};

struct LesionMeasurement {
  LesionState state = LesionState::Absent;
  std::string reason;
  // The raw measurement (zero when absent); PPD = LDi x SDi.
  double ldi_mm = 0, sdi_mm = 0, ppd_mm2 = 0;
  double ppd_for_spd_mm2 = 0;   // what Lugano counts: PPD, too_small_ppd, or 0
  int slice_index = -1;         // CT slice (index in the CT volume) of the measurement
  double slice_z_mm = 0;        // its position (LPS z of the slice centre)
  Caliper ldi, sdi;
  std::vector<Caliper> outline;  // the lesion's outline on that slice: segments, LPS mm (reports draw it)
  double volume_ml = 0;
  // PET (when a PET was given and covers the lesion).
  bool pet = false;
  double suv_max = 0;
  Point3 suv_max_at{0, 0, 0};
  double suv_peak = 0;          // highest mean over a sphere of peak_diameter_mm centred in the lesion
  Point3 suv_peak_centre{0, 0, 0};
};

struct MeasureOptions {
  double too_small_mm = 5;          // LDi (and so SDi) under this: too small to measure
  double too_small_ppd_mm2 = 25;    // 5 x 5 mm
  double peak_diameter_mm = 12;     // SUVpeak sphere (about 1 cm^3)
};

// Measures `seg` on its CT slices; `pet` (SUV; may be null) gives SUVmax and SUVpeak over the PET
// voxels whose centres fall inside the lesion, mapped by physical position.
LesionMeasurement measureLesion(const segmentation::LesionSegmentation& seg, const dicom::Image* pet,
                                const MeasureOptions& options = {});

// ---- Exposed for tests -------------------------------------------------------------------------

using P2 = std::array<double, 2>;
struct Segment {
  P2 a, b;
};

// Marching squares: the segments where the bilinear field `f` (nx x ny, x fastest, sample spacing
// sx, sy mm) crosses `level`, with coordinates in mm from sample (0,0). The field is taken as
// below the level outside the grid, so outlines are closed.
std::vector<Segment> isoSegments(const float* f, long nx, long ny, double sx, double sy, double level);

// The field slice `k` (box index) of `seg` is measured on: the lesion fraction on the mask's voxels
// (at least 0.5) and on their neighbours (under 0.5), zero elsewhere. `any`: whether the mask has
// voxels on the slice.
std::vector<float> sliceField(const segmentation::LesionSegmentation& seg, long k, bool* any = nullptr);

struct Diameters {
  double ldi = 0, sdi = 0;
  P2 la{}, lb{}, sa{}, sb{};
};
// LDi: the largest distance between outline points; SDi: the longest chord perpendicular to it,
// a chord running from the first to the last crossing of the outline along its line.
Diameters diameters(const std::vector<Segment>& outline);

}  // namespace recap::measurement
