// A lesion short for its slices fitted as an ellipsoid to its slabs' pixels (see short_fit.h).
#include "short_fit.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "outline_fit.h"

namespace recap::segmentation::detail {

namespace {

constexpr int kSub = 4;  // sub-samples per pixel side
constexpr int kParams = 7;

struct Pixel {
  double x, y, z, value;  // the pixel's centre (mm) and its slab's centre along z
};

std::array<double, kParams> toParams(const ZEllipsoid& e) { return {e.cx, e.cy, e.a, e.b, e.angle, e.ze, e.c}; }

ZEllipsoid fromParams(const std::array<double, kParams>& p) { return {p[0], p[1], p[2], p[3], p[4], p[5], p[6]}; }

// The slab's mean share of lesion over the pixel at (x, y), slab [z - t/2, z + t/2].
double slabShare(const ZEllipsoid& e, const Pixel& p, double sx, double sy, double t) {
  const double ca = std::cos(e.angle), sa = std::sin(e.angle);
  double sum = 0;
  for (int i = 0; i < kSub; ++i)
    for (int j = 0; j < kSub; ++j) {
      const double x = p.x + ((i + 0.5) / kSub - 0.5) * sx - e.cx, y = p.y + ((j + 0.5) / kSub - 0.5) * sy - e.cy;
      const double u = (x * ca + y * sa) / e.a, w = (-x * sa + y * ca) / e.b;
      const double q = 1 - u * u - w * w;
      if (q <= 0) continue;
      const double h = e.c * std::sqrt(q);
      const double lo = std::max(e.ze - h, p.z - t / 2), hi = std::min(e.ze + h, p.z + t / 2);
      if (hi > lo) sum += (hi - lo) / t;
    }
  return sum / (kSub * kSub);
}

// The residuals for `e`, the two levels solved by linear least squares; false if they are not
// determined.
bool residuals(const ZEllipsoid& e, const std::vector<Pixel>& px, double sx, double sy, double t, double prior,
               std::vector<double>& r, double& outside, double& inside) {
  const size_t n = px.size();
  std::vector<double> f(n);
  double sf = 0, sff = 0, sv = 0, sfv = 0;
  for (size_t q = 0; q < n; ++q) {
    f[q] = slabShare(e, px[q], sx, sy, t);
    sf += f[q];
    sff += f[q] * f[q];
    sv += px[q].value;
    sfv += f[q] * px[q].value;
  }
  const double det = double(n) * sff - sf * sf;
  if (!(det > 1e-9 * double(n) * double(n))) return false;
  const double contrast = (double(n) * sfv - sf * sv) / det;
  outside = (sv - contrast * sf) / double(n);
  inside = outside + contrast;
  r.resize(n + 1);
  for (size_t q = 0; q < n; ++q) r[q] = px[q].value - outside - contrast * f[q];
  r[n] = prior * (e.c - e.b);
  return true;
}

double sumSquares(const std::vector<double>& r) {
  double s = 0;
  for (double x : r) s += x * x;
  return s;
}

bool plausible(const ZEllipsoid& e) { return e.b > 0.3 && e.a >= e.b * 0.999 && e.c > 0.3; }

}  // namespace

double ZEllipsoid::sectionScale(double z) const {
  const double u = (z - ze) / c;
  return u * u < 1 ? std::sqrt(1 - u * u) : 0.0;
}

ShortFit fitShortEllipsoid(const BoxPixels& ct, const uint8_t* use, const std::vector<long>& slices,
                           const ZEllipsoid& start, double band_mm, double prior) {
  ShortFit fit;
  std::vector<Pixel> px;
  const double ca = std::cos(start.angle), sa = std::sin(start.angle);
  const double ra = start.a + band_mm, rb = start.b + band_mm;
  const size_t per = size_t(ct.nx) * size_t(ct.ny);
  for (long k : slices) {
    if (k < 0 || k >= ct.nz) continue;
    for (long j = 0; j < ct.ny; ++j)
      for (long i = 0; i < ct.nx; ++i) {
        const size_t v = size_t(k) * per + size_t(j * ct.nx + i);
        if (use && !use[v]) continue;
        const double x = double(i) * ct.sx, y = double(j) * ct.sy;
        const double u = ((x - start.cx) * ca + (y - start.cy) * sa) / ra;
        const double w = (-(x - start.cx) * sa + (y - start.cy) * ca) / rb;
        if (u * u + w * w <= 1) px.push_back({x, y, double(k) * ct.t, double(ct.v[v])});
      }
  }
  if (px.size() < 30) return fit;
  std::array<double, kParams> p = toParams(start);
  std::vector<double> r, r2;
  double outside = 0, inside = 0;
  if (!residuals(start, px, ct.sx, ct.sy, ct.t, prior, r, outside, inside)) return fit;
  double cost = sumSquares(r);
  const std::array<double, kParams> step = {0.01, 0.01, 0.01, 0.01, 0.002, 0.01, 0.01};
  double lambda = 1e-3;
  for (int it = 0; it < 60; ++it) {
    // The Jacobian by forward differences of the residuals (the levels solved anew each time).
    std::vector<std::array<double, kParams>> jac(r.size());
    bool any = true;
    for (int q = 0; q < kParams && any; ++q) {
      std::array<double, kParams> p2 = p;
      p2[size_t(q)] += step[size_t(q)];
      double o2 = 0, i2 = 0;
      any = residuals(fromParams(p2), px, ct.sx, ct.sy, ct.t, prior, r2, o2, i2);
      for (size_t m = 0; m < r.size() && any; ++m) jac[m][size_t(q)] = (r2[m] - r[m]) / step[size_t(q)];
    }
    if (!any) break;
    std::array<double, kParams * kParams> jtj{};
    std::array<double, kParams> jtr{};
    for (size_t m = 0; m < r.size(); ++m)
      for (int a = 0; a < kParams; ++a) {
        jtr[size_t(a)] -= jac[m][size_t(a)] * r[m];
        for (int b = 0; b < kParams; ++b) jtj[size_t(a * kParams + b)] += jac[m][size_t(a)] * jac[m][size_t(b)];
      }
    bool improved = false;
    for (int tries = 0; tries < 10 && !improved; ++tries) {
      std::vector<double> a(jtj.begin(), jtj.end());
      for (int q = 0; q < kParams; ++q) a[size_t(q * kParams + q)] *= 1 + lambda;
      std::vector<double> delta(jtr.begin(), jtr.end());
      if (!solveLinear(a, delta)) {
        lambda *= 10;
        continue;
      }
      std::array<double, kParams> p2 = p;
      for (int q = 0; q < kParams; ++q) p2[size_t(q)] += delta[size_t(q)];
      ZEllipsoid e2 = fromParams(p2);
      if (e2.a < e2.b) {  // the axes swap: the same ellipse turned a quarter
        std::swap(e2.a, e2.b);
        e2.angle += 1.5707963267948966;
        p2 = toParams(e2);
      }
      double o2 = 0, i2 = 0;
      if (plausible(e2) && residuals(e2, px, ct.sx, ct.sy, ct.t, prior, r2, o2, i2) && sumSquares(r2) < cost) {
        const double gain = cost - sumSquares(r2);
        p = p2;
        r = r2;
        outside = o2;
        inside = i2;
        cost = sumSquares(r2);
        lambda = std::max(1e-7, lambda / 10);
        improved = true;
        if (gain < 1e-6 * cost) it = 1000;  // settled
      } else {
        lambda *= 10;
      }
    }
    if (!improved) break;
  }
  fit.e = fromParams(p);
  fit.outside = outside;
  fit.inside = inside;
  fit.pixels = px.size();
  fit.rms = std::sqrt((cost - r.back() * r.back()) / double(px.size()));
  fit.ok = plausible(fit.e);
  return fit;
}

}  // namespace recap::segmentation::detail
