// A lesion's outline fitted to the CT's pixels as a whole (see outline_fit.h).
#include "outline_fit.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace recap::segmentation::detail {

bool solveLinear(std::vector<double> a, std::vector<double>& b) {
  const size_t n = b.size();
  for (size_t c = 0; c < n; ++c) {
    size_t piv = c;
    for (size_t r = c + 1; r < n; ++r)
      if (std::abs(a[r * n + c]) > std::abs(a[piv * n + c])) piv = r;
    if (std::abs(a[piv * n + c]) < 1e-12) return false;
    if (piv != c) {
      for (size_t k = 0; k < n; ++k) std::swap(a[c * n + k], a[piv * n + k]);
      std::swap(b[c], b[piv]);
    }
    for (size_t r = c + 1; r < n; ++r) {
      const double f = a[r * n + c] / a[c * n + c];
      if (f == 0) continue;
      for (size_t k = c; k < n; ++k) a[r * n + k] -= f * a[c * n + k];
      b[r] -= f * b[c];
    }
  }
  for (size_t c = n; c-- > 0;) {
    double s = b[c];
    for (size_t k = c + 1; k < n; ++k) s -= a[c * n + k] * b[k];
    b[c] = s / a[c * n + c];
  }
  return true;
}

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kRays = 128;
constexpr int kSub = 4;  // sub-samples per pixel side

// cos kt and sin kt for k = 1..K into the basis (1, cos t, sin t, cos 2t, ...).
void basisAt(double t, int order, std::vector<double>& b) {
  b.assign(size_t(2 * order + 1), 0.0);
  b[0] = 1;
  const double c1 = std::cos(t), s1 = std::sin(t);
  double ck = 1, sk = 0;
  for (int k = 1; k <= order; ++k) {
    const double c2 = ck * c1 - sk * s1, s2 = sk * c1 + ck * s1;
    ck = c2;
    sk = s2;
    b[size_t(2 * k - 1)] = ck;
    b[size_t(2 * k)] = sk;
  }
}

// A pixel's share inside the outline and its derivative along each of the outline's coefficients.
double shareAndGradient(const RadialOutline& o, long i, long j, double sx, double sy, double ramp,
                        std::vector<double>* grad, std::vector<double>& basis) {
  const int order = o.order();
  double share = 0;
  if (grad && !o.ellipse) grad->assign(o.c.size(), 0.0);
  for (int a = 0; a < kSub; ++a)
    for (int b = 0; b < kSub; ++b) {
      const double x = (double(i) + (a + 0.5) / kSub - 0.5) * sx - o.cx;
      const double y = (double(j) + (b + 0.5) / kSub - 0.5) * sy - o.cy;
      const double t = std::atan2(y, x);
      double r = 0;
      if (o.ellipse) {
        r = o.radius(t);
      } else {
        basisAt(t, order, basis);
        for (size_t q = 0; q < basis.size(); ++q) r += o.c[q] * basis[q];
      }
      const double s = 0.5 + (r - std::hypot(x, y)) / ramp;
      if (s >= 1) {
        share += 1;
      } else if (s > 0) {
        share += s;
        if (grad && !o.ellipse)
          for (size_t q = 0; q < basis.size(); ++q) (*grad)[q] += basis[q] / ramp;
      }
    }
  const double per = 1.0 / (kSub * kSub);
  if (grad && !o.ellipse)
    for (double& g : *grad) g *= per;
  return share * per;
}

// The outline's free parameters: a Fourier outline's coefficients (its centre stays), an ellipse's
// centre, semi-axes and angle.
std::vector<double> paramsOf(const RadialOutline& o) {
  if (!o.ellipse) return o.c;
  return {o.cx, o.cy, o.c[0], o.c[1], o.c[2]};
}
void setParams(RadialOutline& o, const std::vector<double>& p) {
  if (!o.ellipse) {
    o.c = p;
    return;
  }
  o.cx = p[0];
  o.cy = p[1];
  o.c = {p[2], p[3], p[4]};
}
bool valid(const RadialOutline& o) { return o.ellipse ? o.c[0] > 0 && o.c[1] > 0 : o.c[0] > 0; }

