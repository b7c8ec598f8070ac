// Test support: a synthetic patient rendered in memory around a region of interest, as the ITK
// images recap's ingestion produces, with the analytic truth of every lesion.
#pragma once

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "recap/dicom/volume.h"
#include "recap/phantom/model.h"

namespace recap::testing {

struct SceneGrids {
  double ct_pixel_mm = 0.9, ct_slice_mm = 3.0;
  double pet_pixel_mm = 4.0, pet_slice_mm = 3.0;
  double half_fov_mm = 75;  // CT and PET cover +-half_fov_mm around `focus` in x, y and z
  bool feet_first = false;
  bool noise = true;
};

struct Scene {
  std::vector<phantom::Lesion> lesions;
  phantom::Physiology physiology;
  phantom::Pose pose;
  dicom::Image::Pointer ct, pet, pet_clean;
  phantom::TimepointTruth truth;
  const phantom::LesionTruth& lesion(const std::string& id) const;
};

// Renders timepoint `t` of `lesions` with the fixed anatomy, placed by `pose`, on grids centred on
// `focus_body_mm` (body coordinates, e.g. a lesion's centre).
Scene renderScene(std::vector<phantom::Lesion> lesions, const phantom::Physiology& physiology, int t,
                  const phantom::Pose& pose, const phantom::Vec3& focus_body_mm, const SceneGrids& grids,
                  uint64_t seed = 7);

// Whether scanner point `p` (LPS mm) lies inside the main ellipsoid of `lesion` at state `t`
// (the lesion's analytic shape; lobes of lobulated lesions are not included).
bool insideEllipsoid(const phantom::Lesion& lesion, int t, const phantom::Pose& pose, const phantom::Vec3& p);

// Whether `p` lies inside the lesion, lobes included when `lobes` (docs/phantom.md gives their
// placement).
bool insideLesion(const phantom::Lesion& lesion, int t, const phantom::Pose& pose, const phantom::Vec3& p, bool lobes);

// A body point (mm) in the scanner (LPS mm) for `pose`.
phantom::Vec3 toScanner(const phantom::Pose& pose, const phantom::Vec3& body_mm);

// `grid` (a phantom CtGrid or PetGrid) cut to [z - half, z + half] on its own slice lattice (from
// z_from for head-first, from z_to for feet-first), so that the slices kept are the ones the full
// grid acquires and its truth is the full grid's.
template <class Grid>
Grid cutZ(Grid g, double z, double half) {
  if (!g.feet_first) {
    const double k0 = std::max(0.0, std::floor((z - half - g.z_from_mm) / g.slice_mm));
    const double k1 = std::floor((std::min(z + half, g.z_to_mm) - g.z_from_mm) / g.slice_mm + 1e-6);
    g.z_to_mm = g.z_from_mm + k1 * g.slice_mm;
    g.z_from_mm = g.z_from_mm + k0 * g.slice_mm;
  } else {
    const double k0 = std::max(0.0, std::floor((g.z_to_mm - (z + half)) / g.slice_mm));
    const double k1 = std::floor((g.z_to_mm - std::max(z - half, g.z_from_mm)) / g.slice_mm + 1e-6);
    g.z_from_mm = g.z_to_mm - k1 * g.slice_mm;
    g.z_to_mm = g.z_to_mm - k0 * g.slice_mm;
  }
  return g;
}

// A lesion with one state per timepoint: {diameters, suv} or absent (suv < 0).
phantom::Lesion makeLesion(const std::string& id, phantom::LesionKind kind, const phantom::Vec3& centre,
                           double rotation_deg, const std::vector<std::array<double, 4>>& states,
                           double hu = 40);

}  // namespace recap::testing
