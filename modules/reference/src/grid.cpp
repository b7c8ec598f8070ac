// Plain C++ image operations for the reference finders: binning, box means, distance transforms,
// connected components and region statistics, as loops over buffers.
#include "grid.h"

#include <algorithm>
#include <limits>

namespace recap::reference::detail {

namespace {

constexpr double kInfD = std::numeric_limits<double>::infinity();

bool invert3(const std::array<double, 9>& a, std::array<double, 9>& out) {
  const double det = a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) +
                     a[2] * (a[3] * a[7] - a[4] * a[6]);
  if (!(std::abs(det) > 1e-12)) return false;
  out = {(a[4] * a[8] - a[5] * a[7]) / det, (a[2] * a[7] - a[1] * a[8]) / det, (a[1] * a[5] - a[2] * a[4]) / det,
         (a[5] * a[6] - a[3] * a[8]) / det, (a[0] * a[8] - a[2] * a[6]) / det, (a[2] * a[3] - a[0] * a[5]) / det,
         (a[3] * a[7] - a[4] * a[6]) / det, (a[1] * a[6] - a[0] * a[7]) / det, (a[0] * a[4] - a[1] * a[3]) / det};
  return true;
}

// Index ranges of the voxels of `image` whose centres may lie in the LPS box [lo, hi].
void indexRange(const ImageView& image, const Vec3& lo, const Vec3& hi, std::array<int, 3>& from,
                std::array<int, 3>& to) {
  Vec3 cmin{kInfD, kInfD, kInfD}, cmax{-kInfD, -kInfD, -kInfD};
  for (int corner = 0; corner < 8; ++corner) {
    const Vec3 p{(corner & 1) ? hi[0] : lo[0], (corner & 2) ? hi[1] : lo[1], (corner & 4) ? hi[2] : lo[2]};
    const Vec3 c = image.continuousIndex(p);
    for (int a = 0; a < 3; ++a) {
      cmin[a] = std::min(cmin[a], c[a]);
      cmax[a] = std::max(cmax[a], c[a]);
    }
  }
  for (int a = 0; a < 3; ++a) {
    from[a] = std::max(0, static_cast<int>(std::floor(cmin[a])));
    to[a] = std::min(image.size[a] - 1, static_cast<int>(std::ceil(cmax[a])));
  }
}

template <typename Inside>
Stats regionStats(const ImageView& image, const Vec3& lo, const Vec3& hi, Inside inside) {
  std::array<int, 3> from{}, to{};
  indexRange(image, lo, hi, from, to);
  double sum = 0, sum2 = 0, mx = -kInfD;
  int n = 0;
  for (int k = from[2]; k <= to[2]; ++k)
    for (int j = from[1]; j <= to[1]; ++j)
      for (int i = from[0]; i <= to[0]; ++i) {
        if (!inside(image.point(i, j, k))) continue;
        const double v = image.at(i, j, k);
        sum += v;
        sum2 += v * v;
        mx = std::max(mx, v);
        ++n;
      }
  Stats s;
  s.n = n;
  if (n == 0) return s;
  s.mean = sum / n;
  s.sd = n > 1 ? std::sqrt(std::max(0.0, (sum2 - n * s.mean * s.mean) / (n - 1))) : 0.0;
  s.max = mx;
  return s;
}

// 1-D squared distance transform of sampled function f (Felzenszwalb & Huttenlocher), samples at
// positions q * step; with border, zero-valued samples are added at q = -1 and q = n.
void distance1d(const double* f, int n, double step, bool border, double* d, std::vector<int>& v,
                std::vector<double>& z) {
  v.resize(n + 3);
  z.resize(n + 4);
  int k = -1;
  auto fval = [&](int q) { return (q < 0 || q >= n) ? 0.0 : f[q]; };
  auto add = [&](int q) {
    const double fq = fval(q);
    if (!std::isfinite(fq)) return;
    const double xq = q * step;
    double s = -kInfD;
    while (k >= 0) {
      const int p = v[k];
      const double xp = p * step;
      s = ((fq + xq * xq) - (fval(p) + xp * xp)) / (2 * (xq - xp));
      if (s <= z[k]) {
        --k;
        continue;
      }
      break;
    }
    if (k < 0) {
      k = 0;
      v[0] = q;
      z[0] = -kInfD;
    } else {
      ++k;
      v[k] = q;
      z[k] = s;
    }
    z[k + 1] = kInfD;
  };
  if (border) add(-1);
  for (int q = 0; q < n; ++q) add(q);
  if (border) add(n);
  if (k < 0) {
    std::fill(d, d + n, kInfD);
    return;
  }
  int j = 0;
  for (int q = 0; q < n; ++q) {
    const double x = q * step;
    while (z[j + 1] < x) ++j;
    const double dx = x - v[j] * step;
    d[q] = dx * dx + fval(v[j]);
  }
}

}  // namespace