// One least-squares fit over `px` from `fit` (outline and levels); returns false if it fails. With
// `mean_radius_only`, of a Fourier outline only the mean radius moves (its shape stays).
bool fitOnce(const std::vector<BandPixel>& px, double sx, double sy, double ramp, PixelFit& fit,
             bool mean_radius_only) {
  std::vector<double> params = paramsOf(fit.outline);
  const size_t nall = params.size(), nc = mean_radius_only && !fit.outline.ellipse ? 1 : nall, np = nc + 2;
  std::vector<double> basis, grad(nall);
  // A Fourier outline's centre stays: its sub-samples' angles and distances are the fit's constants.
  const FourierSamples samples = fit.outline.ellipse ? FourierSamples{} : fourierSamples(px, fit.outline, sx, sy);
  auto cost = [&](const PixelFit& f) {
    double s = 0;
    for (size_t q = 0; q < px.size(); ++q) {
      const double share = f.outline.ellipse ? shareAndGradient(f.outline, px[q].i, px[q].j, sx, sy, ramp, nullptr, basis)
                                             : fourierShare(f.outline, samples, q, ramp, nullptr, 0);
      const double e = px[q].v - (f.outside + (f.inside - f.outside) * share);
      s += e * e;
    }
    return s;
  };
  double current = cost(fit), lambda = 1e-3;
  for (int it = 0; it < 40; ++it) {
    std::vector<double> jtj(np * np, 0.0), jte(np, 0.0), row(np);
    for (size_t k = 0; k < px.size(); ++k) {
      const BandPixel& p = px[k];
      // An ellipse's gradient by central differences (steps 0.01 mm, 0.001 rad): the share is
      // piecewise linear in the parameters.
      static constexpr double kSteps[5] = {1e-2, 1e-2, 1e-2, 1e-2, 1e-3};
      const double share = fit.outline.ellipse
                               ? ellipseShareAndDifferences(fit.outline, p.i, p.j, sx, sy, ramp, kSteps, grad.data())
                               : fourierShare(fit.outline, samples, k, ramp, &grad, nc);
      const double e = p.v - (fit.outside + (fit.inside - fit.outside) * share);
      for (size_t q = 0; q < nc; ++q) row[q] = (fit.inside - fit.outside) * grad[q];
      row[nc] = share;
      row[nc + 1] = 1 - share;
      // J'J is symmetric: its upper triangle here, the lower copied below.
      for (size_t a = 0; a < np; ++a) {
        if (row[a] == 0) continue;
        jte[a] += row[a] * e;
        for (size_t b = a; b < np; ++b) jtj[a * np + b] += row[a] * row[b];
      }
    }
    for (size_t a = 1; a < np; ++a)
      for (size_t b = 0; b < a; ++b) jtj[a * np + b] = jtj[b * np + a];
    bool improved = false;
    while (lambda < 1e6) {
      std::vector<double> m = jtj, step = jte;
      for (size_t a = 0; a < np; ++a) m[a * np + a] += lambda * (jtj[a * np + a] + 1e-9);
      if (!solveLinear(m, step)) {
        lambda *= 10;
        continue;
      }
      PixelFit trial = fit;
      std::vector<double> y = params;
      for (size_t q = 0; q < nc; ++q) y[q] += step[q];
      setParams(trial.outline, y);
      trial.inside += step[nc];
      trial.outside += step[nc + 1];
      const double c2 = valid(trial.outline) ? cost(trial) : current * 2 + 1;
      if (c2 < current) {
        const bool done = current - c2 < 1e-9 * (1 + current);
        fit = std::move(trial);
        params = std::move(y);
        current = c2;
        lambda = std::max(1e-7, lambda / 3);
        improved = !done;
        break;
      }
      lambda *= 10;
    }
    if (!improved) break;
  }
  fit.rss = current;
  fit.pixels = px.size();
  return !px.empty() && valid(fit.outline);
}

}  // namespace

FourierSamples fourierSamples(const std::vector<BandPixel>& px, const RadialOutline& o, double sx, double sy) {
  FourierSamples s;
  s.terms = o.c.size();
  s.dist.reserve(px.size() * kSub * kSub);
  s.basis.reserve(px.size() * kSub * kSub * s.terms);
  std::vector<double> b;
  for (const BandPixel& p : px)
    for (int a = 0; a < kSub; ++a)
      for (int c = 0; c < kSub; ++c) {
        const double x = (double(p.i) + (a + 0.5) / kSub - 0.5) * sx - o.cx;
        const double y = (double(p.j) + (c + 0.5) / kSub - 0.5) * sy - o.cy;
        basisAt(std::atan2(y, x), o.order(), b);
        s.dist.push_back(std::hypot(x, y));
        s.basis.insert(s.basis.end(), b.begin(), b.end());
      }
  return s;
}

