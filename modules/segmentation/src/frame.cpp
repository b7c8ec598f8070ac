#include "recap/segmentation/frame.h"

#include <algorithm>
#include <cmath>

namespace recap::segmentation {

Frame Frame::of(const dicom::Image& image) {
  Frame f;
  const auto size = image.GetLargestPossibleRegion().GetSize();
  const auto& sp = image.GetSpacing();
  const auto& o = image.GetOrigin();
  const auto& d = image.GetDirection();
  for (int i = 0; i < 3; ++i) {
    f.size[i] = long(size[i]);
    f.spacing[i] = sp[i];
    f.origin[i] = o[i];
    for (int j = 0; j < 3; ++j) f.direction[i * 3 + j] = d[i][j];
  }
  return f;
}

Point3 Frame::toPhysical(double i, double j, double k) const {
  const double v[3] = {i * spacing[0], j * spacing[1], k * spacing[2]};
  Point3 p;
  for (int r = 0; r < 3; ++r)
    p[r] = origin[r] + direction[r * 3] * v[0] + direction[r * 3 + 1] * v[1] + direction[r * 3 + 2] * v[2];
  return p;
}

Point3 Frame::toIndex(const Point3& p) const {
  // direction is orthonormal: its inverse is its transpose.
  const double d[3] = {p[0] - origin[0], p[1] - origin[1], p[2] - origin[2]};
  Point3 idx;
  for (int c = 0; c < 3; ++c)
    idx[c] = (direction[c] * d[0] + direction[3 + c] * d[1] + direction[6 + c] * d[2]) / spacing[c];
  return idx;
}

bool Frame::inside(const Point3& idx) const {
  for (int i = 0; i < 3; ++i)
    if (!(idx[i] >= -0.5 && idx[i] < double(size[i]) - 0.5)) return false;
  return true;
}

std::vector<float> cut(const dicom::Image& image, const Box& box) {
  const Frame parent = Frame::of(image);
  const float* src = image.GetBufferPointer();
  std::vector<float> out(box.frame.voxels());
  const auto& s = box.frame.size;
  size_t n = 0;
  for (long k = 0; k < s[2]; ++k)
    for (long j = 0; j < s[1]; ++j) {
      const size_t row = (size_t(k + box.offset[2]) * size_t(parent.size[1]) + size_t(j + box.offset[1])) *
                             size_t(parent.size[0]) + size_t(box.offset[0]);
      for (long i = 0; i < s[0]; ++i) out[n++] = src[row + size_t(i)];
    }
  return out;
}

namespace {

float trilinear(const float* v, const std::array<long, 3>& size, const Point3& idx, float outside) {
  const double x = std::clamp(idx[0], 0.0, double(size[0] - 1));
  const double y = std::clamp(idx[1], 0.0, double(size[1] - 1));
  const double z = std::clamp(idx[2], 0.0, double(size[2] - 1));
  for (int a = 0; a < 3; ++a)
    if (idx[a] < -0.5 || idx[a] > double(size[a]) - 0.5) return outside;
  const long x0 = std::min(long(x), size[0] - 1), y0 = std::min(long(y), size[1] - 1),
             z0 = std::min(long(z), size[2] - 1);
  const long x1 = std::min(x0 + 1, size[0] - 1), y1 = std::min(y0 + 1, size[1] - 1),
             z1 = std::min(z0 + 1, size[2] - 1);
  const double fx = x - double(x0), fy = y - double(y0), fz = z - double(z0);
  auto at = [&](long i, long j, long k) { return double(v[(size_t(k) * size_t(size[1]) + size_t(j)) * size_t(size[0]) + size_t(i)]); };
  const double c00 = at(x0, y0, z0) * (1 - fx) + at(x1, y0, z0) * fx;
  const double c10 = at(x0, y1, z0) * (1 - fx) + at(x1, y1, z0) * fx;
  const double c01 = at(x0, y0, z1) * (1 - fx) + at(x1, y0, z1) * fx;
  const double c11 = at(x0, y1, z1) * (1 - fx) + at(x1, y1, z1) * fx;
  const double c0 = c00 * (1 - fy) + c10 * fy, c1 = c01 * (1 - fy) + c11 * fy;
  return float(c0 * (1 - fz) + c1 * fz);
}

}  // namespace

std::vector<float> resample(const dicom::Image& image, const Frame& grid, float outside) {
  const Frame src = Frame::of(image);
  const float* v = image.GetBufferPointer();
  std::vector<float> out(grid.voxels());
  // Index in `src` is affine in the index in `grid`: precompute the origin and the three steps.
  const Point3 o = src.toIndex(grid.toPhysical(0, 0, 0));
  Point3 step[3];
  for (int a = 0; a < 3; ++a) {
    const Point3 e = src.toIndex(grid.toPhysical(a == 0, a == 1, a == 2));
    for (int c = 0; c < 3; ++c) step[a][c] = e[c] - o[c];
  }
  size_t n = 0;
  for (long k = 0; k < grid.size[2]; ++k)
    for (long j = 0; j < grid.size[1]; ++j)
      for (long i = 0; i < grid.size[0]; ++i) {
        Point3 idx;
        for (int c = 0; c < 3; ++c) idx[c] = o[c] + double(i) * step[0][c] + double(j) * step[1][c] + double(k) * step[2][c];
        out[n++] = trilinear(v, src.size, idx, outside);
      }
  return out;
}

float sampleAt(const dicom::Image& image, const Point3& p, float outside) {
  const Frame src = Frame::of(image);
  return trilinear(image.GetBufferPointer(), src.size, src.toIndex(p), outside);
}

}  // namespace recap::segmentation