bool ImageView::contains(const Vec3& p) const {
  const Vec3 c = continuousIndex(p);
  for (int a = 0; a < 3; ++a)
    if (!(c[a] >= -0.5 && c[a] <= size[a] - 0.5)) return false;
  return true;
}

double ImageView::sample(const Vec3& p, double outside) const {
  const Vec3 c = continuousIndex(p);
  int i0[3];
  double w[3];
  for (int a = 0; a < 3; ++a) {
    if (!(c[a] >= -0.5 && c[a] <= size[a] - 0.5)) return outside;
    const double x = std::clamp(c[a], 0.0, double(size[a] - 1));
    i0[a] = std::min(static_cast<int>(x), std::max(size[a] - 2, 0));
    w[a] = size[a] > 1 ? x - i0[a] : 0.0;
  }
  const int i1 = std::min(i0[0] + 1, size[0] - 1), j1 = std::min(i0[1] + 1, size[1] - 1),
            k1 = std::min(i0[2] + 1, size[2] - 1);
  const double c00 = at(i0[0], i0[1], i0[2]) * (1 - w[0]) + at(i1, i0[1], i0[2]) * w[0];
  const double c10 = at(i0[0], j1, i0[2]) * (1 - w[0]) + at(i1, j1, i0[2]) * w[0];
  const double c01 = at(i0[0], i0[1], k1) * (1 - w[0]) + at(i1, i0[1], k1) * w[0];
  const double c11 = at(i0[0], j1, k1) * (1 - w[0]) + at(i1, j1, k1) * w[0];
  const double c0 = c00 * (1 - w[1]) + c10 * w[1], c1 = c01 * (1 - w[1]) + c11 * w[1];
  return c0 * (1 - w[2]) + c1 * w[2];
}

ImageView makeView(const float* data, const std::array<int, 3>& size, const Vec3& origin, const Vec3& spacing,
                   const std::array<double, 9>& direction) {
  ImageView v;
  v.data = data;
  v.size = size;
  v.origin = origin;
  v.spacing = spacing;
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) v.m[3 * r + c] = direction[3 * r + c] * spacing[c];
  if (!invert3(v.m, v.inv)) v.inv = {};
  return v;
}

