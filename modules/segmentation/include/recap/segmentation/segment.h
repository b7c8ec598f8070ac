// Seeded 3D segmentation of one lesion on CT, helped by the PET of the same timepoint.
// The method and its choices are documented in docs/segmentation.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "recap/segmentation/frame.h"

namespace recap::segmentation {

struct SegmentOptions {
  double search_half_mm = 50;   // half-size of the box searched around the seed (in-plane and along z)
  double smooth_mm = 1.0;       // in-plane Gaussian on CT before thresholds and contours
  double band_above_hu = 15;    // soft tissue taken with the lesion: from (lesion - band_below)
  double band_below_hu = 60;    //   to (lesion + band_above); denser neighbours (liver) stay out
  double min_lesion_hu = -40;   // the seed must lie in soft tissue: its HU within [min, max]
  double max_lesion_hu = 150;
  double split_depth_mm = 2.0;  // two blobs joined by a neck are split when both are deeper than this
  bool use_pet = true;
  double pet_min_contrast = 1.5;  // lesion is FDG-avid if peak >= this x background
  double pet_min_excess = 1.0;    //   and peak - background >= this (SUV)
  double pet_fwhm_mm = 6.5;       // the PET scanner's point-spread function (clinical reconstructions: 5-8 mm)
};

struct PetEvidence {
  bool available = false;  // a PET was given and covers the lesion
  bool avid = false;       // the lesion stands out from its surroundings on PET
  double peak = 0;         // lesion uptake (mean of its hottest 10 % of CT voxels, PET resampled)
  double background = 0;   // median uptake of the soft tissue around it
  double edge_level = 0;   // fraction from background to peak that marks the edge (calibrated on CT)
};

struct LesionSegmentation {
  bool found = false;      // false: no lesion tissue at the seed (the lesion is absent)
  std::string reason;      // how it was delineated, or why nothing was found
  Point3 seed_mm{0, 0, 0};
  Box box;                 // the box searched, in the CT's grid
  std::vector<uint8_t> mask;     // box voxels inside the lesion (its boundary at fraction 0.5)
  std::vector<float> fraction;   // box voxels: how much lesion, 0..1; the outline is its 0.5 level
  double lesion_hu = 0;          // median HU of the lesion
  PetEvidence pet;
  double volume_ml = 0;          // voxels of `mask` x voxel volume
};

// Delineates the lesion that holds `seed_mm` (LPS mm) on `ct` (HU), using `pet` (SUV; may be null)
// where CT alone cannot separate the lesion from neighbours of the same density. Throws
// recap::Error(CaseFile) when the seed lies outside the CT volume. A seed in fat, air, bone or in a
// structure that cannot be told apart from normal anatomy gives found == false with the reason.
LesionSegmentation segmentLesion(const dicom::Image& ct, const dicom::Image* pet, const Point3& seed_mm,
                                 const SegmentOptions& options = {});

}  // namespace recap::segmentation
