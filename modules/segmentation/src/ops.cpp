#include "ops.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace recap::segmentation::detail {

namespace {

// Gaussian smoothing along one axis of the box, normalised at its ends.
void smoothAxis(std::vector<float>& v, const Dims& d, int axis, double sigma_mm) {
  const double sigma = sigma_mm / d.mm[size_t(axis)];
  if (sigma < 0.2) return;
  const int r = int(std::ceil(3 * sigma));
  std::vector<double> w(size_t(2 * r + 1));
  for (int t = -r; t <= r; ++t) w[size_t(t + r)] = std::exp(-0.5 * t * t / (sigma * sigma));
  const long len = d.n[size_t(axis)];
  const size_t stride = axis == 0 ? 1 : axis == 1 ? size_t(d.n[0]) : size_t(d.n[0]) * size_t(d.n[1]);
  // The two axes across this one: every line along it starts at (i, j, k) with its own index at 0.
  const int a1 = axis == 0 ? 1 : 0, a2 = axis == 2 ? 1 : 2;
  std::vector<double> line(static_cast<size_t>(len));
  for (long o2 = 0; o2 < d.n[size_t(a2)]; ++o2)
    for (long o1 = 0; o1 < d.n[size_t(a1)]; ++o1) {
      std::array<long, 3> start{0, 0, 0};
      start[size_t(a1)] = o1;
      start[size_t(a2)] = o2;
      const size_t base = d.at(start[0], start[1], start[2]);
      for (long t = 0; t < len; ++t) line[size_t(t)] = v[base + size_t(t) * stride];
      for (long t = 0; t < len; ++t) {
        double s = 0, ws = 0;
        const long lo = std::max<long>(-r, -t), hi = std::min<long>(r, len - 1 - t);
        const double* wt = w.data() + r;
        const double* at = line.data() + t;
        for (long u = lo; u <= hi; ++u) {
          s += wt[u] * at[u];
          ws += wt[u];
        }
        v[base + size_t(t) * stride] = float(s / ws);
      }
    }
}

}  // namespace

void smoothInPlane(std::vector<float>& v, const Dims& d, double sigma_mm) {
  smoothAxis(v, d, 0, sigma_mm);
  smoothAxis(v, d, 1, sigma_mm);
}

void smoothAcrossSlices(std::vector<float>& v, const Dims& d, double sigma_mm) { smoothAxis(v, d, 2, sigma_mm); }

std::vector<float> blurAtOutline(const std::vector<float>& fraction, const Dims& d, double sigma_xy_mm,
                                 double sigma_z_mm) {
  const size_t n = d.count();
  std::vector<float> blurred(n);
  for (size_t v = 0; v < n; ++v) blurred[v] = std::clamp(fraction[v], 0.0f, 1.0f);
  smoothInPlane(blurred, d, sigma_xy_mm);
  smoothAcrossSlices(blurred, d, sigma_z_mm);
  std::vector<float> sum(n, 0.0f), weight(n, 0.0f);
  auto crossing = [&](size_t a, size_t b) {
    const float fa = fraction[a], fb = fraction[b];
    if ((fa >= 0.5f) == (fb >= 0.5f)) return;
    const float t = (0.5f - fa) / (fb - fa);
    const float at = blurred[a] + t * (blurred[b] - blurred[a]);
    sum[a] += at;
    sum[b] += at;
    weight[a] += 1;
    weight[b] += 1;
  };
  for (long k = 0; k < d.n[2]; ++k)
    for (long j = 0; j < d.n[1]; ++j)
      for (long i = 0; i < d.n[0]; ++i) {
        if (i + 1 < d.n[0]) crossing(d.at(i, j, k), d.at(i + 1, j, k));
        if (j + 1 < d.n[1]) crossing(d.at(i, j, k), d.at(i, j + 1, k));
      }
  constexpr double kAlongMm = 2.0;
  smoothInPlane(sum, d, kAlongMm);
  smoothInPlane(weight, d, kAlongMm);
  std::vector<float> out(n, std::numeric_limits<float>::quiet_NaN());
  for (size_t v = 0; v < n; ++v)
    if (weight[v] > 0.02f) out[v] = sum[v] / weight[v];
  return out;
}

