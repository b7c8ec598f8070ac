// Agreement of two lesion masks (DICOM SEG segments): Dice coefficient and Hausdorff distance.
#pragma once

#include <filesystem>
#include <optional>
#include <vector>

#include "recap/validate/records.h"

namespace recap::validate {

struct MaskAgreement {
  // 2 |A and B| / (|A| + |B|) over voxels; empty when the two masks are not on the same grid
  // (orientation, pixel spacing and frame positions within 0.01 mm), where voxels cannot be counted
  // together.
  std::optional<double> dice;
  // The symmetric Hausdorff distance (mm) between the masks' boundary voxels (a voxel of the mask
  // with one of its 6 neighbours outside it; neighbouring frames are those one slice gap apart),
  // at their centres in patient coordinates: on any grids. Empty when a mask is empty.
  std::optional<double> hausdorff_mm;
  size_t voxels_a = 0, voxels_b = 0;
};

MaskAgreement compareMasks(const LesionMask& a, const LesionMask& b);

// The segments of a DICOM SEG (modules/srseg) as masks: lesion id = tracking id (else label),
// study uid and patient id from the SEG. Throws recap::Error as srseg's reader does.
std::vector<LesionMask> readSegMasks(const std::filesystem::path& path);

}  // namespace recap::validate
