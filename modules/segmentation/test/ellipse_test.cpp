// Carrying an outline across a contact along the ellipse of its CT-drawn part, checked on an outline
// whose true ellipse is known.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "../src/ellipse.h"

namespace recap::segmentation::detail {
namespace {

constexpr double kPi = 3.14159265358979323846;

// One slice of 0.8 mm pixels holding an ellipse of semi-axes 10 x 7 mm along x and y, its centre
// off the voxel grid. Its outline is drawn in three parts, by the ellipse's parameter t (x = a cos t,
// y = b sin t): around the tip at +x (|t| <= 0.38 pi, about 36 % of the outline) a contact, where the
// CT has no say and a split has cut the tip flat 2.5 mm inside it; next to it (0.38 pi < t <= 0.75
// pi, about 20 %) a part a local rule placed (beside a thin fat plane: the CT's full say, left
// alone by the ellipse); the rest (about 44 %) drawn by the CT.
struct Slice {
  Dims d;
  std::vector<float> fraction, w_ct;
  std::vector<uint8_t> may_grow;
  double cx = 25.3, cy = 24.9, a = 10, b = 7, px = 0.8;
  double tipCut() const { return cx + a - 2.5; }
};

Slice contactSlice() {
  Slice s;
  s.d.n = {64, 64, 1};
  s.d.mm = {s.px, s.px, 5.0};
  const size_t n = s.d.count();
  s.fraction.assign(n, 0.0f);
  s.w_ct.assign(n, 1.0f);
  s.may_grow.assign(n, 1);
  for (long j = 0; j < s.d.n[1]; ++j)
    for (long i = 0; i < s.d.n[0]; ++i) {
      const double x = double(i) * s.px - s.cx, y = double(j) * s.px - s.cy;
      // Signed distance to the ellipse (first order, exact enough within a few voxels of it).
      const double f = x * x / (s.a * s.a) + y * y / (s.b * s.b) - 1;
      const double g = std::hypot(2 * x / (s.a * s.a), 2 * y / (s.b * s.b));
      const double dist = g > 1e-9 ? f / g : -s.b;
      double frac = std::clamp(0.5 - dist / s.px, 0.0, 1.0);
      const double t = std::atan2(y / s.b, x / s.a);
      const size_t v = s.d.at(i, j, 0);
      if (std::abs(t) <= 0.38 * kPi) {
        s.w_ct[v] = 0;
        frac = std::min(frac, std::clamp(0.5 - (x + s.cx - s.tipCut()) / s.px, 0.0, 1.0));
      } else if (t > 0.38 * kPi && t <= 0.75 * kPi) {
        s.may_grow[v] = kLeftAlone;
      }
      s.fraction[v] = float(frac);
    }
  return s;
}

// Where the outline (the fraction's 0.5 level) crosses the row through the centre on the +x side (mm).
double tipOnCentreRow(const Slice& s) {
  const long j = std::lround(s.cy / s.px);
  double tip = 0;
  for (long i = 0; i + 1 < s.d.n[0]; ++i) {
    const float f0 = s.fraction[s.d.at(i, j, 0)], f1 = s.fraction[s.d.at(i + 1, j, 0)];
    if (f0 >= 0.5f && f1 < 0.5f) tip = (double(i) + (0.5 - f0) / (double(f1) - f0)) * s.px;
  }
  return tip;
}

TEST(Ellipse, CarriesTheOutlineAcrossAContactToTheTrueTip) {
  Slice s = contactSlice();
  ASSERT_NEAR(tipOnCentreRow(s), s.tipCut(), 0.05);  // the split's flat cut, before
  const std::vector<float> before = s.fraction;
  completeAlongEllipses(s.fraction, s.w_ct, s.d, s.may_grow);
  // On the centre row the true ellipse crosses at cx + a: the tip the split cut off is back. The
  // points a local rule placed count among those the CT draws (64 % of the outline with them; 55 %
  // without, under the 60 % the ellipse needs, and the tip stayed 2.5 mm short).
  EXPECT_NEAR(tipOnCentreRow(s), s.cx + s.a, 0.2);
  // The voxels the local rule placed are left as they were.
  for (size_t v = 0; v < s.fraction.size(); ++v) {
    if (s.may_grow[v] != kLeftAlone) continue;
    ASSERT_EQ(s.fraction[v], before[v]) << "voxel " << v;
  }
}

TEST(Ellipse, LeavesAnOutlineMostlyDrawnElsewhereAsItIs) {
  // With the CT's part and the local rule's part given no say, under 60 % of the outline is the
  // CT's: no ellipse is drawn and the flat cut stays.
  Slice s = contactSlice();
  for (size_t v = 0; v < s.w_ct.size(); ++v)
    if (s.may_grow[v] == kLeftAlone) {
      s.w_ct[v] = 0;
      s.may_grow[v] = 1;
    }
  const std::vector<float> before = s.fraction;
  completeAlongEllipses(s.fraction, s.w_ct, s.d, s.may_grow);
  EXPECT_EQ(s.fraction, before);
}

}  // namespace
}  // namespace recap::segmentation::detail