namespace {

template <class Visit>
void neighbours6(const Dims& d, size_t idx, Visit visit) {
  const long i = long(idx % size_t(d.n[0]));
  const long j = long((idx / size_t(d.n[0])) % size_t(d.n[1]));
  const long k = long(idx / (size_t(d.n[0]) * size_t(d.n[1])));
  if (i > 0) visit(idx - 1);
  if (i + 1 < d.n[0]) visit(idx + 1);
  if (j > 0) visit(idx - size_t(d.n[0]));
  if (j + 1 < d.n[1]) visit(idx + size_t(d.n[0]));
  const size_t plane = size_t(d.n[0]) * size_t(d.n[1]);
  if (k > 0) visit(idx - plane);
  if (k + 1 < d.n[2]) visit(idx + plane);
}

// Felzenszwalb & Huttenlocher's lower envelope of parabolas: squared distance transform of one
// line, in place, with sample spacing `step` (mm).
void edtLine(std::vector<double>& f, double step, std::vector<double>& out, std::vector<int>& v,
             std::vector<double>& z) {
  const int n = int(f.size());
  const double inf = std::numeric_limits<double>::infinity();
  int k = -1;
  for (int q = 0; q < n; ++q) {
    if (f[size_t(q)] == inf) continue;
    const double pq = q * step;
    while (k >= 0) {
      const double pv = v[size_t(k)] * step;
      const double s = ((f[size_t(q)] + pq * pq) - (f[size_t(v[size_t(k)])] + pv * pv)) / (2 * (pq - pv));
      if (s <= z[size_t(k)]) {
        --k;
        continue;
      }
      ++k;
      v[size_t(k)] = q;
      z[size_t(k)] = s;
      z[size_t(k + 1)] = inf;
      break;
    }
    if (k < 0) {
      k = 0;
      v[0] = q;
      z[0] = -inf;
      z[1] = inf;
    }
  }
  if (k < 0) {
    std::fill(out.begin(), out.end(), inf);
    return;
  }
  int j = 0;
  for (int q = 0; q < n; ++q) {
    while (z[size_t(j + 1)] < q * step) ++j;
    const double dq = (q - v[size_t(j)]) * step;
    out[size_t(q)] = dq * dq + f[size_t(v[size_t(j)])];
  }
}

std::vector<float> distanceTo(const Mask& target, const Dims& d, bool in_plane) {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> g(d.count());
  for (size_t i = 0; i < g.size(); ++i) g[i] = target[i] ? 0.0 : inf;
  const int axes = in_plane ? 2 : 3;
  for (int axis = 0; axis < axes; ++axis) {
    const long len = d.n[axis];
    size_t stride = 1;
    for (int a = 0; a < axis; ++a) stride *= size_t(d.n[a]);
    std::vector<double> f(static_cast<size_t>(len)), out(static_cast<size_t>(len)), z(static_cast<size_t>(len) + 1);
    std::vector<int> v(static_cast<size_t>(len));
    // Every line along `axis`: its first voxel has coordinate 0 on that axis.
    const long a1 = axis == 0 ? 1 : 0, a2 = axis == 2 ? 1 : 2;  // the two other axes
    for (long y = 0; y < d.n[a2]; ++y)
      for (long x = 0; x < d.n[a1]; ++x) {
        long c[3] = {0, 0, 0};
        c[a1] = x;
        c[a2] = y;
        const size_t start = d.at(c[0], c[1], c[2]);
        for (long t = 0; t < len; ++t) f[size_t(t)] = g[start + size_t(t) * stride];
        edtLine(f, d.mm[axis], out, v, z);
        for (long t = 0; t < len; ++t) g[start + size_t(t) * stride] = out[size_t(t)];
      }
  }
  std::vector<float> r(g.size());
  for (size_t i = 0; i < g.size(); ++i) r[i] = float(std::min(g[i], 1e12));
  return r;
}

}  // namespace

Mask componentOf(const Mask& mask, const Dims& d, size_t seed) {
  Mask out(mask.size(), 0);
  if (seed >= mask.size() || !mask[seed]) return out;
  std::vector<size_t> stack{seed};
  out[seed] = 1;
  while (!stack.empty()) {
    const size_t v = stack.back();
    stack.pop_back();
    neighbours6(d, v, [&](size_t u) {
      if (mask[u] && !out[u]) {
        out[u] = 1;
        stack.push_back(u);
      }
    });
  }
  return out;
}

