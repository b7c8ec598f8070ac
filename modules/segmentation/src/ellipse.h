// Private to the segmentation module: carrying a lesion's outline across a contact along the
// ellipse fitted to the part of it that the CT draws (docs/segmentation.md).
#pragma once

#include <cstdint>
#include <vector>

#include "ops.h"

namespace recap::segmentation::detail {

// `fraction` (lesion fraction per voxel, outline at 0.5) and `w_ct` (how much the CT decides each
// voxel, 0..1) over the box `d`. On each slice whose outline is at least 60 % CT-drawn and whose
// CT-drawn points fit an ellipse (RMS under 0.7 voxel), the voxels the CT does not decide
// (w_ct < 0.5) near that ellipse take its inside as their fraction. `may_grow` per voxel: 1 the
// ellipse may move the outline either way, 0 only inwards, kLeftAlone not at all (a local rule has
// placed the voxel's crossings against a thin fat plane, with the CT's full say: they count as
// CT-drawn towards the 60 %, and are fitted with the CT-drawn points only if the ellipse still fits
// with them).
constexpr uint8_t kLeftAlone = 2;
void completeAlongEllipses(std::vector<float>& fraction, const std::vector<float>& w_ct, const Dims& d,
                           const std::vector<uint8_t>& may_grow);

}  // namespace recap::segmentation::detail
