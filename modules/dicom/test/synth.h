// Test support: synthetic series whose every voxel value is a known function of its physical
// position, so that a loaded volume can be checked voxel by voxel in patient space.
#pragma once

#include <unistd.h>

#include <array>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "recap/dicom/volume.h"
#include "recap/phantom/dicom_writer.h"

namespace recap::test {

// HU as a function of the LPS position (mm): distinct at every voxel of the small test grids.
inline float ctValueAt(double x, double y, double z) {
  return static_cast<float>(std::round(3.0 * x - 5.0 * y + 7.0 * z));
}

// Fills `spec` slice by slice with f(position of each voxel centre).
template <typename F>
std::vector<float> fillByPosition(const phantom::SeriesSpec& spec, F f) {
  const auto& o = spec.orientation;
  const std::array<double, 3> row{o[0], o[1], o[2]}, col{o[3], o[4], o[5]};
  const std::array<double, 3> n{row[1] * col[2] - row[2] * col[1], row[2] * col[0] - row[0] * col[2],
                                row[0] * col[1] - row[1] * col[0]};
  std::vector<float> values;
  values.reserve(static_cast<size_t>(spec.cols) * spec.rows * spec.slices);
  for (int k = 0; k < spec.slices; ++k) {
    std::array<double, 3> ipp;
    for (int a = 0; a < 3; ++a)
      ipp[a] = spec.positions.empty() ? spec.first_position[a] + k * spec.slice_spacing_mm * n[a] : spec.positions[k][a];
    for (int r = 0; r < spec.rows; ++r)
      for (int c = 0; c < spec.cols; ++c) {
        double p[3];
        for (int a = 0; a < 3; ++a) p[a] = ipp[a] + c * spec.col_spacing_mm * row[a] + r * spec.row_spacing_mm * col[a];
        values.push_back(f(p[0], p[1], p[2]));
      }
  }
  return values;
}

inline phantom::SeriesSpec ctSpec(const std::string& uid_suffix) {
  phantom::SeriesSpec s;
  s.modality = "CT";
  s.series_uid = "1.2.826.0.1.3680043.10.1234.1." + uid_suffix;
  s.frame_of_reference_uid = "1.2.826.0.1.3680043.10.1234.9.1";
  s.series_number = 2;
  s.series_description = "CT WB 2mm";
  s.convolution_kernel = "B30f";
  s.cols = 24;
  s.rows = 20;
  s.slices = 9;
  s.row_spacing_mm = 0.9;
  s.col_spacing_mm = 0.8;
  s.slice_spacing_mm = 2.0;
  s.slice_thickness_mm = 2.0;
  s.first_position = {-10.0, -8.0, -30.0};
  s.pixel_signed = true;
  s.rescale_intercept = 0.0;
  return s;
}

inline phantom::StudyInfo study() {
  phantom::StudyInfo st;
  st.study_uid = "1.2.826.0.1.3680043.10.1234.2.1";
  return st;
}

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> n{0};
    path_ = std::filesystem::temp_directory_path() /
            ("recap-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& s) const { return path_ / s; }

 private:
  std::filesystem::path path_;
};

// Largest |loaded voxel - f(physical position of that voxel)| over the whole image.
template <typename F>
double maxErrorByPosition(const dicom::Image* image, F f) {
  double worst = 0;
  const auto size = image->GetLargestPossibleRegion().GetSize();
  dicom::Image::IndexType idx;
  for (idx[2] = 0; idx[2] < static_cast<long>(size[2]); ++idx[2])
    for (idx[1] = 0; idx[1] < static_cast<long>(size[1]); ++idx[1])
      for (idx[0] = 0; idx[0] < static_cast<long>(size[0]); ++idx[0]) {
        dicom::Image::PointType p;
        image->TransformIndexToPhysicalPoint(idx, p);
        worst = std::max(worst, std::abs(double(image->GetPixel(idx)) - f(p[0], p[1], p[2])));
      }
  return worst;
}

// Mean |loaded voxel - f(physical position)| over the whole image.
template <typename F>
double meanErrorByPosition(const dicom::Image* image, F f) {
  double sum = 0;
  size_t n = 0;
  const auto size = image->GetLargestPossibleRegion().GetSize();
  dicom::Image::IndexType idx;
  for (idx[2] = 0; idx[2] < static_cast<long>(size[2]); ++idx[2])
    for (idx[1] = 0; idx[1] < static_cast<long>(size[1]); ++idx[1])
      for (idx[0] = 0; idx[0] < static_cast<long>(size[0]); ++idx[0], ++n) {
        dicom::Image::PointType p;
        image->TransformIndexToPhysicalPoint(idx, p);
        sum += std::abs(double(image->GetPixel(idx)) - f(p[0], p[1], p[2]));
      }
  return n ? sum / static_cast<double>(n) : 0.0;
}

// Largest |mean over a slice of (loaded voxel - f(position))|: catches misplaced slices even
// when lossy coding makes single voxels inexact.
template <typename F>
double maxSliceBiasByPosition(const dicom::Image* image, F f) {
  double worst = 0;
  const auto size = image->GetLargestPossibleRegion().GetSize();
  dicom::Image::IndexType idx;
  for (idx[2] = 0; idx[2] < static_cast<long>(size[2]); ++idx[2]) {
    double sum = 0;
    for (idx[1] = 0; idx[1] < static_cast<long>(size[1]); ++idx[1])
      for (idx[0] = 0; idx[0] < static_cast<long>(size[0]); ++idx[0]) {
        dicom::Image::PointType p;
        image->TransformIndexToPhysicalPoint(idx, p);
        sum += double(image->GetPixel(idx)) - f(p[0], p[1], p[2]);
      }
    worst = std::max(worst, std::abs(sum / static_cast<double>(size[0] * size[1])));
  }
  return worst;
}

}  // namespace recap::test