FloatGrid binToLps(const ImageView& image, double inplane_mm, double z_mm, float empty) {
  // For each LPS axis a, the image axis b most aligned with it and the binning factor.
  Vec3 step{}, lo{kInfD, kInfD, kInfD}, hi{-kInfD, -kInfD, -kInfD};
  for (int a = 0; a < 3; ++a) {
    int b = 0;
    for (int c = 1; c < 3; ++c)
      if (std::abs(image.m[3 * a + c]) > std::abs(image.m[3 * a + b])) b = c;
    const double s = std::abs(image.m[3 * a + b]) > 0 ? image.spacing[b] : 1.0;
    const double target = a < 2 ? inplane_mm : z_mm;
    const int factor = std::max(1, static_cast<int>(std::lround(target / s)));
    step[a] = s * factor;
  }
  for (int corner = 0; corner < 8; ++corner) {
    const Vec3 p = image.point((corner & 1) ? image.size[0] - 1 : 0, (corner & 2) ? image.size[1] - 1 : 0,
                               (corner & 4) ? image.size[2] - 1 : 0);
    for (int a = 0; a < 3; ++a) {
      lo[a] = std::min(lo[a], p[a]);
      hi[a] = std::max(hi[a], p[a]);
    }
  }
  // Bin b along axis a covers [lo + b * step - half voxel, ...): its centre is the mean of the
  // voxel centres it holds when the image axis is aligned.
  Vec3 origin{};
  int n[3];
  for (int a = 0; a < 3; ++a) {
    int b = 0;
    for (int c = 1; c < 3; ++c)
      if (std::abs(image.m[3 * a + c]) > std::abs(image.m[3 * a + b])) b = c;
    const double voxel = image.spacing[b];
    const double factor = std::round(step[a] / voxel);
    origin[a] = lo[a] + (factor - 1) / 2 * voxel;
    n[a] = std::max(1, static_cast<int>(std::floor((hi[a] - lo[a]) / step[a] + 1e-6)) + 1);
  }
  FloatGrid g;
  g.reset(n[0], n[1], n[2], origin, step, 0.0f);
  std::vector<double> sum(g.v.size(), 0.0);
  std::vector<uint32_t> count(g.v.size(), 0);
  // Bin index along a of a voxel centre p: floor((p - lo) / step + 1e-6).
  // Axis-aligned images (each image axis along one LPS axis, flipped or not): the bin of a voxel is
  // the sum of one offset per image axis, tabulated once.
  int lps_of[3] = {-1, -1, -1};
  bool aligned = true;
  for (int b = 0; b < 3 && aligned; ++b) {
    int nonzero = 0;
    for (int a = 0; a < 3; ++a)
      if (std::abs(image.m[3 * a + b]) > 1e-9 * image.spacing[b]) {
        ++nonzero;
        lps_of[b] = a;
      }
    aligned = nonzero == 1;
  }
  aligned = aligned && lps_of[0] != lps_of[1] && lps_of[1] != lps_of[2] && lps_of[0] != lps_of[2];
  if (aligned) {
    const size_t stride[3] = {1, size_t(n[0]), size_t(n[0]) * n[1]};
    std::vector<size_t> offset[3];
    for (int b = 0; b < 3; ++b) {
      const int a = lps_of[b];
      offset[b].resize(image.size[b]);
      for (int q = 0; q < image.size[b]; ++q) {
        const double p = image.origin[a] + image.m[3 * a + b] * q;
        const int bin = std::clamp(static_cast<int>(std::floor((p - lo[a]) / step[a] + 1e-6)), 0, n[a] - 1);
        offset[b][q] = bin * stride[a];
      }
    }
    for (int k = 0; k < image.size[2]; ++k)
      for (int j = 0; j < image.size[1]; ++j) {
        const size_t base = offset[2][k] + offset[1][j];
        const float* row = image.data + image.index(0, j, k);
        for (int i = 0; i < image.size[0]; ++i) {
          const size_t id = base + offset[0][i];
          sum[id] += row[i];
          ++count[id];
        }
      }
  }
  for (int k = 0; k < image.size[2] && !aligned; ++k)
    for (int j = 0; j < image.size[1]; ++j) {
      const Vec3 p0 = image.point(0, j, k);
      const float* row = image.data + image.index(0, j, k);
      const double di[3] = {image.m[0], image.m[3], image.m[6]};
      for (int i = 0; i < image.size[0]; ++i) {
        int b[3];
        bool ok = true;
        for (int a = 0; a < 3; ++a) {
          const double p = p0[a] + di[a] * i;
          b[a] = static_cast<int>(std::floor((p - lo[a]) / step[a] + 1e-6));
          if (b[a] < 0 || b[a] >= n[a]) ok = false;
        }
        if (!ok) continue;
        const size_t id = g.idx(b[0], b[1], b[2]);
        sum[id] += row[i];
        ++count[id];
      }
    }
  for (int k = 0; k < g.nz; ++k)
    for (int j = 0; j < g.ny; ++j)
      for (int i = 0; i < g.nx; ++i) {
        const size_t id = g.idx(i, j, k);
        if (count[id]) {
          g.v[id] = static_cast<float>(sum[id] / count[id]);
          continue;
        }
        const Vec3 c = image.continuousIndex(g.point(i, j, k));
        const int ci = static_cast<int>(std::lround(c[0])), cj = static_cast<int>(std::lround(c[1])),
                  ck = static_cast<int>(std::lround(c[2]));
        const bool in = ci >= 0 && cj >= 0 && ck >= 0 && ci < image.size[0] && cj < image.size[1] &&
                        ck < image.size[2];
        g.v[id] = in ? image.at(ci, cj, ck) : empty;
      }
  return g;
}

