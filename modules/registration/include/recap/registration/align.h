// Follow-up to baseline alignment and lesion tracking on CT (docs/registration.md).
//
// alignRigid finds the rigid (6 degrees of freedom) mapping of baseline patient space onto
// follow-up patient space from the two CTs; refineSeed then carries one baseline point (a lesion's
// seed) to the follow-up, refining the global mapping on a box of a few centimetres around it.
// All points are LPS millimetres. Only src/align.cpp instantiates ITK registration templates.
#pragma once

#include <array>
#include <string>

#include "recap/dicom/volume.h"

namespace recap::registration {

using Point3 = std::array<double, 3>;

// The baseline -> follow-up mapping  p_fu = R * (p_bl - centre) + centre + translation,
// R = Rz * Rx * Ry (ITK's Euler3DTransform: rotation about y first, then x, then z).
struct Alignment {
  Point3 centre{0, 0, 0};          // centre of rotation (baseline body centroid), mm
  Point3 angles_rad{0, 0, 0};      // about x, y, z (Euler3DTransform parameters 0..2)
  Point3 translation{0, 0, 0};     // mm (Euler3DTransform parameters 3..5)
  double metric = 0;               // final mean squares (HU^2) on the finest level
  double correlation = 0;          // normalised cross-correlation over the body's interior (outline
                                   //   excluded: it looks alike at every level), where both CTs are
  double overlap = 0;              // fraction of that interior that lies inside the follow-up
  double seconds = 0;              // wall time of alignRigid
  std::string report;              // one line per stage: initialisation, each level, quality

  Point3 map(const Point3& baseline_mm) const;      // baseline point -> follow-up point
  Point3 inverse(const Point3& followup_mm) const;  // follow-up point -> baseline point
  std::array<double, 9> matrix() const;             // R, row-major
};

struct AlignOptions {
  double working_mm = 2.0;      // both CTs are block-averaged to about this in-plane spacing first
  double body_hu = -300;        // body mask: voxels above this (dilated by mask_margin_mm)
  double mask_margin_mm = 10;   //   so that the skin outline is inside the metric's domain
  double level_mm[3] = {8, 4, 2};       // spacing of the three pyramid levels: both working grids are
                                        //   block-averaged to it (the averaging is the smoothing)
  unsigned iterations[3] = {200, 120, 60};
  double step_fraction = 0.25;          // largest step of each level: this fraction of its spacing
  double samples_per_level = 150000;    // metric sample points per level (random, seeded)
  double min_overlap_mm = 80;   // the two CTs must share at least this much z range
                                //   (or 80 % of the shorter one)
  double min_extent_mm = 30;    // a CT shorter than this in z: recap::Error
  double interior_inset_mm = 30;  // the quality check skips this much of the body's outline
  double min_correlation = 0.6; // below this after registration: recap::Error (alignment failed)
  unsigned threads = 0;         // 0: ITK's default (one per core)
};

// Registers `followup_ct` to `baseline_ct` (both in HU). Initialisation: body centroids (x, y) and
// an exhaustive search of the z offset at 8 mm; then mean squares on the dilated body mask of the
// baseline, three levels, gradient descent with physical-shift scales. Throws recap::Error
// (BadGeometry) when the CTs do not overlap enough, hold no body, or when the result correlates
// below min_correlation; (Internal) when ITK fails.
Alignment alignRigid(const dicom::Image& baseline_ct, const dicom::Image& followup_ct, const AlignOptions& options = {});

struct RefineOptions {
  double box_mm = 60;           // cube cut from the baseline around the seed
  bool rotation = false;        // false: translation only (3 DOF); true: 6 DOF about the seed
  double max_shift_mm = 15;     // a refinement that moves the seed further is rejected
  double min_gain = 0.002;      // and one that raises the boxes' correlation by less than this
  double smoothing_mm = 1.0;    // Gaussian sigma of the coarse level (~2 mm voxels; the fine level is
                                //   the CT's own grid, unsmoothed)
  double step_mm[2] = {0.5, 0.2};  // largest step per level
  unsigned iterations = 100;    // per level
  double samples = 30000;       // metric sample points per level (random, seeded) when the box holds more
};

struct TrackedSeed {
  Point3 followup_mm{0, 0, 0};  // where the seed is on the follow-up (refined, or global if rejected)
  Point3 global_mm{0, 0, 0};    // the global alignment's mapping of the seed
  bool refined = false;         // the local registration was accepted
  bool inside_followup = false; // the mapped seed lies inside the follow-up CT
  double shift_mm = 0;          // |followup_mm - global_mm|
  double correlation_before = 0, correlation_after = 0;  // of the two boxes, global vs refined
  std::string report;
};

// Maps `baseline_seed_mm` with `alignment`, then registers a box of the baseline around the seed to
// the follow-up, starting from the global alignment. A seed whose box falls outside the follow-up
// (or a refinement larger than max_shift_mm, or one that does not raise the correlation by min_gain)
// keeps the global mapping, with the reason in `report`. Throws recap::Error(CaseFile) when the seed
// lies outside the baseline CT.
TrackedSeed refineSeed(const dicom::Image& baseline_ct, const dicom::Image& followup_ct, const Alignment& alignment,
                       const Point3& baseline_seed_mm, const RefineOptions& options = {});

}  // namespace recap::registration
