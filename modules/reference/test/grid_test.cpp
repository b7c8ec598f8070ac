// The plain C++ image operations under the finders, against brute force and hand-computed values.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "../src/grid.h"

namespace recap::reference::detail {
namespace {

TEST(Grid, DistanceTransformMatchesBruteForce) {
  const int nx = 17, ny = 13, nz = 9;
  const Vec3 spacing{0.8, 1.3, 3.0};
  std::mt19937 rng(7);
  std::vector<uint8_t> feature(size_t(nx) * ny * nz, 0);
  for (auto& f : feature) f = (rng() % 23) == 0;
  for (bool border : {false, true}) {
    const std::vector<float> d2 = distanceSquared(feature, nx, ny, nz, spacing, border);
    for (int k = 0; k < nz; ++k)
      for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i) {
          double best = std::numeric_limits<double>::infinity();
          for (int c = 0; c < nz; ++c)
            for (int b = 0; b < ny; ++b)
              for (int a = 0; a < nx; ++a)
                if (feature[(size_t(c) * ny + b) * nx + a])
                  best = std::min(best, std::pow((a - i) * spacing[0], 2) + std::pow((b - j) * spacing[1], 2) +
                                            std::pow((c - k) * spacing[2], 2));
          if (border) {
            best = std::min({best, std::pow((i + 1) * spacing[0], 2), std::pow((nx - i) * spacing[0], 2),
                             std::pow((j + 1) * spacing[1], 2), std::pow((ny - j) * spacing[1], 2),
                             std::pow((k + 1) * spacing[2], 2), std::pow((nz - k) * spacing[2], 2)});
          }
          ASSERT_NEAR(d2[(size_t(k) * ny + j) * nx + i], best, 1e-3 * (1 + best)) << i << " " << j << " " << k;
        }
  }
}

TEST(Grid, BoxMeanMatchesBruteForceWithClampedEdges) {
  FloatGrid g;
  g.reset(7, 6, 5, {0, 0, 0}, {1, 1, 1}, 0.0f);
  std::mt19937 rng(3);
  for (float& v : g.v) v = static_cast<float>(rng() % 1000) / 10.0f;
  const FloatGrid m = boxMean(g, 2, 1, 1);
  for (int k = 0; k < g.nz; ++k)
    for (int j = 0; j < g.ny; ++j)
      for (int i = 0; i < g.nx; ++i) {
        double sum = 0;
        for (int c = -1; c <= 1; ++c)
          for (int b = -1; b <= 1; ++b)
            for (int a = -2; a <= 2; ++a)
              sum += g(std::clamp(i + a, 0, g.nx - 1), std::clamp(j + b, 0, g.ny - 1), std::clamp(k + c, 0, g.nz - 1));
        ASSERT_NEAR(m(i, j, k), sum / 45, 1e-3) << i << " " << j << " " << k;
      }
}

TEST(Grid, DistanceTransformWithoutFeatureIsInfinite) {
  const std::vector<uint8_t> none(24, 0);
  for (float d : distanceSquared(none, 4, 3, 2, {1, 1, 1}, false)) EXPECT_TRUE(std::isinf(d));
}

TEST(Grid, ComponentsAreSixConnected) {
  // Two voxels touching by an edge only are separate; a face-connected L is one component.
  const int nx = 4, ny = 4, nz = 2;
  std::vector<uint8_t> m(size_t(nx) * ny * nz, 0);
  auto at = [&](int i, int j, int k) -> uint8_t& { return m[(size_t(k) * ny + j) * nx + i]; };
  at(0, 0, 0) = at(1, 1, 0) = 1;                  // diagonal: 2 components
  at(3, 0, 0) = at(3, 1, 0) = at(3, 1, 1) = 1;    // face-connected across slices: 1 component
  const Components c = connectedComponents(m, nx, ny, nz);
  ASSERT_EQ(c.count(), 3);
  EXPECT_EQ(c.labels[(size_t(1) * ny + 1) * nx + 3], c.labels[3]);
  EXPECT_NE(c.labels[0], c.labels[size_t(1) * nx + 1]);
}

TEST(Grid, BinningIsExactForFlippedAxes) {
  // A 6 x 4 x 3 image, rows towards -x, slices towards -z (feet first), value = physical x + 10 y + 100 z.
  const int nx = 6, ny = 4, nz = 3;
  const Vec3 origin{50, -20, 30}, spacing{0.5, 0.5, 3};
  const std::array<double, 9> direction{-1, 0, 0, 0, 1, 0, 0, 0, -1};
  std::vector<float> data(size_t(nx) * ny * nz);
  ImageView probe = makeView(data.data(), {nx, ny, nz}, origin, spacing, direction);
  for (int k = 0; k < nz; ++k)
    for (int j = 0; j < ny; ++j)
      for (int i = 0; i < nx; ++i) {
        const Vec3 p = probe.point(i, j, k);
        data[probe.index(i, j, k)] = static_cast<float>(p[0] + 10 * p[1] + 100 * p[2]);
      }
  const FloatGrid g = binToLps(probe, 1.0, 2.5, -1000);  // 2 x 2 binning in-plane, slices kept
  ASSERT_EQ(g.nx, 3);
  ASSERT_EQ(g.ny, 2);
  ASSERT_EQ(g.nz, 3);
  EXPECT_DOUBLE_EQ(g.spacing[0], 1.0);
  EXPECT_DOUBLE_EQ(g.spacing[2], 3.0);
  for (int k = 0; k < g.nz; ++k)
    for (int j = 0; j < g.ny; ++j)
      for (int i = 0; i < g.nx; ++i) {
        const Vec3 p = g.point(i, j, k);  // the bin mean of a linear function is its value at the bin centre
        EXPECT_NEAR(g(i, j, k), p[0] + 10 * p[1] + 100 * p[2], 1e-3);
      }
  EXPECT_NEAR(g.z(0), 24, 1e-9);  // lowest slice first
  EXPECT_NEAR(g.x(0), 47.75, 1e-9);
}

TEST(Grid, SphereStatsCountVoxelCentres) {
  const int n = 21;
  std::vector<float> data(size_t(n) * n * n);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<float>(i % 7);
  const ImageView v = makeView(data.data(), {n, n, n}, {-10, -10, -10}, {1, 1, 1}, {1, 0, 0, 0, 1, 0, 0, 0, 1});
  int count = 0;
  double sum = 0, mx = 0;
  for (int k = 0; k < n; ++k)
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < n; ++i) {
        const double dx = i - 10 - 0.3, dy = j - 10, dz = k - 10;
        if (dx * dx + dy * dy + dz * dz <= 36) {
          ++count;
          sum += data[v.index(i, j, k)];
          mx = std::max(mx, double(data[v.index(i, j, k)]));
        }
      }
  const Stats s = sphereStats(v, {0.3, 0, 0}, 6);
  EXPECT_EQ(s.n, count);
  EXPECT_NEAR(s.mean, sum / count, 1e-9);
  EXPECT_EQ(s.max, mx);
}

TEST(Grid, TrilinearSampleIsExactForLinearFunctions) {
  const int n = 5;
  std::vector<float> data(size_t(n) * n * n);
  const ImageView v = makeView(data.data(), {n, n, n}, {3, 4, 5}, {2, 2, 4}, {0, 1, 0, -1, 0, 0, 0, 0, 1});
  for (int k = 0; k < n; ++k)
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < n; ++i) {
        const Vec3 p = v.point(i, j, k);
        data[v.index(i, j, k)] = static_cast<float>(2 * p[0] - p[1] + 0.5 * p[2]);
      }
  const Vec3 p = v.point(1.3, 2.7, 0.4);
  EXPECT_NEAR(v.sample(p, -1), 2 * p[0] - p[1] + 0.5 * p[2], 1e-4);
  EXPECT_EQ(v.sample(v.point(-0.6, 0, 0), -1), -1);
  EXPECT_TRUE(v.contains(v.point(4.4, 0, 0)));
  EXPECT_FALSE(v.contains(v.point(4.6, 0, 0)));
}

}  // namespace
}  // namespace recap::reference::detail
