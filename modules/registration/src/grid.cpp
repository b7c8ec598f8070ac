#include "grid.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace recap::registration::detail {

Point3 Grid::physical(double i, double j, double k) const {
  const double a[3] = {i * spacing[0], j * spacing[1], k * spacing[2]};
  Point3 p;
  for (int r = 0; r < 3; ++r) p[r] = origin[r] + dir[r * 3] * a[0] + dir[r * 3 + 1] * a[1] + dir[r * 3 + 2] * a[2];
  return p;
}

Point3 Grid::index(const Point3& p) const {
  const double d[3] = {p[0] - origin[0], p[1] - origin[1], p[2] - origin[2]};
  Point3 c;
  for (int j = 0; j < 3; ++j) c[j] = (dir[j] * d[0] + dir[3 + j] * d[1] + dir[6 + j] * d[2]) / spacing[j];
  return c;
}

bool Grid::sample(const Point3& p, float& out) const {
  const Point3 c = index(p);
  long b[3];
  double f[3];
  for (int a = 0; a < 3; ++a) {
    if (!(c[a] >= 0 && c[a] <= double(n[a] - 1))) return false;
    b[a] = std::min(long(c[a]), std::max(0L, n[a] - 2));
    f[a] = c[a] - double(b[a]);
    if (n[a] == 1) b[a] = 0, f[a] = 0;
  }
  const long s0 = n[0] > 1 ? 1 : 0, s1 = n[1] > 1 ? n[0] : 0, s2 = n[2] > 1 ? n[0] * n[1] : 0;
  const float* q = v.data() + at(b[0], b[1], b[2]);
  const double c00 = q[0] * (1 - f[0]) + q[s0] * f[0];
  const double c10 = q[s1] * (1 - f[0]) + q[s1 + s0] * f[0];
  const double c01 = q[s2] * (1 - f[0]) + q[s2 + s0] * f[0];
  const double c11 = q[s2 + s1] * (1 - f[0]) + q[s2 + s1 + s0] * f[0];
  out = float((c00 * (1 - f[1]) + c10 * f[1]) * (1 - f[2]) + (c01 * (1 - f[1]) + c11 * f[1]) * f[2]);
  return true;
}

std::array<double, 2> Grid::zRange() const {
  const double z0 = physical(0, 0, 0)[2], z1 = physical(0, 0, double(n[2] - 1))[2];
  return {std::min(z0, z1), std::max(z0, z1)};
}

std::array<long, 3> factorsFor(const Grid& g, double target_mm) {
  std::array<long, 3> f;
  for (int a = 0; a < 3; ++a) f[a] = std::max(1L, std::min(g.n[a], long(std::lround(target_mm / g.spacing[a]))));
  return f;
}

void blockAverage(const float* src, const std::array<long, 3>& n, const std::array<long, 3>& f, float lo, float hi,
                  std::vector<float>& out) {
  std::array<long, 3> m;
  for (int a = 0; a < 3; ++a) m[a] = std::max(1L, n[a] / f[a]);
  out.assign(size_t(m[0] * m[1] * m[2]), 0.f);
  const double w = 1.0 / double(f[0] * f[1] * f[2]);
  for (long k = 0; k < m[2]; ++k)
    for (long j = 0; j < m[1]; ++j)
      for (long i = 0; i < m[0]; ++i) {
        double s = 0;
        for (long c = 0; c < f[2]; ++c)
          for (long b = 0; b < f[1]; ++b) {
            const float* q = src + ((k * f[2] + c) * n[1] + (j * f[1] + b)) * n[0] + i * f[0];
            for (long a = 0; a < f[0]; ++a) s += std::clamp(q[a], lo, hi);
          }
        out[size_t((k * m[1] + j) * m[0] + i)] = float(s * w);
      }
}

Grid reduce(const Grid& g, const std::array<long, 3>& f) {
  Grid r;
  for (int a = 0; a < 3; ++a) {
    r.n[a] = std::max(1L, g.n[a] / f[a]);
    r.spacing[a] = g.spacing[a] * double(f[a]);
  }
  r.dir = g.dir;
  r.origin = g.physical((f[0] - 1) / 2.0, (f[1] - 1) / 2.0, (f[2] - 1) / 2.0);
  const float big = std::numeric_limits<float>::max();
  blockAverage(g.v.data(), g.n, f, -big, big, r.v);
  return r;
}

