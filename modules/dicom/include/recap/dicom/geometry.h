// The geometry of a series of single-frame slices: their order along the slice normal and the
// checks that make them a regular volume.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "recap/core/error.h"
#include "recap/dicom/index.h"

namespace recap::dicom {

struct SliceGap {
  double from_mm = 0, to_mm = 0;  // positions along the normal on either side of the gap
  int missing = 0;                // slices missing (estimated from the regular spacing)
};

struct Geometry {
  std::array<int, 3> size{0, 0, 0};            // columns, rows, slices
  std::array<double, 3> spacing{0, 0, 0};      // between columns, between rows, between slices (mm)
  std::array<double, 3> origin{0, 0, 0};       // centre of the first voxel of the first slice (LPS mm)
  std::array<double, 9> direction{1, 0, 0, 0, 1, 0, 0, 0, 1};  // row-major; column j is axis j in LPS
  std::vector<size_t> slice_order;             // indices into Series::instances, along the normal
  std::vector<double> slice_positions_mm;      // position of each ordered slice along the normal
  double min_step_mm = 0, max_step_mm = 0;     // smallest and largest distance between neighbours
  std::vector<SliceGap> gaps;
  std::vector<std::string> warnings;

  // Set when the series is not a regular volume; the loader throws Error(problem_code, ...).
  std::optional<ErrorCode> problem_code;
  std::string problem;

  bool regular() const { return !problem_code.has_value(); }
};

// Never throws: problems are reported in the result.
Geometry analyzeGeometry(const Series& series);

}  // namespace recap::dicom
