// Reference regions of one PET/CT timepoint (liver, mediastinal blood pool, spleen): the results and
// the caller's overrides. Plain C++, no imaging library, so that reports and the response engine can
// use them without ITK. The finders are in reference.h; the method is in docs/reference-regions.md.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace recap::reference {

using Point = std::array<double, 3>;  // patient coordinates (LPS), millimetres

// Values of the `source` fields.
inline constexpr const char* kSourceAuto = "auto";    // found on the images by recap
inline constexpr const char* kSourceGiven = "given";  // placed or measured by the caller

// Liver: a sphere of 3 cm diameter in the right lobe (clinical-rules.md R-1), SUV from the PET.
struct LiverRegion {
  bool found = false;
  std::string source;  // "auto" or "given"
  std::string reason;  // why no region was found (empty when found)
  Point centre_mm{};
  double radius_mm = 15;
  double suv_mean = 0, suv_sd = 0, suv_max = 0;  // over PET voxels whose centre lies in the sphere
  int voxels = 0;                                // number of those PET voxels
  double ct_mean_hu = 0, ct_sd_hu = 0;           // over CT voxels whose centre lies in the sphere
  // Auto only: distance from the centre to the nearest voxel that is not liver parenchyma (liver
  // edge, vessel, hypodense or PET-hot lesion, edge of either field of view); > radius_mm.
  double depth_mm = 0;
  std::vector<std::string> warnings;  // e.g. SUVmean outside the EANM range 1.3-3.0
};

// Mediastinal blood pool: a cylinder of 10 mm diameter and 20 mm length on the axis of the aorta
// (clinical-rules.md ): descending thoracic aorta when the CT covers it, else abdominal.
struct BloodPoolRegion {
  bool found = false;
  std::string source;  // "auto" or "given"
  std::string reason;
  std::string site;    // "descending thoracic aorta", "abdominal aorta", or "given point"
  Point centre_mm{};
  Point axis{0, 0, 1};  // unit vector along the cylinder (the vessel axis found on CT; z when given)
  double radius_mm = 5, length_mm = 20;
  double suv_mean = 0, suv_sd = 0, suv_max = 0;  // over PET voxels whose centre lies in the cylinder
  int voxels = 0;
  double vessel_radius_mm = 0;  // auto: radius of the aorta measured on CT at the VOI
  std::vector<std::string> warnings;
};

// Spleen: craniocaudal length (extent along patient z).
struct SpleenRegion {
  bool found = false;
  std::string source;  // "auto" or "given"
  std::string reason;
  double length_mm = 0;
  // Auto only: the poles (LPS z, sub-slice: extrapolated from the cross-section areas of the slices
  // next to each pole), the number of CT slices showing spleen, its volume and centroid.
  double top_z_mm = 0, bottom_z_mm = 0;
  int slices = 0;
  double volume_ml = 0;
  Point centroid_mm{};
  std::vector<std::string> warnings;
};

struct ReferenceRegions {
  LiverRegion liver;
  BloodPoolRegion blood_pool;
  SpleenRegion spleen;
};

// What a reviewer fixed by hand; each replaces the automatic search for that region.
struct Overrides {
  std::optional<Point> liver_centre_mm;       // centre of the liver sphere
  std::optional<Point> blood_pool_centre_mm;  // centre of the blood-pool cylinder (axis along z)
  std::optional<double> spleen_length_mm;     // spleen length, taken as is
};

}  // namespace recap::reference