void fillHolesInPlane(Mask& mask, const Dims& d) {
  const long nx = d.n[0], ny = d.n[1];
  std::vector<uint8_t> outside(size_t(nx * ny));
  std::vector<long> stack;
  for (long k = 0; k < d.n[2]; ++k) {
    uint8_t* m = &mask[d.at(0, 0, k)];
    std::fill(outside.begin(), outside.end(), 0);
    stack.clear();
    for (long j = 0; j < ny; ++j)
      for (long i = 0; i < nx; ++i)
        if ((i == 0 || j == 0 || i == nx - 1 || j == ny - 1) && !m[j * nx + i]) {
          outside[size_t(j * nx + i)] = 1;
          stack.push_back(j * nx + i);
        }
    while (!stack.empty()) {
      const long p = stack.back();
      stack.pop_back();
      const long i = p % nx, j = p / nx;
      const long nb[4] = {i > 0 ? p - 1 : -1, i + 1 < nx ? p + 1 : -1, j > 0 ? p - nx : -1, j + 1 < ny ? p + nx : -1};
      for (long q : nb)
        if (q >= 0 && !m[q] && !outside[size_t(q)]) {
          outside[size_t(q)] = 1;
          stack.push_back(q);
        }
    }
    for (long p = 0; p < nx * ny; ++p)
      if (!outside[size_t(p)]) m[p] = 1;
  }
}

std::vector<float> distanceInside(const Mask& mask, const Dims& d, bool in_plane) {
  Mask background(mask.size());
  for (size_t i = 0; i < mask.size(); ++i) background[i] = mask[i] ? 0 : 1;
  return distanceTo(background, d, in_plane);
}

std::vector<float> distanceOutside(const Mask& mask, const Dims& d, bool in_plane) {
  return distanceTo(mask, d, in_plane);
}

std::vector<int> watershedByDynamics(const std::vector<float>& height, const Mask& mask, const Dims& d,
                                     float h) {
  std::vector<size_t> order;
  for (size_t i = 0; i < mask.size(); ++i)
    if (mask[i]) order.push_back(i);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return height[a] > height[b]; });
  // Union-find over basins; each root keeps its peak.
  std::vector<int> parent, label(mask.size(), 0);
  std::vector<float> peak;
  auto find = [&](int x) {
    while (parent[size_t(x)] != x) {
      parent[size_t(x)] = parent[size_t(parent[size_t(x)])];
      x = parent[size_t(x)];
    }
    return x;
  };
  for (size_t v : order) {
    // Merge the basins that meet here when the shallower is not deep enough to stand alone; the
    // voxel itself follows the steepest ascent: it joins the basin of its highest neighbour.
    int best = -1;
    float best_height = 0;
    int met[6];
    size_t n_met = 0;
    neighbours6(d, v, [&](size_t u) {
      if (!label[u]) return;
      const int ru = find(label[u] - 1);
      met[n_met++] = ru;
      if (best < 0 || height[u] > best_height) {
        best = ru;
        best_height = height[u];
      }
    });
    for (size_t a = 0; a < n_met; ++a)
      for (size_t b = a + 1; b < n_met; ++b) {
        const int ra = find(met[a]), rb = find(met[b]);
        if (ra == rb) continue;
        if (std::min(peak[size_t(ra)], peak[size_t(rb)]) - height[v] < h) {
          const int keep = peak[size_t(ra)] >= peak[size_t(rb)] ? ra : rb;
          parent[size_t(keep == ra ? rb : ra)] = keep;
        }
      }
    if (best >= 0) best = find(best);
    if (best < 0) {
      best = int(parent.size());
      parent.push_back(best);
      peak.push_back(height[v]);
    }
    label[v] = best + 1;
  }
  // Relabel to roots, numbered from 1.
  std::vector<int> id(parent.size(), 0);
  int next = 0;
  for (size_t v : order) {
    const int r = find(label[v] - 1);
    if (!id[size_t(r)]) id[size_t(r)] = ++next;
    label[v] = id[size_t(r)];
  }
  return label;
}

Mask valleysInPlane(const std::vector<float>& v, const Dims& d, float depth, double reach_mm) {
  Mask out(d.count(), 0);
  static const int dirs[4][2] = {{1, 0}, {0, 1}, {1, 1}, {1, -1}};
  for (long k = 0; k < d.n[2]; ++k)
    for (long j = 0; j < d.n[1]; ++j)
      for (long i = 0; i < d.n[0]; ++i) {
        const float here = v[d.at(i, j, k)];
        for (const auto& dir : dirs) {
          const double step = std::hypot(dir[0] * d.mm[0], dir[1] * d.mm[1]);
          const long reach = std::max(1L, long(reach_mm / step));
          float side[2] = {-1e30f, -1e30f};
          for (int s = 0; s < 2; ++s) {
            const int sign = s ? -1 : 1;
            for (long t = 1; t <= reach; ++t) {
              const long a = i + sign * dir[0] * t, b = j + sign * dir[1] * t;
              if (!d.contains(a, b, k)) break;
              side[s] = std::max(side[s], v[d.at(a, b, k)]);
            }
          }
          if (side[0] >= here + depth && side[1] >= here + depth) {
            out[d.at(i, j, k)] = 1;
            break;
          }
        }
      }
  return out;
}