double fourierShare(const RadialOutline& o, const FourierSamples& s, size_t pixel, double ramp,
                    std::vector<double>* grad, size_t grad_terms) {
  double share = 0;
  if (grad) grad->assign(o.c.size(), 0.0);
  for (size_t q = pixel * kSub * kSub; q < (pixel + 1) * kSub * kSub; ++q) {
    const double* b = s.basis.data() + q * s.terms;
    double r = 0;
    for (size_t k = 0; k < s.terms; ++k) r += o.c[k] * b[k];
    const double v = 0.5 + (r - s.dist[q]) / ramp;
    if (v >= 1) {
      share += 1;
    } else if (v > 0) {
      share += v;
      if (grad)
        for (size_t k = 0; k < grad_terms; ++k) (*grad)[k] += b[k] / ramp;
    }
  }
  const double per = 1.0 / (kSub * kSub);
  if (grad)
    for (double& g : *grad) g *= per;
  return share * per;
}

double ellipseShareAndDifferences(const RadialOutline& o, long i, long j, double sx, double sy, double ramp,
                                  const double h[5], double grad[5]) {
  const double p[5] = {o.cx, o.cy, o.c[0], o.c[1], o.c[2]};
  double up[5], down[5];
  for (int q = 0; q < 5; ++q) {
    up[q] = p[q] + h[q];
    down[q] = up[q] - 2 * h[q];
  }
  double share = 0, s_up[5] = {0, 0, 0, 0, 0}, s_down[5] = {0, 0, 0, 0, 0};
  auto add = [ramp](double& sum, double r, double dist) {
    const double v = 0.5 + (r - dist) / ramp;
    if (v >= 1) sum += 1;
    else if (v > 0) sum += v;
  };
  auto radius = [](double t, double a, double b, double angle) {
    const double u = std::cos(t - angle) / a, w = std::sin(t - angle) / b;
    return 1 / std::sqrt(u * u + w * w);
  };
  for (int a = 0; a < kSub; ++a)
    for (int b = 0; b < kSub; ++b) {
      const double xs = (double(i) + (a + 0.5) / kSub - 0.5) * sx, ys = (double(j) + (b + 0.5) / kSub - 0.5) * sy;
      const double x = xs - p[0], y = ys - p[1];
      const double t = std::atan2(y, x), dist = std::hypot(x, y);
      const double cos_t = std::cos(t - p[4]), sin_t = std::sin(t - p[4]);
      auto axes = [&](double a_, double b_) {
        const double u = cos_t / a_, w = sin_t / b_;
        return 1 / std::sqrt(u * u + w * w);
      };
      // The centre moved: the sub-sample at (xm, ym) from it.
      auto moved = [&](double& sum, double xm, double ym) {
        add(sum, radius(std::atan2(ym, xm), p[2], p[3], p[4]), std::hypot(xm, ym));
      };
      add(share, axes(p[2], p[3]), dist);
      moved(s_up[0], xs - up[0], y);
      moved(s_down[0], xs - down[0], y);
      moved(s_up[1], x, ys - up[1]);
      moved(s_down[1], x, ys - down[1]);
      add(s_up[2], axes(up[2], p[3]), dist);
      add(s_down[2], axes(down[2], p[3]), dist);
      add(s_up[3], axes(p[2], up[3]), dist);
      add(s_down[3], axes(p[2], down[3]), dist);
      add(s_up[4], radius(t, p[2], p[3], up[4]), dist);
      add(s_down[4], radius(t, p[2], p[3], down[4]), dist);
    }
  const double per = 1.0 / (kSub * kSub);
  for (int q = 0; q < 5; ++q) grad[q] = (s_up[q] * per - s_down[q] * per) / (2 * h[q]);
  return share * per;
}

double sampleBilinear(const SlicePixels& p, double x_mm, double y_mm) {
  const double x = x_mm / p.sx, y = y_mm / p.sy;
  const long i = long(std::floor(x)), j = long(std::floor(y));
  if (i < 0 || j < 0 || i + 1 >= p.nx || j + 1 >= p.ny) return std::nan("");
  const double fx = x - double(i), fy = y - double(j);
  const float* r0 = p.v + j * p.nx + i;
  const float* r1 = r0 + p.nx;
  return (1 - fy) * ((1 - fx) * r0[0] + fx * r0[1]) + fy * ((1 - fx) * r1[0] + fx * r1[1]);
}

