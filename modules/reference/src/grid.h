// Private to the reference module: plain C++ volumes and the few image operations the finders need
// (binning onto an LPS-aligned grid, box means, Euclidean distance transforms, connected components).
// No ITK here: only reference.cpp sees ITK images and hands their buffers over as ImageViews.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace recap::reference::detail {

using Vec3 = std::array<double, 3>;

// An image buffer in patient space: voxel (i, j, k) (i fastest) has its centre at
// origin + m * (i, j, k), m = direction * diag(spacing) (row major), in LPS millimetres.
struct ImageView {
  const float* data = nullptr;
  std::array<int, 3> size{};
  Vec3 origin{};
  std::array<double, 9> m{};
  std::array<double, 9> inv{};  // inverse of m
  Vec3 spacing{};

  size_t index(int i, int j, int k) const { return (size_t(k) * size[1] + j) * size[0] + i; }
  float at(int i, int j, int k) const { return data[index(i, j, k)]; }
  Vec3 point(double i, double j, double k) const {
    return {origin[0] + m[0] * i + m[1] * j + m[2] * k, origin[1] + m[3] * i + m[4] * j + m[5] * k,
            origin[2] + m[6] * i + m[7] * j + m[8] * k};
  }
  Vec3 continuousIndex(const Vec3& p) const {
    const double d0 = p[0] - origin[0], d1 = p[1] - origin[1], d2 = p[2] - origin[2];
    return {inv[0] * d0 + inv[1] * d1 + inv[2] * d2, inv[3] * d0 + inv[4] * d1 + inv[5] * d2,
            inv[6] * d0 + inv[7] * d1 + inv[8] * d2};
  }
  // True when p lies in the volume covered by the voxels (within half a voxel of the outer centres).
  bool contains(const Vec3& p) const;
  // Trilinear interpolation between voxel centres (edges clamped); `outside` beyond contains().
  double sample(const Vec3& p, double outside) const;
};

// Builds a view; direction is row major (columns: the image axes in LPS). Inverts m.
ImageView makeView(const float* data, const std::array<int, 3>& size, const Vec3& origin, const Vec3& spacing,
                   const std::array<double, 9>& direction);

// A volume on a grid aligned with the LPS axes: voxel (i, j, k) has its centre at
// origin + (i sx, j sy, k sz): i towards the patient's left, j posterior, k superior.
template <typename T>
struct Grid {
  int nx = 0, ny = 0, nz = 0;
  Vec3 origin{}, spacing{};
  std::vector<T> v;

  void reset(int x, int y, int z, const Vec3& o, const Vec3& s, T fill) {
    nx = x, ny = y, nz = z, origin = o, spacing = s;
    v.assign(size_t(nx) * ny * nz, fill);
  }
  template <typename U>
  void like(const Grid<U>& g, T fill) {
    reset(g.nx, g.ny, g.nz, g.origin, g.spacing, fill);
  }
  size_t idx(int i, int j, int k) const { return (size_t(k) * ny + j) * nx + i; }
  T& operator()(int i, int j, int k) { return v[idx(i, j, k)]; }
  const T& operator()(int i, int j, int k) const { return v[idx(i, j, k)]; }
  size_t plane() const { return size_t(nx) * ny; }
  double x(int i) const { return origin[0] + i * spacing[0]; }
  double y(int j) const { return origin[1] + j * spacing[1]; }
  double z(int k) const { return origin[2] + k * spacing[2]; }
  Vec3 point(int i, int j, int k) const { return {x(i), y(j), z(k)}; }
  double voxelMm3() const { return spacing[0] * spacing[1] * spacing[2]; }
};
using FloatGrid = Grid<float>;
using Mask = Grid<uint8_t>;

// The CT resampled onto an LPS-aligned grid: each axis takes the spacing of the image axis closest
// to it, times an integer factor that brings it near `inplane_mm` (x, y) or `z_mm` (z), and each bin
// is the mean of the image voxels whose centres fall into it (exact binning for axis-aligned images,
// flipped or not). Bins no voxel falls into (oblique images) take the nearest voxel, or `empty`
// outside the image.
FloatGrid binToLps(const ImageView& image, double inplane_mm, double z_mm, float empty);

// Mean over the (2rx+1) x (2ry+1) x (2rz+1) box around each voxel, edges clamped.
FloatGrid boxMean(const FloatGrid& in, int rx, int ry, int rz);

// Squared Euclidean distance (mm^2) from each voxel centre to the nearest voxel where feature != 0
// (0 on feature voxels; +inf when there is none). With border_is_feature the planes just outside the
// grid count as feature, so distances never exceed the distance to the grid's edge.
std::vector<float> distanceSquared(const std::vector<uint8_t>& feature, int nx, int ny, int nz,
                                   const Vec3& spacing, bool border_is_feature);

// 6-connected components (4-connected when nz == 1) of the voxels where mask != 0.
struct Components {
  std::vector<int32_t> labels;  // 0: background, else 1..count
  std::vector<size_t> sizes;    // sizes[label]; sizes[0] unused
  int count() const { return static_cast<int>(sizes.size()) - 1; }
};
Components connectedComponents(const std::vector<uint8_t>& mask, int nx, int ny, int nz);

// Sets the enclosed gaps of `mask` (components of its complement that do not touch the grid's edge)
// of at most `max_voxels` voxels: noise holes, not vessels or lesions.
void fillSmallHoles(std::vector<uint8_t>& mask, int nx, int ny, int nz, size_t max_voxels);

// A sub-box [i0, i1) x [j0, j1) x [k0, k1) of a grid, and copying it out.
struct Box {
  int i0 = 0, i1 = 0, j0 = 0, j1 = 0, k0 = 0, k1 = 0;
  int nx() const { return i1 - i0; }
  int ny() const { return j1 - j0; }
  int nz() const { return k1 - k0; }
  bool empty() const { return nx() <= 0 || ny() <= 0 || nz() <= 0; }
};
template <typename T>
Grid<T> crop(const Grid<T>& g, const Box& b) {
  Grid<T> out;
  out.reset(b.nx(), b.ny(), b.nz(), g.point(b.i0, b.j0, b.k0), g.spacing, T{});
  for (int k = 0; k < out.nz; ++k)
    for (int j = 0; j < out.ny; ++j)
      for (int i = 0; i < out.nx; ++i) out(i, j, k) = g(b.i0 + i, b.j0 + j, b.k0 + k);
  return out;
}

// PET (or any image) statistics over the voxels whose centres lie in a region.
struct Stats {
  double mean = 0, sd = 0, max = 0;
  int n = 0;
};
Stats sphereStats(const ImageView& image, const Vec3& centre, double radius);
// A cylinder of `radius` along the unit vector `axis`, `half_length` either side of `centre`.
Stats cylinderStats(const ImageView& image, const Vec3& centre, const Vec3& axis, double radius,
                    double half_length);

}  // namespace recap::reference::detail