namespace {

// Box mean along one axis of a volume seen as `outer` blocks of `n` lines of `width` contiguous
// values, element (o, q, w) at (o * n + q) * width + w: whole lines are added at once (contiguous,
// vectorisable), with a running sum over q and clamped edges.
void boxPass(std::vector<float>& v, size_t outer, int n, size_t width, int r) {
  if (r <= 0 || n <= 1) return;
  std::vector<double> acc(width);
  std::vector<float> out(size_t(n) * width);
  for (size_t o = 0; o < outer; ++o) {
    float* block = v.data() + o * n * width;
    auto line = [&](int q) { return block + size_t(std::clamp(q, 0, n - 1)) * width; };
    std::fill(acc.begin(), acc.end(), 0.0);
    for (int q = -r; q <= r; ++q) {
      const float* src = line(q);
      for (size_t w = 0; w < width; ++w) acc[w] += src[w];
    }
    const double scale = 1.0 / (2 * r + 1);
    for (int q = 0; q < n; ++q) {
      float* dst = out.data() + size_t(q) * width;
      for (size_t w = 0; w < width; ++w) dst[w] = static_cast<float>(acc[w] * scale);
      const float* add = line(q + r + 1);
      const float* drop = line(q - r);
      for (size_t w = 0; w < width; ++w) acc[w] += double(add[w]) - drop[w];
    }
    std::copy(out.begin(), out.end(), block);
  }
}

}  // namespace

FloatGrid boxMean(const FloatGrid& in, int rx, int ry, int rz) {
  FloatGrid out = in;
  if (rx > 0 && in.nx > 1) {  // along x: lines of width 1
    std::vector<double> csum(in.nx + 1);
    const int n = in.nx;
    for (size_t l = 0; l < size_t(in.ny) * in.nz; ++l) {
      float* line = out.v.data() + l * n;
      csum[0] = 0;
      for (int q = 0; q < n; ++q) csum[q + 1] = csum[q] + line[q];
      const double first = line[0], last = line[n - 1];
      for (int q = 0; q < n; ++q) {
        const int a = q - rx, b = q + rx;
        double sum = csum[std::min(b, n - 1) + 1] - csum[std::max(a, 0)];
        if (a < 0) sum += -a * first;
        if (b > n - 1) sum += (b - n + 1) * last;
        line[q] = static_cast<float>(sum / (2 * rx + 1));
      }
    }
  }
  boxPass(out.v, size_t(in.nz), in.ny, size_t(in.nx), ry);
  boxPass(out.v, 1, in.nz, in.plane(), rz);
  return out;
}

std::vector<float> distanceSquared(const std::vector<uint8_t>& feature, int nx, int ny, int nz,
                                   const Vec3& spacing, bool border_is_feature) {
  const size_t total = size_t(nx) * ny * nz, plane = size_t(nx) * ny;
  std::vector<float> f(total);
  const int longest = std::max({nx, ny, nz});
  std::vector<double> in(longest), out(longest), z;
  std::vector<int> v;
  // x: contiguous lines.
  for (size_t l = 0; l < size_t(ny) * nz; ++l) {
    for (int q = 0; q < nx; ++q) in[q] = feature[l * nx + q] ? 0.0 : kInfD;
    distance1d(in.data(), nx, spacing[0], border_is_feature, out.data(), v, z);
    for (int q = 0; q < nx; ++q) f[l * nx + q] = static_cast<float>(out[q]);
  }
  // y and z: lines `stride` apart, gathered kBlock columns at a time for contiguous reads.
  constexpr int kBlock = 32;
  std::vector<double> block(size_t(longest) * kBlock);
  auto strided = [&](size_t start, int n, size_t stride, int width, double step) {
    for (int q = 0; q < n; ++q) {
      const float* src = f.data() + start + q * stride;
      for (int w = 0; w < width; ++w) block[size_t(w) * n + q] = src[w];
    }
    for (int w = 0; w < width; ++w) {
      distance1d(block.data() + size_t(w) * n, n, step, border_is_feature, out.data(), v, z);
      std::copy(out.begin(), out.begin() + n, block.begin() + size_t(w) * n);
    }
    for (int q = 0; q < n; ++q) {
      float* dst = f.data() + start + q * stride;
      for (int w = 0; w < width; ++w) dst[w] = static_cast<float>(block[size_t(w) * n + q]);
    }
  };
  for (int k = 0; k < nz; ++k)
    for (int i0 = 0; i0 < nx; i0 += kBlock)
      strided(k * plane + i0, ny, size_t(nx), std::min(kBlock, nx - i0), spacing[1]);
  if (nz > 1)
    for (size_t l0 = 0; l0 < plane; l0 += kBlock)
      strided(l0, nz, plane, static_cast<int>(std::min<size_t>(kBlock, plane - l0)), spacing[2]);
  return f;
}

