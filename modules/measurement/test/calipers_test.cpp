// LDi and SDi from outlines whose diameters are known exactly.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "recap/measurement/measure.h"

namespace recap::measurement {
namespace {

std::vector<Segment> ellipse(double cx, double cy, double a, double b, double rot_deg, int n = 720) {
  std::vector<Segment> s;
  const double c = std::cos(rot_deg * M_PI / 180), sn = std::sin(rot_deg * M_PI / 180);
  auto pt = [&](int i) {
    const double t = 2 * M_PI * i / n, x = a * std::cos(t), y = b * std::sin(t);
    return P2{cx + c * x - sn * y, cy + sn * x + c * y};
  };
  for (int i = 0; i < n; ++i) s.push_back({pt(i), pt(i + 1)});
  return s;
}

TEST(Diameters, EllipseAtAnyRotation) {
  for (double rot : {0.0, 17.0, 45.0, 90.0, 133.0}) {
    const Diameters d = diameters(ellipse(3, -2, 15, 9, rot));
    EXPECT_NEAR(d.ldi, 30, 0.01) << rot;
    EXPECT_NEAR(d.sdi, 18, 0.02) << rot;
    const double dot = (d.lb[0] - d.la[0]) * (d.sb[0] - d.sa[0]) + (d.lb[1] - d.la[1]) * (d.sb[1] - d.sa[1]);
    EXPECT_NEAR(dot, 0, 1e-6);
  }
}

TEST(Diameters, TwoSeparateOutlinesMeasureAsOneLesion) {
  // Two 10 mm circles 30 mm apart (centres): LDi spans both; SDi is a circle's diameter.
  auto a = ellipse(0, 0, 5, 5, 0), b = ellipse(30, 0, 5, 5, 0);
  a.insert(a.end(), b.begin(), b.end());
  const Diameters d = diameters(a);
  EXPECT_NEAR(d.ldi, 40, 0.01);
  EXPECT_NEAR(d.sdi, 10, 0.01);
}

TEST(IsoSegments, SubVoxelCircleFromAPartialVolumeDisc) {
  // A disc of radius 7.3 mm on a 1 mm grid, each sample the disc's area fraction of its pixel.
  const long n = 31;
  std::vector<float> f(size_t(n * n));
  for (long j = 0; j < n; ++j)
    for (long i = 0; i < n; ++i) {
      int in = 0;
      for (int u = 0; u < 10; ++u)
        for (int v = 0; v < 10; ++v) {
          const double x = i - 15 + (u + 0.5) / 10 - 0.5, y = j - 15 + (v + 0.5) / 10 - 0.5;
          in += x * x + y * y <= 7.3 * 7.3;
        }
      f[size_t(j * n + i)] = float(in / 100.0);
    }
  const Diameters d = diameters(isoSegments(f.data(), n, n, 1.0, 1.0, 0.5));
  // within a quarter of a pixel
  EXPECT_NEAR(d.ldi, 14.6, 0.25);
  EXPECT_NEAR(d.sdi, 14.6, 0.25);
}

TEST(IsoSegments, OutlinesAreClosedAlsoAtTheGridEdge) {
  // A blob touching the grid's edge: every segment end point is shared by exactly two segments.
  const long n = 9;
  std::vector<float> f(size_t(n * n), 0.0f);
  for (long j = 0; j < 5; ++j)
    for (long i = 0; i < 6; ++i) f[size_t(j * n + i)] = (i + j) % 3 == 0 ? 0.7f : 1.0f;
  f[size_t(2 * n + 7)] = 0.9f;  // and an island
  const auto s = isoSegments(f.data(), n, n, 0.8, 1.2, 0.5);
  std::map<std::pair<long, long>, int> ends;
  for (const auto& g : s)
    for (const P2& p : {g.a, g.b}) ++ends[{std::lround(p[0] * 1e6), std::lround(p[1] * 1e6)}];
  ASSERT_FALSE(ends.empty());
  for (const auto& e : ends) EXPECT_EQ(e.second, 2);
}

}  // namespace
}  // namespace recap::measurement
