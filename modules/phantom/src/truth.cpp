// Ground truth of a rendered timepoint, from the analytic shapes: lesion cross-sections on the acquired
// CT slices (LDi, SDi, PPD and caliper end points), volumes, SUVmax and reference-region means on the
// noise-free blurred PET, and the spleen's craniocaudal length.
#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>

#include "anatomy.h"

namespace recap::phantom::detail {
namespace {

constexpr double kPi = 3.14159265358979323846;

// An ellipsoid in scanner coordinates as a quadric: inside <=> (p - centre)^T m (p - centre) <= 1.
struct Quadric {
  Vec3 centre;
  Mat3 m;
  Vec3 half_extent;  // half size of its axis-aligned bounding box
};

Quadric toScanner(const Shape& s, const RigidTransform& pose) {
  const Mat3 b = mul(pose.rotation, s.axes);  // columns: the ellipsoid's axes in scanner coordinates
  Quadric q{pose.toScanner(s.centre), {}, {}};
  for (int i = 0; i < 3; ++i) {
    double e2 = 0;
    for (int j = 0; j < 3; ++j) {
      double v = 0;
      for (int l = 0; l < 3; ++l) v += b[3 * i + l] * b[3 * j + l] / (s.half[l] * s.half[l]);
      q.m[3 * i + j] = v;
      e2 += b[3 * i + j] * b[3 * i + j] * s.half[j] * s.half[j];
    }
    q.half_extent[i] = std::sqrt(e2);
  }
  return q;
}

// An ellipse in an axial plane: inside <=> d^T Q d <= 1 with d = (x - cx, y - cy).
struct Ellipse2 {
  double cx = 0, cy = 0;
  double a = 0, b = 0;    // semi-axes, a >= b
  double ux = 1, uy = 0;  // unit direction of the major axis
  double q11 = 0, q12 = 0, q22 = 0;
  double form(double x, double y) const {
    const double dx = x - cx, dy = y - cy;
    return q11 * dx * dx + 2 * q12 * dx * dy + q22 * dy * dy;
  }
  // The parameters s where the line o + s n crosses the ellipse, if it does.
  bool chord(double ox, double oy, double nx, double ny, double& s0, double& s1) const {
    const double dx = ox - cx, dy = oy - cy;
    const double qa = q11 * nx * nx + 2 * q12 * nx * ny + q22 * ny * ny;
    const double qb = q11 * nx * dx + q12 * (nx * dy + ny * dx) + q22 * ny * dy;
    const double qc = form(ox, oy) - 1;
    const double disc = qb * qb - qa * qc;
    if (disc < 0) return false;
    const double r = std::sqrt(disc);
    s0 = (-qb - r) / qa;
    s1 = (-qb + r) / qa;
    return true;
  }
};

// The cross-section of the quadric with the plane z: restricted to the plane, with d = (x, y) relative to
// the centre and w = z - centre_z, d^T A d + 2 w b^T d + w^2 m33 = 1. Completing the square gives
// (d + w A^-1 b)^T A (d + w A^-1 b) = rho = 1 - w^2 (m33 - b^T A^-1 b): an ellipse centred at
// -w A^-1 b with semi-axes sqrt(rho / eigenvalue) along the eigenvectors of A.
std::optional<Ellipse2> crossSection(const Quadric& q, double z) {
  const Mat3& m = q.m;
  const double w = z - q.centre[2];
  const double p = m[0], o = m[1], r = m[4];
  const double det = p * r - o * o;
  const double ix = (r * m[2] - o * m[5]) / det, iy = (p * m[5] - o * m[2]) / det;  // A^-1 b
  const double rho = 1 - w * w * (m[8] - (m[2] * ix + m[5] * iy));
  if (!(rho > 0)) return std::nullopt;
  Ellipse2 e;
  e.cx = q.centre[0] - w * ix;
  e.cy = q.centre[1] - w * iy;
  const double mean = (p + r) / 2, dev = std::sqrt((p - r) * (p - r) / 4 + o * o);
  const double lmin = mean - dev, lmax = mean + dev;
  e.a = std::sqrt(rho / lmin);
  e.b = std::sqrt(rho / lmax);
  // Eigenvector of lmin: (A - lmin I) v = 0; take the better conditioned of the two rows.
  double vx = o, vy = lmin - p;
  if (std::hypot(lmin - r, o) > std::hypot(vx, vy)) {
    vx = lmin - r;
    vy = o;
  }
  const double len = std::hypot(vx, vy);
  if (len < 1e-300 || dev < 1e-15 * mean) {
    vx = 1;
    vy = 0;
  } else {
    vx /= len;
    vy /= len;
  }
  e.ux = vx;
  e.uy = vy;
  e.q11 = p / rho;
  e.q12 = o / rho;
  e.q22 = r / rho;
  return e;
}

struct P2 {
  double x, y;
};
double cross(const P2& o, const P2& a, const P2& b) {
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}
double dist(const P2& a, const P2& b) { return std::hypot(a.x - b.x, a.y - b.y); }

struct Section {
  double ldi = 0, sdi = 0;
  P2 la{}, lb{}, sa{}, sb{};
};

Section ellipseSection(const Ellipse2& e) {
  Section s;
  s.ldi = 2 * e.a;
  s.sdi = 2 * e.b;
  s.la = {e.cx - e.a * e.ux, e.cy - e.a * e.uy};
  s.lb = {e.cx + e.a * e.ux, e.cy + e.a * e.uy};
  s.sa = {e.cx + e.b * e.uy, e.cy - e.b * e.ux};
  s.sb = {e.cx - e.b * e.uy, e.cy + e.b * e.ux};
  return s;
}

// Andrew's monotone chain; counter-clockwise, collinear points dropped.
std::vector<P2> convexHull(std::vector<P2> pts) {
  std::sort(pts.begin(), pts.end(),
            [](const P2& a, const P2& b) { return a.x < b.x || (a.x == b.x && a.y < b.y); });
  if (pts.size() < 3) return pts;
  std::vector<P2> h(2 * pts.size());
  size_t k = 0;
  for (size_t i = 0; i < pts.size(); ++i) {
    while (k >= 2 && cross(h[k - 2], h[k - 1], pts[i]) <= 0) --k;
    h[k++] = pts[i];
  }
  for (size_t i = pts.size() - 1, t = k + 1; i-- > 0;) {
    while (k >= t && cross(h[k - 2], h[k - 1], pts[i]) <= 0) --k;
    h[k++] = pts[i];
  }
  h.resize(k - 1);
  return h;
}

// Diameter of a convex polygon by rotating calipers.
void diameter(const std::vector<P2>& h, P2& a, P2& b) {
  const size_t n = h.size();
  a = b = h[0];
  if (n < 2) return;
  double best = -1;
  size_t j = 1;
  for (size_t i = 0; i < n; ++i) {
    const size_t ni = (i + 1) % n;
    for (size_t guard = 0; guard < n; ++guard) {
      const size_t nj = (j + 1) % n;
      const P2 edge{h[ni].x - h[i].x, h[ni].y - h[i].y}, step{h[nj].x - h[j].x, h[nj].y - h[j].y};
      if (edge.x * step.y - edge.y * step.x <= 0) break;
      j = nj;
    }
    for (size_t from : {i, ni})
      if (dist(h[from], h[j]) > best) {
        best = dist(h[from], h[j]);
        a = h[from];
        b = h[j];
      }
  }
}

// The union of ellipses on one plane (a lobulated lesion). Definitions, shared with recap's measurement:
//  - outline: each ellipse sampled at 2048 angles, keeping the points not inside another ellipse;
//  - LDi: the largest distance between two outline points (diameter of their convex hull);
//  - SDi: the longest chord perpendicular to the LDi direction, where the chord of a line is the segment
//    from its first to its last crossing of the outline (gaps between lobes included); lines are scanned
//    every 0.02 mm along the LDi, then around the best one every 0.0005 mm.
Section unionSection(const std::vector<Ellipse2>& ellipses) {
  constexpr int kSamples = 2048;
  std::vector<P2> outline;
  for (size_t i = 0; i < ellipses.size(); ++i) {
    const Ellipse2& e = ellipses[i];
    for (int s = 0; s < kSamples; ++s) {
      const double phi = 2 * kPi * s / kSamples, ca = e.a * std::cos(phi), sb = e.b * std::sin(phi);
      const P2 p{e.cx + ca * e.ux - sb * e.uy, e.cy + ca * e.uy + sb * e.ux};
      bool covered = false;
      for (size_t j = 0; j < ellipses.size() && !covered; ++j)
        covered = j != i && ellipses[j].form(p.x, p.y) < 1 - 1e-12;
      if (!covered) outline.push_back(p);
    }
  }
  Section s;
  if (outline.empty()) return s;
  diameter(convexHull(outline), s.la, s.lb);
  s.ldi = dist(s.la, s.lb);
  if (s.ldi <= 0) return s;
  const double ex = (s.lb.x - s.la.x) / s.ldi, ey = (s.lb.y - s.la.y) / s.ldi, nx = -ey, ny = ex;
  auto chordAt = [&](double t, double& lo, double& hi) {
    lo = kInf;
    hi = -kInf;
    for (const Ellipse2& e : ellipses) {
      double s0, s1;
      if (e.chord(s.la.x + t * ex, s.la.y + t * ey, nx, ny, s0, s1)) {
        lo = std::min(lo, s0);
        hi = std::max(hi, s1);
      }
    }
    return hi > lo ? hi - lo : 0.0;
  };
  double best_t = 0, lo = 0, hi = 0;
  auto scan = [&](double from, double to, double step) {
    const int n = static_cast<int>(std::ceil((to - from) / step));
    for (int i = 0; i <= n; ++i) {
      const double t = std::clamp(from + i * step, 0.0, s.ldi);
      if (chordAt(t, lo, hi) > s.sdi) {
        s.sdi = hi - lo;
        best_t = t;
      }
    }
  };
  scan(0, s.ldi, std::min(0.02, s.ldi / 100));
  scan(best_t - 0.02, best_t + 0.02, 0.0005);
  chordAt(best_t, lo, hi);
  const P2 o{s.la.x + best_t * ex, s.la.y + best_t * ey};
  s.sa = {o.x + lo * nx, o.y + lo * ny};
  s.sb = {o.x + hi * nx, o.y + hi * ny};
  return s;
}

// The lesion's largest cross-section (by LDi x SDi) over the acquired CT slices.
void bestSection(const std::vector<Quadric>& parts, const Volume& ct, LesionTruth& lt) {
  double z_lo = kInf, z_hi = -kInf;
  for (const Quadric& q : parts) {
    z_lo = std::min(z_lo, q.centre[2] - q.half_extent[2]);
    z_hi = std::max(z_hi, q.centre[2] + q.half_extent[2]);
  }
  for (int k = 0; k < ct.slices; ++k) {
    const double z = ct.voxelCentre(0, 0, k)[2];
    if (z <= z_lo || z >= z_hi) continue;
    std::vector<Ellipse2> cut;
    for (const Quadric& q : parts)
      if (auto e = crossSection(q, z)) cut.push_back(*e);
    if (cut.empty()) continue;
    const Section s = cut.size() == 1 ? ellipseSection(cut[0]) : unionSection(cut);
    if (s.ldi * s.sdi <= lt.ppd_mm2) continue;
    lt.ldi_mm = s.ldi;
    lt.sdi_mm = s.sdi;
    lt.ppd_mm2 = s.ldi * s.sdi;
    lt.slice_index = k;
    lt.slice_z_mm = z;
    lt.ldi_end_a = {s.la.x, s.la.y, z};
    lt.ldi_end_b = {s.lb.x, s.lb.y, z};
    lt.sdi_end_a = {s.sa.x, s.sa.y, z};
    lt.sdi_end_b = {s.sb.x, s.sb.y, z};
  }
}

// Volume of a union of ellipsoids (body coordinates): on a 400 x 400 grid of z-columns over the union's
// bounding box, each column's length inside the union is exact (union of the z-intervals).
double unionVolumeMl(const std::vector<Shape>& parts) {
  const RigidTransform none;
  std::vector<Quadric> q;
  Vec3 lo{kInf, kInf, kInf}, hi{-kInf, -kInf, -kInf};
  for (const Shape& s : parts) {
    q.push_back(toScanner(s, none));
    for (int i = 0; i < 3; ++i) {
      lo[i] = std::min(lo[i], s.box_min[i]);
      hi[i] = std::max(hi[i], s.box_max[i]);
    }
  }
  constexpr int kN = 400;
  const double dx = (hi[0] - lo[0]) / kN, dy = (hi[1] - lo[1]) / kN;
  double total = 0;
  std::vector<std::pair<double, double>> spans;
  for (int i = 0; i < kN; ++i)
    for (int j = 0; j < kN; ++j) {
      const double x = lo[0] + (i + 0.5) * dx, y = lo[1] + (j + 0.5) * dy;
      spans.clear();
      for (const Quadric& e : q) {
        const double px = x - e.centre[0], py = y - e.centre[1];
        const Mat3& m = e.m;
        const double qa = m[8], qb = m[2] * px + m[5] * py;
        const double qc = m[0] * px * px + 2 * m[1] * px * py + m[4] * py * py - 1;
        const double disc = qb * qb - qa * qc;
        if (disc <= 0) continue;
        const double root = std::sqrt(disc);
        spans.emplace_back(e.centre[2] + (-qb - root) / qa, e.centre[2] + (-qb + root) / qa);
      }
      std::sort(spans.begin(), spans.end());
      double end = -kInf;
      for (const auto& [a, b] : spans) {
        const double from = std::max(a, end);
        if (b > from) total += b - from;
        end = std::max(end, b);
      }
    }
  return total * dx * dy / 1000.0;
}

// Index ranges of the voxels whose centres may lie in the scanner box [lo, hi].
struct IndexBox {
  int c0, c1, r0, r1, k0, k1;
};
IndexBox indexBox(const Volume& v, const Vec3& lo, const Vec3& hi) {
  auto range = [](double a, double b, double origin, double step, int n, int& i0, int& i1) {
    double fa = (a - origin) / step, fb = (b - origin) / step;
    if (fa > fb) std::swap(fa, fb);
    i0 = std::max(0, static_cast<int>(std::floor(fa)));
    i1 = std::min(n - 1, static_cast<int>(std::ceil(fb)));
  };
  IndexBox b{};
  range(lo[0], hi[0], v.origin_mm[0], v.pixel_mm * v.orientation[0], v.cols, b.c0, b.c1);
  range(lo[1], hi[1], v.origin_mm[1], v.pixel_mm, v.rows, b.r0, b.r1);
  const double nz = v.orientation[0] * v.orientation[4] - v.orientation[1] * v.orientation[3];
  range(lo[2], hi[2], v.origin_mm[2], v.slice_mm * nz, v.slices, b.k0, b.k1);
  return b;
}

// Calls fn(value) for each voxel of `v` inside the scanner box whose centre satisfies inside(centre).
template <typename Inside, typename Fn>
void forVoxelsIn(const Volume& v, const Vec3& lo, const Vec3& hi, Inside inside, Fn fn) {
  const IndexBox b = indexBox(v, lo, hi);
  for (int k = b.k0; k <= b.k1; ++k)
    for (int r = b.r0; r <= b.r1; ++r)
      for (int c = b.c0; c <= b.c1; ++c)
        if (inside(v.voxelCentre(c, r, k))) fn(v.values[(static_cast<size_t>(k) * v.rows + r) * v.cols + c]);
}

// Max of the noise-free PET over voxels whose centre lies in the lesion; when no centre does (a lesion
// smaller than a voxel), the voxel containing the lesion centre, if the PET covers it.
double suvMax(const std::vector<Shape>& parts, const std::vector<Quadric>& q, const RigidTransform& pose,
              const Volume& pet) {
  Vec3 lo{kInf, kInf, kInf}, hi{-kInf, -kInf, -kInf};
  for (const Quadric& e : q)
    for (int i = 0; i < 3; ++i) {
      lo[i] = std::min(lo[i], e.centre[i] - e.half_extent[i]);
      hi[i] = std::max(hi[i], e.centre[i] + e.half_extent[i]);
    }
  double best = -kInf;
  auto inside = [&](const Vec3& p) {
    const Vec3 b = pose.toBody(p);
    return std::any_of(parts.begin(), parts.end(), [&](const Shape& s) { return s.inside(b); });
  };
  forVoxelsIn(pet, lo, hi, inside, [&](float v) { best = std::max(best, double(v)); });
  if (best > -kInf) return best;
  const Vec3 c = q[0].centre, half{pet.pixel_mm / 2, pet.pixel_mm / 2, pet.slice_mm / 2};
  auto nearCentre = [&](const Vec3& p) {
    return std::abs(p[0] - c[0]) <= half[0] && std::abs(p[1] - c[1]) <= half[1] &&
           std::abs(p[2] - c[2]) <= half[2];
  };
  forVoxelsIn(pet, sub(c, half), add(c, half), nearCentre,
              [&](float v) { best = std::max(best, double(v)); });
  return best > -kInf ? best : 0.0;
}

LesionTruth lesionTruth(const Lesion& lesion, int t, const RigidTransform& pose, const Volume& ct,
                        const Volume& pet) {
  LesionTruth lt;
  lt.id = lesion.id;
  lt.centre_mm = pose.toScanner(lesion.centre_mm);  // also for an absent lesion: where it is or would be
  // An absent lesion keeps everything else at zero (suv_set included: nothing was painted).
  const LesionState& state = lesion.states[t];
  lt.present = state.present;
  if (!state.present) return lt;
  lt.suv_set = state.suv;
  const std::vector<Shape> parts = lesionShapes(lesion, state);
  std::vector<Quadric> q;
  for (const Shape& s : parts) q.push_back(toScanner(s, pose));
  bestSection(q, ct, lt);
  const Vec3& d = state.diameters_mm;
  lt.volume_ml = parts.size() == 1 ? kPi / 6 * d[0] * d[1] * d[2] / 1000 : unionVolumeMl(parts);
  lt.suv_max = suvMax(parts, q, pose, pet);
  return lt;
}

double meanIn(const Volume& pet, const Vec3& lo, const Vec3& hi,
              const std::function<bool(const Vec3&)>& inside) {
  double sum = 0;
  size_t n = 0;
  forVoxelsIn(pet, lo, hi, inside, [&](float v) {
    sum += v;
    ++n;
  });
  return n ? sum / n : std::nan("");  // no PET voxel in the region: unknown, not zero
}

}  // namespace

TimepointTruth computeTruth(const std::vector<Lesion>& lesions, const Physiology& physiology, int t,
                            const Pose& pose, const Volume& ct, const Volume& pet_clean) {
  const RigidTransform transform = poseTransform(pose);
  TimepointTruth truth;
  for (const Lesion& lesion : lesions)
    truth.lesions.push_back(lesionTruth(lesion, t, transform, ct, pet_clean));

  truth.liver_sphere_centre_mm = transform.toScanner(kLiverVoiCentre);
  const Vec3 rl{kLiverVoiRadius, kLiverVoiRadius, kLiverVoiRadius};
  truth.liver_suv_mean = meanIn(pet_clean, sub(truth.liver_sphere_centre_mm, rl),
                                add(truth.liver_sphere_centre_mm, rl), [&](const Vec3& p) {
                                  const Vec3 d = sub(p, truth.liver_sphere_centre_mm);
                                  return dot(d, d) <= kLiverVoiRadius * kLiverVoiRadius;
                                });

  truth.blood_pool_centre_mm = transform.toScanner(kBloodVoiCentre);
  const double rb = std::hypot(kBloodVoiRadius, kBloodVoiHalfLength);  // bounds the cylinder in any pose
  truth.blood_pool_suv_mean =
      meanIn(pet_clean, sub(truth.blood_pool_centre_mm, {rb, rb, rb}),
             add(truth.blood_pool_centre_mm, {rb, rb, rb}), [&](const Vec3& p) {
               const Vec3 d = sub(transform.toBody(p), kBloodVoiCentre);
               return d[0] * d[0] + d[1] * d[1] <= kBloodVoiRadius * kBloodVoiRadius &&
                      std::abs(d[2]) <= kBloodVoiHalfLength;
             });

  const Quadric spleen = toScanner(spleenShape(physiology), transform);
  truth.spleen_length_mm = 2 * spleen.half_extent[2];
  return truth;
}

}  // namespace recap::phantom::detail