std::vector<uint8_t> bodyMask(const Grid& g, double threshold, double margin_mm) {
  std::vector<uint8_t> m(g.size());
  for (size_t i = 0; i < m.size(); ++i) m[i] = g.v[i] > threshold;
  // Separable box dilation along each axis.
  for (int a = 0; a < 3; ++a) {
    const long r = long(std::floor(margin_mm / g.spacing[a]));
    if (r <= 0 || g.n[a] == 1) continue;
    const long stride = a == 0 ? 1 : a == 1 ? g.n[0] : g.n[0] * g.n[1];
    std::vector<uint8_t> out(m.size(), 0);
    std::vector<uint8_t> line(size_t(g.n[a]));
    const long lines = long(g.size()) / g.n[a];
    for (long l = 0; l < lines; ++l) {
      // Start of line l: index with coordinate a = 0.
      const long lo = l % stride, hi = l / stride;
      const long start = hi * stride * g.n[a] + lo;
      long last = -1000000;  // last position of a set voxel seen so far
      for (long x = 0; x < g.n[a]; ++x) line[size_t(x)] = m[size_t(start + x * stride)];
      for (long x = 0; x < g.n[a]; ++x) {  // forward: within r after a set voxel
        if (line[size_t(x)]) last = x;
        if (x - last <= r) out[size_t(start + x * stride)] = 1;
      }
      last = 1000000;
      for (long x = g.n[a] - 1; x >= 0; --x) {
        if (line[size_t(x)]) last = x;
        if (last - x <= r) out[size_t(start + x * stride)] = 1;
      }
    }
    m.swap(out);
  }
  return m;
}

std::vector<uint8_t> interiorMask(const Grid& g, double threshold, double inset_mm) {
  std::vector<uint8_t> m(g.size(), 0);
  const long ix = long(std::ceil(inset_mm / g.spacing[0])), iy = long(std::ceil(inset_mm / g.spacing[1]));
  std::vector<long> row_lo(size_t(g.n[1])), row_hi(size_t(g.n[1])), col_lo(size_t(g.n[0])), col_hi(size_t(g.n[0]));
  for (long k = 0; k < g.n[2]; ++k) {
    std::fill(row_lo.begin(), row_lo.end(), g.n[0]);
    std::fill(row_hi.begin(), row_hi.end(), -1);
    std::fill(col_lo.begin(), col_lo.end(), g.n[1]);
    std::fill(col_hi.begin(), col_hi.end(), -1);
    for (long j = 0; j < g.n[1]; ++j)
      for (long i = 0; i < g.n[0]; ++i)
        if (g.v[g.at(i, j, k)] > threshold) {
          row_lo[size_t(j)] = std::min(row_lo[size_t(j)], i), row_hi[size_t(j)] = std::max(row_hi[size_t(j)], i);
          col_lo[size_t(i)] = std::min(col_lo[size_t(i)], j), col_hi[size_t(i)] = std::max(col_hi[size_t(i)], j);
        }
    for (long j = 0; j < g.n[1]; ++j)
      for (long i = 0; i < g.n[0]; ++i)
        m[g.at(i, j, k)] = i >= row_lo[size_t(j)] + ix && i <= row_hi[size_t(j)] - ix && j >= col_lo[size_t(i)] + iy &&
                           j <= col_hi[size_t(i)] - iy;
  }
  return m;
}

bool centroid(const Grid& g, double threshold, Point3& out) {
  double s[3] = {0, 0, 0};
  double count = 0;
  for (long k = 0; k < g.n[2]; ++k)
    for (long j = 0; j < g.n[1]; ++j)
      for (long i = 0; i < g.n[0]; ++i)
        if (g.v[g.at(i, j, k)] > threshold) {
          s[0] += double(i), s[1] += double(j), s[2] += double(k);
          count += 1;
        }
  if (count == 0) return false;
  out = g.physical(s[0] / count, s[1] / count, s[2] / count);
  return true;
}

double correlation(const Grid& fixed, const std::vector<uint8_t>& mask, const Grid& moving,
                   const std::function<Point3(const Point3&)>& map, double* inside, double* mean_squares) {
  double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0, total = 0, n = 0;
  for (long k = 0; k < fixed.n[2]; ++k)
    for (long j = 0; j < fixed.n[1]; ++j)
      for (long i = 0; i < fixed.n[0]; ++i) {
        const size_t idx = fixed.at(i, j, k);
        if (!mask.empty() && !mask[idx]) continue;
        total += 1;
        float b;
        if (!moving.sample(map(fixed.physical(double(i), double(j), double(k))), b)) continue;
        const double a = fixed.v[idx];
        sa += a, sb += b, saa += a * a, sbb += double(b) * b, sab += a * b, n += 1;
      }
  if (inside) *inside = total > 0 ? n / total : 0;
  if (n < 2) {
    if (mean_squares) *mean_squares = 0;
    return 0;
  }
  if (mean_squares) *mean_squares = (saa - 2 * sab + sbb) / n;
  const double va = saa - sa * sa / n, vb = sbb - sb * sb / n, cov = sab - sa * sb / n;
  return va > 0 && vb > 0 ? cov / std::sqrt(va * vb) : 0;
}

}  // namespace recap::registration::detail
