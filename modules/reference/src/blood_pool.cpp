// The blood-pool cylinder: the descending aorta is a round soft-tissue tube, 20-30 mm across, left of
// and in front of the vertebral body, continuous over many slices. Each slice's candidates are the
// centres of the largest inscribed circles of soft tissue in that sector, kept when little soft tissue
// surrounds them; candidates are chained from slice to slice and the longest chain is the aorta. The
// cylinder goes where the chain is cleanest, in the chest when the chain reaches it.
#include <algorithm>
#include <cmath>
#include <limits>

#include "scan.h"

namespace recap::reference::detail {

namespace {

constexpr float kSoftLoHu = 0, kSoftHiHu = 120;  // unenhanced blood and soft tissue
// Sector searched for the aortic axis, relative to the vertebral body centre (mm): +x left, -y anterior.
constexpr double kDxMin = -10, kDxMax = 55, kDyMin = -80, kDyMax = -5;
constexpr double kMinRadius = 7, kMaxRadius = 18;  // inscribed radius of the lumen (mm)
constexpr double kRingIn = 3, kRingOut = 7;        // ring around the lumen checked for other soft tissue
constexpr double kMaxRingFill = 0.4;               // at most this fraction of the ring is soft tissue
constexpr int kPerSlice = 3;
constexpr double kMarginMm = 3;  // chain must cover the cylinder and this much more at each end

struct Node {
  int k = 0;
  double x = 0, y = 0, z = 0;
  double radius = 0;  // equivalent radius of the lumen
  double fill = 0;    // soft-tissue fraction of the surrounding ring
  int chain = 1, prev = -1;
};

// Candidates of one slice.
void sliceCandidates(const Scan& scan, int k, std::vector<Node>& nodes) {
  const SliceInfo& info = scan.slices[k];
  if (!info.body || !info.spine) return;
  const FloatGrid& g = scan.hu2d;
  // A window around the sector, wide enough for the rings.
  const double pad = kMaxRadius + kRingOut + 4;
  const int i0 = std::max(0, static_cast<int>(std::floor((info.spine_x + kDxMin - pad - g.origin[0]) / g.spacing[0])));
  const int i1 = std::min(g.nx, static_cast<int>(std::ceil((info.spine_x + kDxMax + pad - g.origin[0]) / g.spacing[0])) + 1);
  const int j0 = std::max(0, static_cast<int>(std::floor((info.spine_y + kDyMin - pad - g.origin[1]) / g.spacing[1])));
  const int j1 = std::min(g.ny, static_cast<int>(std::ceil((info.spine_y + kDyMax + pad - g.origin[1]) / g.spacing[1])) + 1);
  const int nx = i1 - i0, ny = j1 - j0;
  if (nx <= 2 || ny <= 2) return;
  std::vector<uint8_t> soft(size_t(nx) * ny), feature(size_t(nx) * ny);
  for (int j = 0; j < ny; ++j)
    for (int i = 0; i < nx; ++i) {
      const float v = g(i0 + i, j0 + j, k);
      const bool s = scan.body(i0 + i, j0 + j, k) && v >= kSoftLoHu && v <= kSoftHiHu;
      soft[size_t(j) * nx + i] = s;
      feature[size_t(j) * nx + i] = !s;
    }
  const std::vector<float> d2 = distanceSquared(feature, nx, ny, 1, g.spacing, true);
  struct Peak {
    float d2;
    int i, j;
  };
  std::vector<Peak> peaks;
  for (int j = 0; j < ny; ++j)
    for (int i = 0; i < nx; ++i) {
      const double dx = g.x(i0 + i) - info.spine_x, dy = g.y(j0 + j) - info.spine_y;
      if (dx < kDxMin || dx > kDxMax || dy < kDyMin || dy > kDyMax) continue;
      if (std::hypot(dx, dy) < info.spine_r + 4) continue;
      const float d = d2[size_t(j) * nx + i];
      if (d >= kMinRadius * kMinRadius && d <= kMaxRadius * kMaxRadius) peaks.push_back({d, i, j});
    }
  std::sort(peaks.begin(), peaks.end(), [](const Peak& a, const Peak& b) { return a.d2 > b.d2; });
  std::vector<Node> kept;
  for (const Peak& p : peaks) {
    if (static_cast<int>(kept.size()) >= kPerSlice) break;
    const double px = g.x(i0 + p.i), py = g.y(j0 + p.j), r = std::sqrt(double(p.d2));
    bool near = false;
    for (const Node& n : kept) near = near || std::hypot(px - n.x, py - n.y) < r + n.radius;
    if (near) continue;
    // Ring fill, and the lumen's centroid and area (soft tissue within r + kRingIn).
    double ring = 0, ring_soft = 0, n_in = 0, sx = 0, sy = 0;
    const int reach = static_cast<int>(std::ceil((r + kRingOut) / g.spacing[0])) + 1;
    for (int j = std::max(0, p.j - reach); j < std::min(ny, p.j + reach + 1); ++j)
      for (int i = std::max(0, p.i - reach); i < std::min(nx, p.i + reach + 1); ++i) {
        const double x = g.x(i0 + i), y = g.y(j0 + j), d = std::hypot(x - px, y - py);
        const bool s = soft[size_t(j) * nx + i];
        if (d <= r + kRingIn) {
          if (s) {
            ++n_in;
            sx += x;
            sy += y;
          }
        } else if (d <= r + kRingOut) {
          ++ring;
          ring_soft += s;
        }
      }
    const double fill = ring > 0 ? ring_soft / ring : 1.0;
    if (fill > kMaxRingFill || n_in == 0) continue;
    Node n;
    n.k = k;
    n.x = sx / n_in;
    n.y = sy / n_in;
    n.z = g.z(k);
    n.radius = std::sqrt(n_in * g.spacing[0] * g.spacing[1] / 3.14159265358979323846);
    n.fill = fill;
    kept.push_back(n);
  }
  nodes.insert(nodes.end(), kept.begin(), kept.end());
}

}  // namespace

BloodPoolRegion findBloodPool(const Scan& scan, double radius, double length) {
  BloodPoolRegion out;
  out.source = kSourceAuto;
  out.radius_mm = radius;
  out.length_mm = length;
  const FloatGrid& g = scan.hu2d;
  std::vector<Node> nodes;
  for (int k = 0; k < g.nz; ++k) sliceCandidates(scan, k, nodes);  // in slice order
  if (nodes.empty()) {
    out.reason = "no round soft-tissue tube left of and in front of the vertebral column in any CT slice";
    return out;
  }
  // Chains: each node continues the longest chain ending within the last ~10 mm, close in-plane.
  const int max_gap = std::max(1, static_cast<int>(std::lround(10.0 / g.spacing[2])));
  for (size_t a = 0; a < nodes.size(); ++a)
    for (size_t b = 0; b < a; ++b) {
      const int dk = nodes[a].k - nodes[b].k;
      if (dk < 1 || dk > max_gap) continue;
      const double dz = dk * g.spacing[2];
      if (std::hypot(nodes[a].x - nodes[b].x, nodes[a].y - nodes[b].y) > 3 + 0.35 * dz) continue;
      if (nodes[b].chain + 1 > nodes[a].chain) {
        nodes[a].chain = nodes[b].chain + 1;
        nodes[a].prev = static_cast<int>(b);
      }
    }
  int end = 0;
  for (size_t a = 1; a < nodes.size(); ++a)
    if (nodes[a].chain > nodes[end].chain) end = static_cast<int>(a);
  std::vector<Node> chain;
  for (int a = end; a >= 0; a = nodes[a].prev) chain.push_back(nodes[a]);
  std::reverse(chain.begin(), chain.end());  // inferior to superior
  const double half = length / 2;
  if (chain.back().z - chain.front().z < length + 2 * kMarginMm) {
    out.reason = "no round soft-tissue tube continuous over " + std::to_string(int(length + 2 * kMarginMm)) +
                 " mm left of and in front of the vertebral column (longest: " +
                 std::to_string(int(chain.back().z - chain.front().z)) + " mm)";
    return out;
  }
  // Cylinder centre: a chain node whose neighbourhood (the cylinder and the margins) is covered by the
  // chain without missing more than one slice, in the chest when the chain reaches it, with the least
  // soft tissue around (ties within 0.02: the middle one of the tied stretch).
  const double max_step = 2 * g.spacing[2] + 1e-6;
  struct Option {
    int node;
    bool chest;
    double fill;
  };
  std::vector<Option> options;
  for (size_t c = 0; c < chain.size(); ++c) {
    const double z0 = chain[c].z - half - kMarginMm, z1 = chain[c].z + half + kMarginMm;
    if (chain.front().z > z0 || chain.back().z < z1) continue;
    bool covered = true, chest = true;
    double fill = 0;
    int n = 0;
    for (size_t q = 0; q < chain.size(); ++q) {
      // Consecutive nodes whose span overlaps the window must be close.
      if (q > 0 && chain[q].z >= z0 && chain[q - 1].z <= z1 && chain[q].z - chain[q - 1].z > max_step)
        covered = false;
      if (chain[q].z < z0 || chain[q].z > z1) continue;
      chest = chest && scan.slices[chain[q].k].lungs;
      fill += chain[q].fill;
      ++n;
    }
    const Vec3 centre{chain[c].x, chain[c].y, chain[c].z};
    if (covered && n > 0 && scan.pet.contains(centre)) options.push_back({static_cast<int>(c), chest, fill / n});
  }
  if (options.empty()) {
    out.reason = "the aorta found on CT is interrupted or outside the PET field of view: no stretch of " +
                 std::to_string(int(length)) + " mm to place the cylinder";
    return out;
  }
  const bool in_chest = std::any_of(options.begin(), options.end(), [](const Option& o) { return o.chest; });
  double least = std::numeric_limits<double>::infinity();
  for (const Option& o : options)
    if (o.chest == in_chest) least = std::min(least, o.fill);
  std::vector<int> tied;
  for (const Option& o : options)
    if (o.chest == in_chest && o.fill <= least + 0.02) tied.push_back(o.node);
  const int best = tied[tied.size() / 2];
  const bool best_chest = in_chest;

  // Axis: least-squares line x(z), y(z) through the chain nodes within 15 mm of the centre.
  const double zc = chain[best].z;
  double sw = 0, sz = 0, szz = 0, sx = 0, sy = 0, sxz = 0, syz = 0, rad = 0;
  int nr = 0;
  for (const Node& n : chain) {
    if (std::abs(n.z - zc) > half + 5) continue;
    const double dz = n.z - zc;
    sw += 1;
    sz += dz;
    szz += dz * dz;
    sx += n.x;
    sy += n.y;
    sxz += n.x * dz;
    syz += n.y * dz;
    if (std::abs(dz) <= half) {
      rad += n.radius;
      ++nr;
    }
  }
  const double det = sw * szz - sz * sz;
  double ax = 0, ay = 0, bx = sx / sw, by = sy / sw;
  if (det > 1e-9) {
    ax = (sw * sxz - sz * sx) / det;
    ay = (sw * syz - sz * sy) / det;
    bx = (sx - ax * sz) / sw;
    by = (sy - ay * sz) / sw;
  }
  const double norm = std::sqrt(ax * ax + ay * ay + 1);
  out.found = true;
  out.site = best_chest ? "descending thoracic aorta" : "abdominal aorta";
  out.centre_mm = {bx, by, zc};
  out.axis = {ax / norm, ay / norm, 1 / norm};
  out.vessel_radius_mm = nr ? rad / nr : 0;
  if (out.vessel_radius_mm < radius + 3)
    out.warnings.push_back("the aorta found on CT is narrow (radius " + std::to_string(out.vessel_radius_mm) +
                           " mm): the cylinder may touch its wall");
  return out;
}

}  // namespace recap::reference::detail
