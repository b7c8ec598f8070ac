#include <algorithm>
#include <cmath>

#include "recap/measurement/measure.h"

namespace recap::measurement {
namespace {

double cross(const P2& o, const P2& a, const P2& b) {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

std::vector<P2> convexHull(std::vector<P2> p) {
  std::sort(p.begin(), p.end());
  p.erase(std::unique(p.begin(), p.end()), p.end());
  if (p.size() < 3) return p;
  std::vector<P2> h(2 * p.size());
  size_t k = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    while (k >= 2 && cross(h[k - 2], h[k - 1], p[i]) <= 0) --k;
    h[k++] = p[i];
  }
  for (size_t i = p.size() - 1, t = k + 1; i > 0; --i) {
    while (k >= t && cross(h[k - 2], h[k - 1], p[i - 1]) <= 0) --k;
    h[k++] = p[i - 1];
  }
  h.resize(k - 1);
  return h;
}

}  // namespace

std::vector<Segment> isoSegments(const float* f, long nx, long ny, double sx, double sy, double level) {
  std::vector<Segment> out;
  auto at = [&](long i, long j) -> double {
    if (i < 0 || j < 0 || i >= nx || j >= ny) return level - 1;  // below the level beyond the grid
    return f[j * nx + i];
  };
  // Cells span sample (i, j) to (i + 1, j + 1), including a ring of cells beyond the grid.
  for (long j = -1; j < ny; ++j)
    for (long i = -1; i < nx; ++i) {
      const long ci[4] = {i, i + 1, i + 1, i}, cj[4] = {j, j, j + 1, j + 1};
      double v[4];
      bool any_in = false, any_out = false;
      for (int c = 0; c < 4; ++c) {
        v[c] = at(ci[c], cj[c]);
        (v[c] >= level ? any_in : any_out) = true;
      }
      if (!any_in || !any_out) continue;
      P2 cuts[4];
      int n = 0;
      for (int e = 0; e < 4; ++e) {
        const int a = e, b = (e + 1) % 4;
        if ((v[a] >= level) == (v[b] >= level)) continue;
        const double t = (level - v[a]) / (v[b] - v[a]);
        cuts[n++] = {(double(ci[a]) + t * double(ci[b] - ci[a])) * sx, (double(cj[a]) + t * double(cj[b] - cj[a])) * sy};
      }
      if (n == 2) {
        out.push_back({cuts[0], cuts[1]});
      } else if (n == 4) {  // saddle: split by the cell's mean
        const double mean = (v[0] + v[1] + v[2] + v[3]) / 4;
        if ((mean >= level) == (v[0] >= level)) {
          out.push_back({cuts[0], cuts[1]});
          out.push_back({cuts[2], cuts[3]});
        } else {
          out.push_back({cuts[3], cuts[0]});
          out.push_back({cuts[1], cuts[2]});
        }
      }
    }
  return out;
}

Diameters diameters(const std::vector<Segment>& outline) {
  Diameters d;
  std::vector<P2> pts;
  pts.reserve(outline.size() * 2);
  for (const Segment& s : outline) {
    pts.push_back(s.a);
    pts.push_back(s.b);
  }
  if (pts.size() < 2) return d;
  const std::vector<P2> hull = convexHull(pts);
  for (size_t i = 0; i < hull.size(); ++i)
    for (size_t j = i + 1; j < hull.size(); ++j) {
      const double l = std::hypot(hull[j][0] - hull[i][0], hull[j][1] - hull[i][1]);
      if (l > d.ldi) {
        d.ldi = l;
        d.la = hull[i];
        d.lb = hull[j];
      }
    }
  if (d.ldi <= 0) return d;
  const double ex = (d.lb[0] - d.la[0]) / d.ldi, ey = (d.lb[1] - d.la[1]) / d.ldi, nx = -ey, ny = ex;
  // Each segment in (u along the LDi, s across it) coordinates.
  struct US {
    double u0, s0, u1, s1;
  };
  std::vector<US> us;
  us.reserve(outline.size());
  for (const Segment& g : outline) {
    const double ax = g.a[0] - d.la[0], ay = g.a[1] - d.la[1], bx = g.b[0] - d.la[0], by = g.b[1] - d.la[1];
    us.push_back({ax * ex + ay * ey, ax * nx + ay * ny, bx * ex + by * ey, bx * nx + by * ny});
  }
  auto chordAt = [&](double t, double& lo, double& hi) {
    lo = 1e300;
    hi = -1e300;
    for (const US& g : us) {
      const double a = g.u0 - t, b = g.u1 - t;
      if ((a > 0 && b > 0) || (a < 0 && b < 0) || a == b) continue;
      const double s = g.s0 + (g.s1 - g.s0) * (a / (a - b));
      lo = std::min(lo, s);
      hi = std::max(hi, s);
    }
    return hi > lo ? hi - lo : 0.0;
  };
  double best_t = 0, lo = 0, hi = 0;
  auto scan = [&](double from, double to, double step) {
    const int n = int(std::ceil((to - from) / step));
    for (int i = 0; i <= n; ++i) {
      const double t = std::clamp(from + i * step, 0.0, d.ldi);
      if (chordAt(t, lo, hi) > d.sdi) {
        d.sdi = hi - lo;
        best_t = t;
      }
    }
  };
  scan(0, d.ldi, std::min(0.05, d.ldi / 50));
  scan(best_t - 0.05, best_t + 0.05, 0.002);
  chordAt(best_t, lo, hi);
  if (d.sdi > 0) {
    const P2 o{d.la[0] + best_t * ex, d.la[1] + best_t * ey};
    d.sa = {o[0] + lo * nx, o[1] + lo * ny};
    d.sb = {o[0] + hi * nx, o[1] + hi * ny};
  }
  return d;
}

}  // namespace recap::measurement
