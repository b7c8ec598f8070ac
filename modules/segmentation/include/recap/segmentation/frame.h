// A voxel grid's placement in patient space (LPS, mm), and an image sampled on it as a plain array.
// Segmentation and measurement work on these, so that only one translation unit touches ITK.
#pragma once

#include <array>
#include <cstddef>
#include <vector>

#include "recap/dicom/volume.h"

namespace recap::segmentation {

using Point3 = std::array<double, 3>;

struct Frame {
  std::array<long, 3> size{0, 0, 0};         // columns, rows, slices
  std::array<double, 3> spacing{1, 1, 1};    // mm
  Point3 origin{0, 0, 0};                    // centre of voxel (0,0,0), LPS mm
  std::array<double, 9> direction{1, 0, 0, 0, 1, 0, 0, 0, 1};  // row-major; column j = axis j in LPS

  static Frame of(const dicom::Image& image);
  Point3 toPhysical(double i, double j, double k) const;
  Point3 toIndex(const Point3& p) const;     // continuous index of a physical point
  bool inside(const Point3& index) const;    // within [-0.5, size - 0.5) on every axis
  size_t voxels() const { return size_t(size[0]) * size_t(size[1]) * size_t(size[2]); }
};

// A box of voxels cut from a larger grid: `frame` describes the box itself (its origin is the
// centre of the box's first voxel), `offset` is where the box starts in the parent grid.
struct Box {
  Frame frame;
  std::array<long, 3> offset{0, 0, 0};
};

// Copies the voxels of `box` (in `image`'s own grid) into an array, x fastest.
std::vector<float> cut(const dicom::Image& image, const Box& box);

// Samples `image` at the centre of every voxel of `grid` (trilinear, by physical position);
// voxels outside `image` get `outside`.
std::vector<float> resample(const dicom::Image& image, const Frame& grid, float outside);

// Trilinear value of `image` at a physical point, or `outside` beyond its voxels.
float sampleAt(const dicom::Image& image, const Point3& p, float outside);

}  // namespace recap::segmentation