double RadialOutline::radius(double t) const {
  if (ellipse) {
    const double u = std::cos(t - c[2]) / c[0], w = std::sin(t - c[2]) / c[1];
    return 1 / std::sqrt(u * u + w * w);
  }
  std::vector<double> b;
  basisAt(t, order(), b);
  double r = 0;
  for (size_t q = 0; q < b.size(); ++q) r += c[q] * b[q];
  return r;
}

double RadialOutline::area() const {
  if (ellipse) return kPi * c[0] * c[1];
  double higher = 0;
  for (size_t q = 1; q < c.size(); ++q) higher += c[q] * c[q];
  return kPi * c[0] * c[0] + kPi / 2 * higher;
}

bool radialOutlineOf(const SlicePixels& fraction, double cx, double cy, int order, RadialOutline& out) {
  const double step = 0.05 * std::min(fraction.sx, fraction.sy);
  const double reach = std::hypot(double(fraction.nx) * fraction.sx, double(fraction.ny) * fraction.sy);
  std::vector<double> radii(kRays);
  for (int q = 0; q < kRays; ++q) {
    const double t = 2 * kPi * q / kRays, ux = std::cos(t), uy = std::sin(t);
    double last_in = -1, crossing = -1;
    double prev = sampleBilinear(fraction, cx, cy);
    for (double r = step; r < reach; r += step) {
      const double f = sampleBilinear(fraction, cx + r * ux, cy + r * uy);
      if (std::isnan(f)) {
        if (prev >= 0.5) return false;  // the region reaches the slice's side along this ray
        break;
      }
      if (f >= 0.5) last_in = r;
      if (prev >= 0.5 && f < 0.5) crossing = r - step + step * (prev - 0.5) / (prev - f);
      prev = f;
    }
    if (last_in < 0 || crossing < last_in) return false;
    radii[size_t(q)] = crossing;
  }
  out.cx = cx;
  out.cy = cy;
  out.c.assign(size_t(2 * order + 1), 0.0);
  std::vector<double> b;
  for (int q = 0; q < kRays; ++q) {
    basisAt(2 * kPi * q / kRays, order, b);
    for (size_t k = 0; k < b.size(); ++k) out.c[k] += (k == 0 ? 1.0 : 2.0) * radii[size_t(q)] * b[k] / kRays;
  }
  return true;
}

RadialOutline ellipseOf(const RadialOutline& o) {
  // The moments of the polygon through 256 points of the outline (Green's theorem).
  double area = 0, mx = 0, my = 0, mxx = 0, myy = 0, mxy = 0;
  constexpr int kPoints = 256;
  auto at = [&](int q) {
    const double t = 2 * kPi * q / kPoints, r = o.radius(t);
    return std::pair<double, double>{o.cx + r * std::cos(t), o.cy + r * std::sin(t)};
  };
  for (int q = 0; q < kPoints; ++q) {
    const auto [x0, y0] = at(q);
    const auto [x1, y1] = at((q + 1) % kPoints);
    const double cr = x0 * y1 - x1 * y0;
    area += cr / 2;
    mx += (x0 + x1) * cr / 6;
    my += (y0 + y1) * cr / 6;
    mxx += (x0 * x0 + x0 * x1 + x1 * x1) * cr / 12;
    myy += (y0 * y0 + y0 * y1 + y1 * y1) * cr / 12;
    mxy += (x0 * y1 + 2 * x0 * y0 + 2 * x1 * y1 + x1 * y0) * cr / 24;
  }
  RadialOutline e;
  e.ellipse = true;
  e.cx = mx / area;
  e.cy = my / area;
  const double sxx = mxx / area - e.cx * e.cx, syy = myy / area - e.cy * e.cy, sxy = mxy / area - e.cx * e.cy;
  const double mean = (sxx + syy) / 2, dev = std::sqrt(std::max(0.0, (sxx - syy) * (sxx - syy) / 4 + sxy * sxy));
  // A filled ellipse's second moment along an axis is a quarter of that semi-axis squared.
  e.c = {2 * std::sqrt(mean + dev), 2 * std::sqrt(std::max(1e-6, mean - dev)), 0.5 * std::atan2(2 * sxy, sxx - syy)};
  return e;
}

double shareInside(const RadialOutline& o, long i, long j, double sx, double sy) {
  std::vector<double> basis;
  return shareAndGradient(o, i, j, sx, sy, std::min(sx, sy) / kSub, nullptr, basis);
}

