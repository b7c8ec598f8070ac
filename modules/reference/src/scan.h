// Private to the reference module: the CT analysis the three finders share (the CT binned onto an
// LPS-aligned grid, smoothed copies, the body outline, lungs and vertebral column slice by slice), the
// finders themselves and the measurement of a placed region on the PET. No ITK here.
#pragma once

#include <vector>

#include "grid.h"
#include "recap/reference/types.h"

namespace recap::reference::detail {

// What one axial slice of the binned CT shows.
struct SliceInfo {
  bool body = false;              // some of the patient is in this slice
  double body_mm2 = 0;            // area inside the body outline
  double cx = 0, cy = 0;          // its centroid (LPS mm): the patient's midline
  int i0 = 0, i1 = 0, j0 = 0, j1 = 0;  // its bounding box in the binned grid: [i0, i1) x [j0, j1)
  double lung_right_mm2 = 0;      // air inside the body right (-x) and left (+x) of the midline
  double lung_left_mm2 = 0;
  bool lungs = false;             // both lungs are cut by this slice
  bool spine = false;             // a vertebral body was found
  double spine_x = 0, spine_y = 0, spine_r = 0;  // its centre and inscribed radius (smoothed along z)
};

struct Scan {
  ImageView ct, pet;
  FloatGrid hu;        // CT binned to ~2 mm in-plane (slices kept when ~2.5 mm or thicker), HU
  FloatGrid hu2d;      // 3 x 3 in-plane box mean of hu
  FloatGrid hu3d;      // 3 x 3 x 3 box mean of hu: organ attenuations (histogram modes) are read here
  FloatGrid hu_organs; // (2r+1) x (2r+1) x 3 box mean of hu when r > 1 (noisy CT), else empty
  double noise_hu = 0;        // noise SD of hu (soft tissue)
  int smoothing_radius = 1;   // r: 1-3, so that organs()'s noise is ~2 HU or less
  // The CT the organ bands are applied to: smoothed enough to tell liver, spleen and muscle apart.
  const FloatGrid& organs() const { return smoothing_radius > 1 ? hu_organs : hu3d; }
  Mask body;           // inside the body outline (lungs and bowel gas included)
  std::vector<SliceInfo> slices;  // one per slice of hu (k: inferior to superior)
  int lung_base_k = -1;           // lowest slice of the lungs; -1 when no lungs are in the CT
  double lung_base_z = 0;
};

Scan prepareScan(const ImageView& ct, const ImageView& pet);

// The bin of a histogram of whole HU (bin h holds [h, h+1)) with the most counts within +-3 bins:
// the attenuation of the organ that dominates a region.
int smoothedMode(const std::vector<double>& hist);

// The automatic finders: a region with its placement and `found`/`reason` set; measure() adds the
// statistics.
LiverRegion findLiver(const Scan& scan, double radius_mm);
BloodPoolRegion findBloodPool(const Scan& scan, double radius_mm, double length_mm);
SpleenRegion findSpleen(const Scan& scan);

// Statistics of a placed region on the PET (SUV) and, for the liver, the CT (HU), and the warnings
// they call for.
void measure(const ImageView& ct, const ImageView& pet, LiverRegion& liver);
void measure(const ImageView& pet, BloodPoolRegion& blood);

}  // namespace recap::reference::detail