Components connectedComponents(const std::vector<uint8_t>& mask, int nx, int ny, int nz) {
  Components c;
  c.labels.assign(mask.size(), 0);
  c.sizes.assign(1, 0);
  std::vector<size_t> stack;
  const size_t plane = size_t(nx) * ny;
  for (size_t seed = 0; seed < mask.size(); ++seed) {
    if (!mask[seed] || c.labels[seed]) continue;
    const int32_t label = static_cast<int32_t>(c.sizes.size());
    size_t count = 0;
    stack.push_back(seed);
    c.labels[seed] = label;
    while (!stack.empty()) {
      const size_t id = stack.back();
      stack.pop_back();
      ++count;
      const int i = static_cast<int>(id % nx), j = static_cast<int>((id / nx) % ny),
                k = static_cast<int>(id / plane);
      auto visit = [&](size_t n) {
        if (mask[n] && !c.labels[n]) {
          c.labels[n] = label;
          stack.push_back(n);
        }
      };
      if (i > 0) visit(id - 1);
      if (i + 1 < nx) visit(id + 1);
      if (j > 0) visit(id - nx);
      if (j + 1 < ny) visit(id + nx);
      if (k > 0) visit(id - plane);
      if (k + 1 < nz) visit(id + plane);
    }
    c.sizes.push_back(count);
  }
  return c;
}

void fillSmallHoles(std::vector<uint8_t>& mask, int nx, int ny, int nz, size_t max_voxels) {
  std::vector<uint8_t> gaps(mask.size());
  for (size_t i = 0; i < mask.size(); ++i) gaps[i] = !mask[i];
  const Components g = connectedComponents(gaps, nx, ny, nz);
  std::vector<uint8_t> fill(g.sizes.size(), 0);
  for (int l = 1; l <= g.count(); ++l) fill[l] = g.sizes[l] <= max_voxels;
  auto edge = [&](size_t id) { fill[g.labels[id]] = 0; };
  for (int k = 0; k < nz; ++k)
    for (int j = 0; j < ny; ++j)
      for (int i = 0; i < nx; ++i)
        if (i == 0 || j == 0 || i == nx - 1 || j == ny - 1 || (nz > 1 && (k == 0 || k == nz - 1)))
          edge((size_t(k) * ny + j) * nx + i);
  for (size_t i = 0; i < mask.size(); ++i)
    if (g.labels[i] && fill[g.labels[i]]) mask[i] = 1;
}

Stats sphereStats(const ImageView& image, const Vec3& centre, double radius) {
  const Vec3 lo{centre[0] - radius, centre[1] - radius, centre[2] - radius};
  const Vec3 hi{centre[0] + radius, centre[1] + radius, centre[2] + radius};
  const double r2 = radius * radius;
  return regionStats(image, lo, hi, [&](const Vec3& p) {
    const double dx = p[0] - centre[0], dy = p[1] - centre[1], dz = p[2] - centre[2];
    return dx * dx + dy * dy + dz * dz <= r2;
  });
}

Stats cylinderStats(const ImageView& image, const Vec3& centre, const Vec3& axis, double radius,
                    double half_length) {
  const double reach = std::hypot(radius, half_length);
  const Vec3 lo{centre[0] - reach, centre[1] - reach, centre[2] - reach};
  const Vec3 hi{centre[0] + reach, centre[1] + reach, centre[2] + reach};
  return regionStats(image, lo, hi, [&](const Vec3& p) {
    const Vec3 d{p[0] - centre[0], p[1] - centre[1], p[2] - centre[2]};
    const double t = d[0] * axis[0] + d[1] * axis[1] + d[2] * axis[2];
    const double r2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2] - t * t;
    return std::abs(t) <= half_length && r2 <= radius * radius;
  });
}

}  // namespace recap::reference::detail
