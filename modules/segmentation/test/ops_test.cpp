// The array operations segmentation is built on, checked on shapes whose answers are known.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "../src/ops.h"

namespace recap::segmentation::detail {
namespace {

Dims dims(long nx, long ny, long nz, double sx, double sy, double sz) {
  Dims d;
  d.n = {nx, ny, nz};
  d.mm = {sx, sy, sz};
  return d;
}

TEST(Distance, MatchesBruteForceWithAnisotropicSpacing) {
  const Dims d = dims(17, 13, 7, 0.8, 1.1, 3.0);
  Mask m(d.count(), 1);
  const long holes[][3] = {{3, 4, 2}, {12, 9, 5}, {8, 1, 0}};
  for (auto& h : holes) m[d.at(h[0], h[1], h[2])] = 0;
  const auto dist = distanceInside(m, d, false);
  for (long k = 0; k < d.n[2]; ++k)
    for (long j = 0; j < d.n[1]; ++j)
      for (long i = 0; i < d.n[0]; ++i) {
        double best = 1e30;
        for (auto& h : holes) {
          const double dx = (i - h[0]) * 0.8, dy = (j - h[1]) * 1.1, dz = (k - h[2]) * 3.0;
          best = std::min(best, dx * dx + dy * dy + dz * dz);
        }
        ASSERT_NEAR(dist[d.at(i, j, k)], best, 1e-3) << i << "," << j << "," << k;
      }
}

TEST(Distance, InPlaneIgnoresOtherSlices) {
  const Dims d = dims(9, 9, 3, 1, 1, 1);
  Mask m(d.count(), 1);
  m[d.at(4, 4, 0)] = 0;  // a hole on slice 0 only
  m[d.at(0, 0, 1)] = 0;  // and one on slice 1
  const auto dist = distanceInside(m, d, true);
  EXPECT_NEAR(dist[d.at(4, 6, 0)], 4.0, 1e-6);
  EXPECT_NEAR(dist[d.at(3, 4, 1)], 9 + 16, 1e-6);  // to (0,0) on its own slice, not (4,4) on slice 0
}

TEST(Watershed, SplitsTwoBallsJoinedByANeckAndKeepsOneBall) {
  const Dims d = dims(60, 30, 30, 1, 1, 1);
  Mask m(d.count(), 0);
  for (long k = 0; k < 30; ++k)
    for (long j = 0; j < 30; ++j)
      for (long i = 0; i < 60; ++i) {
        const double a = std::hypot(std::hypot(i - 17.0, j - 15.0), k - 15.0);
        const double b = std::hypot(std::hypot(i - 41.0, j - 15.0), k - 15.0);
        const bool neck = i >= 25 && i <= 33 && std::hypot(j - 15.0, k - 15.0) <= 2.0;
        m[d.at(i, j, k)] = a <= 10 || b <= 10 || neck;
      }
  auto depth = distanceInside(m, d, false);
  for (float& v : depth) v = std::sqrt(v);
  const auto label = watershedByDynamics(depth, m, d, 2.0f);
  EXPECT_NE(label[d.at(17, 15, 15)], label[d.at(41, 15, 15)]);
  EXPECT_EQ(label[d.at(17, 15, 15)], label[d.at(10, 15, 15)]);
  // A shallow bump does not stand alone: with h above its dynamics both balls merge.
  const auto merged = watershedByDynamics(depth, m, d, 20.0f);
  EXPECT_EQ(merged[d.at(17, 15, 15)], merged[d.at(41, 15, 15)]);
}

TEST(Holes, FilledInPlaneOnly) {
  const Dims d = dims(7, 7, 2, 1, 1, 1);
  Mask m(d.count(), 0);
  for (long j = 1; j <= 5; ++j)
    for (long i = 1; i <= 5; ++i) m[d.at(i, j, 0)] = (i == 1 || i == 5 || j == 1 || j == 5);
  m[d.at(3, 3, 1)] = 0;
  fillHolesInPlane(m, d);
  EXPECT_EQ(m[d.at(3, 3, 0)], 1);
  EXPECT_EQ(m[d.at(0, 0, 0)], 0);
  EXPECT_EQ(m[d.at(3, 3, 1)], 0);
}

TEST(Smooth, KeepsAConstantAndSpreadsAnImpulseAsAGaussian) {
  const Dims d = dims(41, 41, 1, 0.5, 0.5, 3);
  std::vector<float> v(d.count(), 7.0f);
  smoothInPlane(v, d, 1.0);
  for (float x : v) ASSERT_NEAR(x, 7.0f, 1e-4);
  std::vector<float> imp(d.count(), 0.0f);
  imp[d.at(20, 20, 0)] = 1;
  smoothInPlane(imp, d, 1.0);
  // sigma 1 mm = 2 samples: the 2-D peak is about 1 / (2 pi 4).
  EXPECT_NEAR(imp[d.at(20, 20, 0)], 1 / (2 * M_PI * 4), 2e-3);
  EXPECT_NEAR(imp[d.at(22, 20, 0)] / imp[d.at(20, 20, 0)], std::exp(-0.5), 1e-2);
}

TEST(Smooth, AcrossSlicesSpreadsAlongZOnly) {
  const Dims d = dims(5, 5, 21, 0.7, 0.7, 1.0);
  std::vector<float> imp(d.count(), 0.0f);
  imp[d.at(2, 2, 10)] = 1;
  smoothAcrossSlices(imp, d, 2.0);
  // sigma 2 mm = 2 slices: the 1-D peak is 1 / (sqrt(2 pi) 2).
  EXPECT_NEAR(imp[d.at(2, 2, 10)], 1 / (std::sqrt(2 * M_PI) * 2), 2e-3);
  EXPECT_NEAR(imp[d.at(2, 2, 12)] / imp[d.at(2, 2, 10)], std::exp(-0.5), 1e-2);
  EXPECT_EQ(imp[d.at(1, 2, 10)], 0.0f);
  EXPECT_EQ(imp[d.at(2, 3, 12)], 0.0f);
}

// The share of a 2-D Gaussian (sigma s) centred on a disc's outline that falls inside the disc
// (radius r), by integrating on a fine grid: the truth blurAtOutline is checked against.
double gaussianShareOfDiscAtItsEdge(double r, double s) {
  const double h = 0.02;
  double in = 0, all = 0;
  for (double y = -5 * s; y <= 5 * s; y += h)
    for (double x = -5 * s; x <= 5 * s; x += h) {
      const double w = std::exp(-(x * x + y * y) / (2 * s * s));
      all += w;
      if ((x + r) * (x + r) + y * y <= r * r) in += w;
    }
  return in / all;
}

// A cylinder of radius r (mm) along z, as partial-volume fractions (16 x 16 subsamples per voxel),
// or the box outside it (`hole`).
std::vector<float> cylinder(const Dims& d, double cx, double cy, double r, bool hole) {
  std::vector<float> f(d.count());
  for (long j = 0; j < d.n[1]; ++j)
    for (long i = 0; i < d.n[0]; ++i) {
      int in = 0;
      for (int b = 0; b < 16; ++b)
        for (int a = 0; a < 16; ++a) {
          const double x = (double(i) + (a + 0.5) / 16 - 0.5) * d.mm[0] - cx;
          const double y = (double(j) + (b + 0.5) / 16 - 0.5) * d.mm[1] - cy;
          in += x * x + y * y <= r * r;
        }
      const float share = float(in) / 256.0f;
      for (long k = 0; k < d.n[2]; ++k) f[d.at(i, j, k)] = hole ? 1 - share : share;
    }
  return f;
}

TEST(BlurAtOutline, HalfAtAStraightEdgeLessAtAConvexOneMoreInAConcaveOne) {
  const Dims d = dims(61, 61, 9, 0.8, 0.8, 3.0);
  const double sigma = 3.0;
  // A straight edge at x = 20.2 mm, across the whole box.
  std::vector<float> half(d.count());
  for (long k = 0; k < d.n[2]; ++k)
    for (long j = 0; j < d.n[1]; ++j)
      for (long i = 0; i < d.n[0]; ++i)
        half[d.at(i, j, k)] = float(std::clamp(20.2 - (double(i) - 0.5) * d.mm[0], 0.0, d.mm[0]) / d.mm[0]);
  const std::vector<float> straight = blurAtOutline(half, d, sigma, sigma);
  EXPECT_NEAR(straight[d.at(25, 30, 4)], 0.5, 0.02);
  EXPECT_TRUE(std::isnan(straight[d.at(50, 30, 4)])) << "far from the outline";
  // A disc of radius 6 mm (convex: the blur gathers less of it) and a hole of the same radius
  // (concave: more, 1 minus the disc's share), both against the integral.
  const double cx = 30 * d.mm[0], cy = 30 * d.mm[1], r = 6.0;
  const double share = gaussianShareOfDiscAtItsEdge(r, sigma);
  ASSERT_LT(share, 0.45);
  const std::vector<float> disc = blurAtOutline(cylinder(d, cx, cy, r, false), d, sigma, sigma);
  const std::vector<float> hole = blurAtOutline(cylinder(d, cx, cy, r, true), d, sigma, sigma);
  const size_t at_edge = d.at(30 + long(std::lround(r / d.mm[0])), 30, 4);
  EXPECT_NEAR(disc[at_edge], share, 0.01);
  EXPECT_NEAR(hole[at_edge], 1 - share, 0.01);
}

TEST(Valleys, AThinFatPlaneBetweenTwoTissuesIsAValleyAStepIsNot) {
  // Soft tissue (40 HU) | a fat plane blurred to -10 HU, 2 voxels wide | soft tissue; and on the
  // next slice a plain step from soft tissue to fat.
  const Dims d = dims(30, 5, 2, 0.8, 0.8, 3);
  std::vector<float> v(d.count(), 40.0f);
  for (long j = 0; j < 5; ++j) {
    v[d.at(14, j, 0)] = v[d.at(15, j, 0)] = -10.0f;
    for (long i = 15; i < 30; ++i) v[d.at(i, j, 1)] = -100.0f;
  }
  const Mask valley = valleysInPlane(v, d, 20.0f, 2.5);
  for (long j = 0; j < 5; ++j) {
    EXPECT_EQ(valley[d.at(14, j, 0)], 1) << j;
    EXPECT_EQ(valley[d.at(15, j, 0)], 1) << j;
    EXPECT_EQ(valley[d.at(10, j, 0)], 0) << j;
    for (long i = 0; i < 30; ++i) EXPECT_EQ(valley[d.at(i, j, 1)], 0) << i << "," << j;
  }
  // A dip shallower than the depth asked for is noise, not a plane of fat.
  const Mask shallow = valleysInPlane(v, d, 60.0f, 2.5);
  EXPECT_EQ(shallow[d.at(14, 2, 0)], 0);
}

// Fat | partial volume | liver along x (a ramp from -90 to 60 HU over three voxels), and on another
// slice a hypodense lesion's edge against the liver (35 to 60 HU) and against fat (-90 to 35 HU).
TEST(Junctions, FindTheVoxelsBetweenFatAndDenserTissueOnly) {
  Dims d;
  d.n = {20, 5, 3};
  d.mm = {0.9, 0.9, 3};
  std::vector<float> v(d.count());
  const float ramp[20] = {-90, -90, -90, -90, -90, -90, -40, 10, 40, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60};
  const float liver_edge[20] = {35, 35, 35, 35, 35, 35, 35, 35, 40, 47, 55, 60, 60, 60, 60, 60, 60, 60, 60, 60};
  const float fat_edge[20] = {-90, -90, -90, -90, -90, -90, -50, 0, 30, 35, 35, 35, 35, 35, 35, 35, 35, 35, 35, 35};
  for (long j = 0; j < 5; ++j)
    for (long i = 0; i < 20; ++i) {
      v[d.at(i, j, 0)] = ramp[i];
      v[d.at(i, j, 1)] = liver_edge[i];
      v[d.at(i, j, 2)] = fat_edge[i];
    }
  const Mask all(d.count(), 1);
  const float lesion = 35;
  const Mask j2 = junctionsInPlane(v, d, lesion - 25, lesion + 12, 2, all);
  for (long j = 0; j < 5; ++j) {
    // 10 and 40 HU lie between fat (-40 and below) and liver (60) within two voxels; -40 HU has
    // the liver three voxels away.
    EXPECT_EQ(j2[d.at(7, j, 0)], 1) << j;
    EXPECT_EQ(j2[d.at(8, j, 0)], 1) << j;
    EXPECT_EQ(j2[d.at(6, j, 0)], 0) << j;
    // Deep in the fat or the liver: not a junction.
    EXPECT_EQ(j2[d.at(2, j, 0)], 0) << j;
    EXPECT_EQ(j2[d.at(13, j, 0)], 0) << j;
    // A lesion's own edges, against the liver or against fat, are not junctions.
    for (long i = 0; i < 20; ++i) {
      EXPECT_EQ(j2[d.at(i, j, 1)], 0) << i << "," << j;
      EXPECT_EQ(j2[d.at(i, j, 2)], 0) << i << "," << j;
    }
  }
  // One voxel of reach does not see across a ramp of three voxels.
  const Mask j1 = junctionsInPlane(v, d, lesion - 25, lesion + 12, 1, all);
  EXPECT_EQ(j1[d.at(8, 2, 0)], 0);
  EXPECT_EQ(j1[d.at(7, 2, 0)], 0);
  // Only where asked.
  Mask none(d.count(), 0);
  const Mask j0 = junctionsInPlane(v, d, lesion - 25, lesion + 12, 2, none);
  EXPECT_EQ(j0[d.at(7, 2, 0)], 0);
}

// A lesion 25 HU below the liver whose cross-sections are the same ellipse (20 x 14 mm semi-axes)
// scaled by 0.70, 0.92, 1.00 and 0.95 on four slices and shifted from slice to slice, its edge a
// smooth ramp. Pooled along the shape, each slice's edge stays where it was; a neighbour counts only
// within 0.85-1/0.85 of the slice's scale; independent noise shrinks by about the root of the slices.
TEST(Pool, AveragesNeighbouringSlicesAlongTheLesionsShape) {
  const Dims d = dims(61, 61, 4, 1.0, 1.0, 3.0);
  const double scale[4] = {0.70, 0.92, 1.00, 0.95}, cx[4] = {30, 31.5, 29.2, 30.6}, cy[4] = {30, 29.1, 30.4, 31.3};
  std::vector<float> clean(d.count()), noisy(d.count());
  Mask region(d.count()), all(d.count(), 1);
  std::mt19937 rng(11);
  std::normal_distribution<double> noise(0, 3.0);
  for (long k = 0; k < 4; ++k)
    for (long j = 0; j < 61; ++j)
      for (long i = 0; i < 61; ++i) {
        const double x = (double(i) - cx[k]) / (20 * scale[k]), y = (double(j) - cy[k]) / (14 * scale[k]);
        const double rho = std::hypot(x, y);  // 1 on the edge
        const double out_mm = (rho - 1) * 14 * scale[k];  // roughly the distance outside the edge
        const size_t v = d.at(i, j, k);
        clean[v] = float(35 + 25 / (1 + std::exp(-out_mm / 0.8)));
        noisy[v] = float(clean[v] + noise(rng));
        region[v] = rho < 1;
      }
  std::vector<uint8_t> slices;
  const std::vector<float> pooled = poolAlongShape(clean, region, all, d, 0.85, slices);
  // Slice 2 has both neighbours (0.92, 0.95), slice 1 only slice 2 (slice 0 is 0.76 of it), slice
  // 0 none (slice 1 is 1.31 of it), slice 3 only slice 2.
  EXPECT_EQ(slices[d.at(30, 30, 2)], 3);
  EXPECT_EQ(slices[d.at(30, 30, 1)], 2);
  EXPECT_EQ(slices[d.at(30, 30, 0)], 1);
  EXPECT_EQ(slices[d.at(30, 30, 3)], 2);
  EXPECT_EQ(pooled[d.at(30, 30, 0)], clean[d.at(30, 30, 0)]);
  // Near the edge (within 3 mm) of slice 2, the pooled CT is the slice's own within 1.5 HU (the
  // ramp rises 7.8 HU per mm there: 0.2 mm): the neighbours' edges are mapped onto its edge.
  size_t edge = 0;
  for (long j = 0; j < 61; ++j)
    for (long i = 0; i < 61; ++i) {
      const size_t v = d.at(i, j, 2);
      if (std::abs(clean[v] - 47.5f) > 10) continue;
      ++edge;
      EXPECT_NEAR(pooled[v], clean[v], 1.5) << i << "," << j;
    }
  EXPECT_GT(edge, 100u);
  // Where nothing is asked, nothing is pooled.
  std::vector<uint8_t> none_slices;
  const std::vector<float> none = poolAlongShape(clean, region, Mask(d.count(), 0), d, 0.85, none_slices);
  EXPECT_EQ(none, clean);
  EXPECT_EQ(none_slices[d.at(30, 30, 2)], 1);
  // Noise: three slices' worth on slice 2 (bilinear sampling of the neighbours averages a little more).
  const std::vector<float> pooled_noisy = poolAlongShape(noisy, region, all, d, 0.85, slices);
  double sum2 = 0;
  size_t count = 0;
  for (long j = 5; j < 56; ++j)
    for (long i = 5; i < 56; ++i) {
      const size_t v = d.at(i, j, 2);
      const double e = pooled_noisy[v] - pooled[v];
      sum2 += e * e;
      ++count;
    }
  const double sd = std::sqrt(sum2 / double(count));
  EXPECT_LT(sd, 3.0 / std::sqrt(3.0) + 0.1);
  EXPECT_GT(sd, 3.0 / 3.0);
  // Areas given per slice decide instead of the region's voxels: slice 3 given as 0.80 of slice 2's
  // scale leaves slice 2 with slice 1 alone, and slice 3 with none.
  const double ref = 20 * 14 * 3.14159;
  const std::vector<double> areas{ref * 0.70 * 0.70, ref * 0.92 * 0.92, ref, ref * 0.80 * 0.80};
  const std::vector<float> given = poolAlongShape(clean, region, all, d, 0.85, slices, &areas);
  EXPECT_EQ(slices[d.at(30, 30, 2)], 2);
  EXPECT_EQ(slices[d.at(30, 30, 1)], 2);
  EXPECT_EQ(slices[d.at(30, 30, 3)], 1);
  EXPECT_EQ(given[d.at(30, 30, 3)], clean[d.at(30, 30, 3)]);
}

}  // namespace
}  // namespace recap::segmentation::detail