Mask junctionsInPlane(const std::vector<float>& v, const Dims& d, float low, float high, long reach, const Mask& where) {
  Mask out(d.count(), 0);
  static const int dirs[4][2] = {{1, 0}, {0, 1}, {1, 1}, {1, -1}};
  for (long k = 0; k < d.n[2]; ++k)
    for (long j = 0; j < d.n[1]; ++j)
      for (long i = 0; i < d.n[0]; ++i) {
        if (!where[d.at(i, j, k)]) continue;
        for (const auto& dir : dirs) {
          // The lowest and the highest value within reach on each side.
          float lo[2] = {1e30f, 1e30f}, hi[2] = {-1e30f, -1e30f};
          for (int s = 0; s < 2; ++s) {
            const int sign = s ? -1 : 1;
            for (long t = 1; t <= reach; ++t) {
              const long a = i + sign * dir[0] * t, b = j + sign * dir[1] * t;
              if (!d.contains(a, b, k)) break;
              lo[s] = std::min(lo[s], v[d.at(a, b, k)]);
              hi[s] = std::max(hi[s], v[d.at(a, b, k)]);
            }
          }
          if ((lo[0] < low && hi[1] > high) || (lo[1] < low && hi[0] > high)) {
            out[d.at(i, j, k)] = 1;
            break;
          }
        }
      }
  return out;
}

std::vector<float> poolAlongShape(const std::vector<float>& v, const Mask& region, const Mask& where, const Dims& d,
                                  double min_scale, std::vector<uint8_t>& slices,
                                  const std::vector<double>* slice_area) {
  const long nx = d.n[0], ny = d.n[1], nz = d.n[2];
  std::vector<double> area(size_t(nz), 0), cx(size_t(nz), 0), cy(size_t(nz), 0);
  for (long k = 0; k < nz; ++k)
    for (long j = 0; j < ny; ++j)
      for (long i = 0; i < nx; ++i)
        if (region[d.at(i, j, k)]) {
          area[size_t(k)] += 1;
          cx[size_t(k)] += double(i);
          cy[size_t(k)] += double(j);
        }
  for (long k = 0; k < nz; ++k)
    if (area[size_t(k)] > 0) {
      cx[size_t(k)] /= area[size_t(k)];
      cy[size_t(k)] /= area[size_t(k)];
    }
  auto sample = [&](long k, double x, double y) {
    const long i0 = long(std::floor(x)), j0 = long(std::floor(y));
    const double fx = x - double(i0), fy = y - double(j0);
    double s = 0;
    for (long b = 0; b < 2; ++b)
      for (long a = 0; a < 2; ++a) {
        const long i = std::clamp(i0 + a, 0L, nx - 1), j = std::clamp(j0 + b, 0L, ny - 1);
        s += (a ? fx : 1 - fx) * (b ? fy : 1 - fy) * double(v[d.at(i, j, k)]);
      }
    return s;
  };
  constexpr double kMinAreaVoxels = 4;
  std::vector<float> out = v;
  slices.assign(v.size(), 1);
  for (long k = 0; k < nz; ++k) {
    if (area[size_t(k)] < kMinAreaVoxels) continue;
    struct Neighbour {
      long k;
      double scale;
    };
    std::vector<Neighbour> use;
    for (long k2 : {k - 1, k + 1}) {
      if (k2 < 0 || k2 >= nz || area[size_t(k2)] < kMinAreaVoxels) continue;
      const double scale = slice_area ? std::sqrt((*slice_area)[size_t(k2)] / (*slice_area)[size_t(k)])
                                      : std::sqrt(area[size_t(k2)] / area[size_t(k)]);
      if (scale >= min_scale && scale <= 1 / min_scale) use.push_back({k2, scale});
    }
    if (use.empty()) continue;
    for (long j = 0; j < ny; ++j)
      for (long i = 0; i < nx; ++i) {
        const size_t at = d.at(i, j, k);
        if (!where[at]) continue;
        double sum = v[at];
        for (const Neighbour& u : use)
          sum += sample(u.k, cx[size_t(u.k)] + (double(i) - cx[size_t(k)]) * u.scale,
                        cy[size_t(u.k)] + (double(j) - cy[size_t(k)]) * u.scale);
        out[at] = float(sum / double(1 + use.size()));
        slices[at] = uint8_t(1 + use.size());
      }
  }
  return out;
}

}  // namespace recap::segmentation::detail
