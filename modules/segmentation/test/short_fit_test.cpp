// A lesion short for its slices fitted as an ellipsoid to its slabs' pixels (short_fit.h), on
// ellipsoids rendered independently of the fit's model: each pixel the share of its volume inside
// (8 x 8 sub-samples in-plane, 50 along the slab), the section through each slice's centre known.
#include "../src/short_fit.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace recap::segmentation::detail {
namespace {

struct Box {
  long nx = 40, ny = 40, nz = 3;
  double px = 0.9, t = 5;
  std::vector<float> v;
};

// Slices 0-2, each a slab t thick about z = k t; fat at -90 HU, the lesion at 40, noise added.
Box render(const ZEllipsoid& e, double noise, unsigned seed) {
  Box b;
  b.v.resize(size_t(b.nx * b.ny * b.nz));
  std::mt19937 rng(seed);
  std::normal_distribution<double> g(0, noise);
  const double ca = std::cos(e.angle), sa = std::sin(e.angle);
  for (long k = 0; k < b.nz; ++k)
    for (long j = 0; j < b.ny; ++j)
      for (long i = 0; i < b.nx; ++i) {
        int hits = 0;
        for (int si = 0; si < 8; ++si)
          for (int sj = 0; sj < 8; ++sj) {
            const double x = (double(i) + (si + 0.5) / 8 - 0.5) * b.px - e.cx;
            const double y = (double(j) + (sj + 0.5) / 8 - 0.5) * b.px - e.cy;
            const double u = (x * ca + y * sa) / e.a, w = (-x * sa + y * ca) / e.b;
            for (int sz = 0; sz < 50; ++sz) {
              const double z = double(k) * b.t + ((sz + 0.5) / 50 - 0.5) * b.t - e.ze;
              hits += u * u + w * w + (z / e.c) * (z / e.c) <= 1;
            }
          }
        const double share = hits / 3200.0;
        b.v[size_t((k * b.ny + j) * b.nx + i)] = float(-90 + 130 * share + g(rng));
      }
  return b;
}

ShortFit fit(const Box& b, const ZEllipsoid& truth, double prior) {
  const BoxPixels ct{b.v.data(), b.nx, b.ny, b.nz, b.px, b.px, b.t};
  // From an outline a little inside the truth's equator, off centre, the equator at slice 1's centre.
  const ZEllipsoid start{truth.cx + 0.4, truth.cy - 0.3, 0.9 * truth.a, 0.9 * truth.b, truth.angle + 0.1, b.t,
                         0.9 * truth.b};
  return fitShortEllipsoid(ct, nullptr, {0, 1, 2}, start, 2.7, prior);
}

TEST(ShortFit, FindsAnEllipsoidShortForItsSlicesWithoutNoise) {
  // A 12 x 8 x 8 mm node, its equator 1.4 mm above slice 1's centre: slice 1 holds most of it.
  const ZEllipsoid truth{18, 17, 6, 4, 0.5, 5 + 1.4, 4};
  const ShortFit f = fit(render(truth, 0, 1), truth, 0);
  ASSERT_TRUE(f.ok);
  EXPECT_NEAR(f.e.a, 6, 0.1);
  EXPECT_NEAR(f.e.b, 4, 0.1);
  EXPECT_NEAR(f.e.ze, 6.4, 0.1);
  EXPECT_NEAR(f.e.c, 4, 0.15);
  EXPECT_NEAR(f.outside, -90, 1);
  EXPECT_NEAR(f.inside, 40, 4);
  // The section through slice 1's centre, the truth a reader measures: 2 a sqrt(1 - 1.4^2 / 16).
  EXPECT_NEAR(2 * f.e.a * f.e.sectionScale(5), 12 * std::sqrt(1 - 1.4 * 1.4 / 16), 0.1);
}

TEST(ShortFit, SectionThroughTheSliceCentreUnderNoise) {
  // 12 HU of noise against 130 HU of contrast, as the phantom's fat; equators at 0-2 mm from slice
  // 1's centre; a 14 x 10 x 8 mm node, whose half-length (4 mm) is not its short semi-axis (5 mm):
  // the prior (1 mm, as segmentation uses) holds it only where the pixels leave it open: the section's
  // mean error +0.12 mm here, the worst 0.57. Without the prior a fit runs off (mean -2.26, worst
  // 12.1 mm), which fails the limits below.
  double sum = 0, worst = 0;
  int runs = 0;
  for (double dz : {0.0, 0.5, 1.0, 1.5, 2.0})
    for (unsigned seed = 1; seed <= 3; ++seed) {
      const ZEllipsoid truth{18, 17, 7, 5, 0.3 * seed, 5 + dz, 4};
      const ShortFit f = fit(render(truth, 12, seed), truth, 12 / 1.0);
      ASSERT_TRUE(f.ok) << dz << " " << seed;
      const double err = 2 * f.e.a * f.e.sectionScale(5) - 14 * truth.sectionScale(5);
      sum += err;
      worst = std::max(worst, std::abs(err));
      ++runs;
    }
  EXPECT_LT(std::abs(sum / runs), 0.15);
  EXPECT_LT(worst, 0.6);
}

TEST(ShortFit, TooFewPixelsIsNotAFit) {
  const ZEllipsoid truth{18, 17, 6, 4, 0.5, 6.4, 4};
  const Box b = render(truth, 0, 1);
  std::vector<uint8_t> use(b.v.size(), 0);
  const BoxPixels ct{b.v.data(), b.nx, b.ny, b.nz, b.px, b.px, b.t};
  EXPECT_FALSE(fitShortEllipsoid(ct, use.data(), {0, 1, 2}, truth, 2.7, 0).ok);
}

}  // namespace
}  // namespace recap::segmentation::detail
