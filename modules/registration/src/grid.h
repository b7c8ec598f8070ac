// Internal: a voxel grid with its values as a plain array (x fastest), for the parts of the
// registration that need no ITK templates (downsampling, masks, the z search, correlations).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "recap/registration/align.h"

namespace recap::registration::detail {

struct Grid {
  std::array<long, 3> n{0, 0, 0};
  std::array<double, 3> spacing{1, 1, 1};
  Point3 origin{0, 0, 0};                          // centre of voxel (0,0,0)
  std::array<double, 9> dir{1, 0, 0, 0, 1, 0, 0, 0, 1};  // row-major, column j = axis j
  std::vector<float> v;

  size_t size() const { return size_t(n[0]) * size_t(n[1]) * size_t(n[2]); }
  size_t at(long i, long j, long k) const { return (size_t(k) * size_t(n[1]) + size_t(j)) * size_t(n[0]) + size_t(i); }
  Point3 physical(double i, double j, double k) const;
  Point3 index(const Point3& p) const;  // continuous index (direction assumed orthonormal)
  // Trilinear value at p; false when p lies outside the voxel centres' hull.
  bool sample(const Point3& p, float& out) const;
  // Physical z range covered by voxel centres.
  std::array<double, 2> zRange() const;
};

// Block average by integer factors per axis (the new voxel centre is the centre of its block).
Grid reduce(const Grid& g, const std::array<long, 3>& factors);
// The block averaging itself: `src` holds n[0] x n[1] x n[2] values (x fastest), each clamped to
// [lo, hi] first; `out` receives (n / f) values per axis (at least 1), x fastest.
void blockAverage(const float* src, const std::array<long, 3>& n, const std::array<long, 3>& f, float lo, float hi,
                  std::vector<float>& out);
// Factors that bring g's spacing to about `target_mm` (never below 1).
std::array<long, 3> factorsFor(const Grid& g, double target_mm);
// 1 where g > threshold, dilated by margin_mm (box), else 0.
std::vector<uint8_t> bodyMask(const Grid& g, double threshold, double margin_mm);
// The body's interior on each slice (axes 0 and 1 in-plane): voxels between the first and last
// voxel above threshold of their row and of their column, at least inset_mm inside both spans.
// It holds the lungs and organs but not the outline, which looks alike at every level of the trunk.
std::vector<uint8_t> interiorMask(const Grid& g, double threshold, double inset_mm);
// Centroid of voxels above threshold; false when there are none.
bool centroid(const Grid& g, double threshold, Point3& out);

// Normalised cross-correlation of `fixed` against `moving` sampled at map(p) over the fixed voxels
// where mask != 0 (every voxel if the mask is empty); `inside` receives the fraction of those
// voxels that map inside `moving`.
double correlation(const Grid& fixed, const std::vector<uint8_t>& mask, const Grid& moving,
                   const std::function<Point3(const Point3&)>& map, double* inside, double* mean_squares = nullptr);

}  // namespace recap::registration::detail
