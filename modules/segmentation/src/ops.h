// Private to the segmentation module: operations on a box of voxels held as plain arrays
// (x fastest, then y, then z), with the box's size and spacing.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace recap::segmentation::detail {

struct Dims {
  std::array<long, 3> n{0, 0, 0};
  std::array<double, 3> mm{1, 1, 1};  // spacing
  size_t count() const { return size_t(n[0]) * size_t(n[1]) * size_t(n[2]); }
  size_t at(long i, long j, long k) const { return (size_t(k) * size_t(n[1]) + size_t(j)) * size_t(n[0]) + size_t(i); }
  bool contains(long i, long j, long k) const {
    return i >= 0 && j >= 0 && k >= 0 && i < n[0] && j < n[1] && k < n[2];
  }
};

using Mask = std::vector<uint8_t>;

// Gaussian smoothing with standard deviation sigma_mm along x and y only (slices may be thick).
void smoothInPlane(std::vector<float>& v, const Dims& d, double sigma_mm);
// The same along z (across slices).
void smoothAcrossSlices(std::vector<float>& v, const Dims& d, double sigma_mm);

// How much of a region a blur gathers at the region's outline: `fraction` (0..1, the outline at its
// 0.5 level) smoothed by a Gaussian of sigma_xy_mm in-plane and sigma_z_mm across slices, read where
// the outline crosses between in-plane neighbours and spread along it (2 mm); NaN away from it.
// At a straight edge of a large region it is 0.5; less at a convex tip, more in a concavity.
std::vector<float> blurAtOutline(const std::vector<float>& fraction, const Dims& d, double sigma_xy_mm,
                                 double sigma_z_mm);

// The 6-connected component of `mask` that holds voxel `seed` (empty if the seed is not in it).
Mask componentOf(const Mask& mask, const Dims& d, size_t seed);

// Fills, slice by slice, the background regions not connected to the slice's border.
void fillHolesInPlane(Mask& mask, const Dims& d);

// Squared Euclidean distance (mm^2) from each voxel to the nearest voxel where mask == 0
// (0 on such voxels). in_plane: distances within each slice only.
std::vector<float> distanceInside(const Mask& mask, const Dims& d, bool in_plane);

// Squared distance (mm^2) from each voxel to the nearest voxel where mask != 0.
std::vector<float> distanceOutside(const Mask& mask, const Dims& d, bool in_plane);

// In-plane valleys: voxels below their surroundings on both sides along some direction (x, y or
// a diagonal) by at least `depth` within `reach_mm`: the thin fat plane between two bodies of soft
// tissue that blur and smoothing have filled in.
Mask valleysInPlane(const std::vector<float>& v, const Dims& d, float depth, double reach_mm);

// In-plane junctions between low and high tissue: voxels of `where` with a value below `low` within
// `reach` voxels on one side and one above `high` within `reach` voxels on the other, along x, y or a
// diagonal. Where fat meets the liver, the partial-volume voxels between them pass through every HU
// in between, a hypodense lesion's among them.
Mask junctionsInPlane(const std::vector<float>& v, const Dims& d, float low, float high, long reach, const Mask& where);

// Watershed of `height` (higher = deeper inside) over the voxels of `mask`, by flooding from the
// top with union-find; two basins merge when the lower of their peaks stands less than `h` above
// the level where they meet (their dynamics). Returns a label per voxel (0 outside the mask).
std::vector<int> watershedByDynamics(const std::vector<float>& height, const Mask& mask, const Dims& d,
                                     float h);

// A compact lesion's cross-sections on neighbouring slices near its widest are nearly scaled copies
// of each other, while the CT's noise on them is independent. For each voxel of `where`, the mean of
// `v` there and at the matching points of the slices just above and below: mapped about each slice's
// centroid of `region`, scaled by the square root of the ratio of their areas, and used only where
// that scale lies within [min_scale, 1 / min_scale] (bilinear between voxel centres). The areas are
// `slice_area`'s (one per slice, any unit) if given, else the voxels of `region`. `slices` gets, per
// voxel, how many slices its mean holds (1 where it is `v` itself).
std::vector<float> poolAlongShape(const std::vector<float>& v, const Mask& region, const Mask& where, const Dims& d,
                                  double min_scale, std::vector<uint8_t>& slices,
                                  const std::vector<double>* slice_area = nullptr);

}  // namespace recap::segmentation::detail