namespace {
PixelFit fitToBand(const SlicePixels& ct, const uint8_t* use, const RadialOutline& start, double band_mm,
                   const RadialOutline* model, bool mean_radius_only) {
  PixelFit fit;
  fit.outline = model ? *model : start;
  std::vector<BandPixel> px;
  double in_sum = 0, out_sum = 0;
  size_t in_n = 0, out_n = 0;
  for (long j = 0; j < ct.ny; ++j)
    for (long i = 0; i < ct.nx; ++i) {
      const size_t v = size_t(j * ct.nx + i);
      if (use && !use[v]) continue;
      const double x = double(i) * ct.sx - start.cx, y = double(j) * ct.sy - start.cy;
      const double off = std::hypot(x, y) - start.radius(std::atan2(y, x));
      if (std::abs(off) > band_mm) continue;
      px.push_back({i, j, double(ct.v[v])});
      if (off < -std::max(ct.sx, ct.sy)) in_sum += ct.v[v], ++in_n;
      if (off > std::max(ct.sx, ct.sy)) out_sum += ct.v[v], ++out_n;
    }
  fit.band = px.size();
  if (in_n < 10 || out_n < 10) return fit;
  fit.inside = in_sum / double(in_n);
  fit.outside = out_sum / double(out_n);
  // Coarse to fine: a sub-sample's ramp a pixel wide first (the cost is smooth over a pixel, so a
  // start a pixel off still finds its way), then half, then a quarter (the pixel's true share).
  const double fine = std::min(ct.sx, ct.sy) / kSub;
  for (double ramp : {4 * fine, 2 * fine, fine})
    if (!fitOnce(px, ct.sx, ct.sy, ramp, fit, mean_radius_only)) return fit;
  // Leave out what the two levels do not explain (a vessel in the band), and fit again.
  std::vector<double> abs_res;
  std::vector<double> basis;
  for (const BandPixel& p : px) {
    const double share = shareAndGradient(fit.outline, p.i, p.j, ct.sx, ct.sy, fine, nullptr, basis);
    abs_res.push_back(std::abs(p.v - (fit.outside + (fit.inside - fit.outside) * share)));
  }
  std::vector<double> sorted = abs_res;
  std::nth_element(sorted.begin(), sorted.begin() + long(sorted.size() / 2), sorted.end());
  // Never below a tenth of the contrast: on an image with little noise the median residual is that
  // of the pixels wholly inside or outside, near nothing, and would leave the edge's pixels out.
  const double limit = std::max(3.5 * 1.4826 * sorted[sorted.size() / 2], 0.1 * std::abs(fit.inside - fit.outside));
  std::vector<BandPixel> kept;
  for (size_t q = 0; q < px.size(); ++q)
    if (abs_res[q] <= limit) kept.push_back(px[q]);
  if (kept.size() < px.size()) {
    if (!fitOnce(kept, ct.sx, ct.sy, fine, fit, mean_radius_only)) return fit;
  }
  fit.ok = true;
  return fit;
}
}  // namespace

PixelFit fitOutlineToPixels(const SlicePixels& ct, const uint8_t* use, const RadialOutline& start, double band_mm,
                            const RadialOutline* model) {
  return fitToBand(ct, use, start, band_mm, model, false);
}

PixelFit fitMeanRadiusToPixels(const SlicePixels& ct, const uint8_t* use, const RadialOutline& start, double band_mm) {
  return fitToBand(ct, use, start, band_mm, nullptr, true);
}

PixelFit fitEllipseIfItHolds(const SlicePixels& ct, const uint8_t* use, const RadialOutline& start, double band_mm,
                             PixelFit* free_fit) {
  // The free outline gives the noise's variance and the residual the ellipse is judged against.
  const PixelFit free = fitOutlineToPixels(ct, use, start, band_mm);
  if (free_fit) *free_fit = free;
  const RadialOutline start_ellipse = ellipseOf(start);
  PixelFit ellipse = fitOutlineToPixels(ct, use, start, band_mm, &start_ellipse);
  if (!free.ok || !ellipse.ok) {
    ellipse.ok = false;
    return ellipse;
  }
  const double noise2 = free.rss / std::max(1.0, double(free.pixels) - double(start.c.size()) - 2);
  ellipse.excess = (ellipse.rss - free.rss) / noise2;
  // The 0.999 quantile of chi-square with 12 degrees of freedom: orders 0-8 (17 parameters) over
  // the ellipse's 5.
  ellipse.ok = start.order() == 8 && ellipse.excess < kEllipseExcessLimit;
  return ellipse;
}

