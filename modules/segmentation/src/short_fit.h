// Private to the segmentation module: a lesion short for its CT slices (one or two slices hold it)
// fitted as an ellipsoid to the raw pixels of its slices, each pixel the slab's mean over the part
// of the ellipsoid within it (docs/segmentation.md, "Lesions short for their slices").
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace recap::segmentation::detail {

// An ellipsoid with one axis along z: in-plane semi-axes a >= b (mm) about (cx, cy), a along `angle`
// (radians), centre ze and half-length c along z (mm). Positions are in mm in the box: pixel (i, j)
// of slice k at (i sx, j sy, k t).
struct ZEllipsoid {
  double cx = 0, cy = 0, a = 0, b = 0, angle = 0, ze = 0, c = 0;
  // The share of the ellipsoid's section through z (0 beyond its ends): its semi-axes' scale.
  double sectionScale(double z) const;
};

// Slices of one box: nx by ny by nz values, x fastest; spacing sx, sy in-plane and t along z, each
// slice a slab t thick.
struct BoxPixels {
  const float* v = nullptr;
  long nx = 0, ny = 0, nz = 0;
  double sx = 1, sy = 1, t = 1;
};

struct ShortFit {
  ZEllipsoid e;
  double outside = 0, inside = 0;  // the two levels (HU)
  double rms = 0;                  // the residual's root mean square (HU)
  size_t pixels = 0;
  bool ok = false;
};

// The ellipsoid and the two levels that best explain the pixels of `slices` within `band_mm` of
// `start`'s equator (inside it too) where `use` is set (box-wide; null: everywhere): least squares,
// each pixel the background's level plus the contrast times the slab's mean share of lesion over the
// pixel (4 x 4 sub-samples, the slab's share exact along z), Levenberg-Marquardt from `start`, the
// levels solved exactly at each step. `prior` (per mm, in HU: the noise over the prior's spread)
// weighs one more residual, prior x (c - b): the half-length held near the short semi-axis, which the
// pixels of a lesion within one slab hardly tell from the contrast (0: no prior).
ShortFit fitShortEllipsoid(const BoxPixels& ct, const uint8_t* use, const std::vector<long>& slices,
                           const ZEllipsoid& start, double band_mm, double prior);

}  // namespace recap::segmentation::detail