double slabScale(double area_below, double area_here, double area_above, double slice_mm) {
  const double t = slice_mm;
  if (!(area_below > 0 && area_above > 0 && area_here > 0 && t > 0)) return 1;
  double here = area_here, scale = 1;
  for (int it = 0; it < 50; ++it) {
    // Area a parabola in z through the three slices: a + b z + g z^2.
    const double g = (area_below + area_above - 2 * here) / (2 * t * t);
    const double b = (area_above - area_below) / (2 * t);
    if (g >= 0) return 1;
    const double ze = -b / (2 * g);
    const double widest = here - b * b / (4 * g);
    const double c2 = -widest / g;  // the lesion's half-length in z, squared
    // The slab's 0.5 level is where half the slab lies within the lesion's section: a quarter of the
    // slab from the equator while the equator lies within the slab's middle half, else the centre.
    const double h = std::max(t / 4, std::abs(ze));
    if (h * h >= c2 || ze * ze >= c2) return 1;
    const double next = std::sqrt((1 - ze * ze / c2) / (1 - h * h / c2));
    const bool settled = std::abs(next - scale) < 1e-13;
    scale = next;
    here = area_here * scale * scale;
    if (settled) break;
  }
  return scale;
}

double SlabProfile::at(double z) const {
  const double u = (z - ze) / c;
  return a0 * std::max(0.0, 1 - u * u);
}

double SlabProfile::slabMean(double z, double t) const {
  // The integral of 1 - u^2 / c^2 over the slab's part within [-c, c].
  const double lo = std::max(z - t / 2 - ze, -c), hi = std::min(z + t / 2 - ze, c);
  if (!(hi > lo) || !(t > 0)) return 0;
  return a0 * ((hi - lo) - (hi * hi * hi - lo * lo * lo) / (3 * c * c)) / t;
}

SlabProfile slabProfileOf(const std::vector<double>& areas, double slice_mm) {
  SlabProfile best;
  const double t = slice_mm;
  std::vector<size_t> known;
  for (size_t k = 0; k < areas.size(); ++k)
    if (areas[k] >= 0) known.push_back(k);
  if (known.size() < 3 || !(t > 0)) return best;
  size_t widest = known[0];
  for (size_t k : known)
    if (areas[k] > areas[widest]) widest = k;
  if (widest == known.front() || widest == known.back() || !(areas[widest] > 0)) return best;
  // For a given centre and half-length the slab means are a0 times fixed shares, and a0 follows by
  // least squares; the centre and the half-length by search: coarse (the centre within a slice and a
  // half of the widest slice, every t / 20; the half-length 0.3 to 30 slices, in steps of 10 %), then
  // finer around the best, twice (every t / 400 and steps of 0.5 %, every t / 8000 and 0.02 %).
  double best_cost = 0;
  auto tryProfile = [&](double ze, double c) {
    SlabProfile p{1, ze, c, true};
    double sa = 0, ss = 0;
    for (size_t k : known) {
      const double s = p.slabMean(double(k) * t, t);
      sa += s * areas[k];
      ss += s * s;
    }
    if (!(ss > 0)) return;
    p.a0 = sa / ss;
    double cost = 0;
    for (size_t k : known) {
      const double e = areas[k] - p.slabMean(double(k) * t, t);
      cost += e * e;
    }
    if (!best.ok || cost < best_cost) {
      best = p;
      best_cost = cost;
    }
  };
  for (int iz = -30; iz <= 30; ++iz)
    for (double c = 0.3 * t; c <= 30 * t; c *= 1.1) tryProfile((double(widest) + iz / 20.0) * t, c);
  if (!best.ok) return best;
  struct Step {
    double dz, dc, span;  // centre's step, half-length's factor and the range around the best
  };
  for (const Step& s : {Step{t / 400, 1.005, 1.1}, Step{t / 8000, 1.0002, 1.005}}) {
    const SlabProfile around = best;
    for (int iz = -20; iz <= 20; ++iz)
      for (double c = around.c / s.span; c <= around.c * s.span; c *= s.dc) tryProfile(around.ze + iz * s.dz, c);
  }
  return best;
}

}  // namespace recap::segmentation::detail
