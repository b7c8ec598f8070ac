// The spleen: a homogeneous soft-tissue organ in the left upper abdomen, lateral, reaching up under
// the diaphragm. Soft tissue in a band around the left side's attenuation, without the voxels of low
// uptake (muscle has the spleen's attenuation but a third of its uptake), is opened to cut thin
// bridges, and the largest lateral component that rises towards the lung bases is kept and grown back
// within the band. Its length runs between the poles, each extrapolated to zero cross-section from the
// areas of the slices next to it.
#include <algorithm>
#include <cmath>
#include <limits>

#include "scan.h"

namespace recap::reference::detail {

namespace {

constexpr double kBelowLungBaseMm = 300;  // search from this far below the lung base
constexpr double kAboveLungBaseMm = 80;   // to this far above it
constexpr double kBandHu = 9;             // parenchyma band: mode +- this
constexpr double kOpeningMm = 6;          // opening radius: cuts thin bridges to neighbours
constexpr double kRegrowMm = 3;           // growing back goes this much further, recovering thin pole tips
constexpr double kUptakeFraction = 0.6;   // of the 90th percentile of the band's PET
constexpr double kMinLateralMm = 40;      // centroid at least this far left of the midline
constexpr double kMaxExtentMm = 260;      // longer components are muscles running along the trunk
constexpr double kMinMl = 20;             // after opening
constexpr double kMaxHoleMl = 0.5;        // enclosed gaps smaller than this are noise
constexpr double kTopBelowLungBaseMm = 120;  // the spleen's top is at most this far below the lung base
constexpr double kFootprintMm = 8;        // in-plane growth of the organ's footprint for the areas
constexpr double kHalfWayToFatHu = 70;    // area threshold: half way from the organ to fat (-90 HU)
constexpr double kPoleFitMm = 12;         // slices used for each pole's extrapolation

using Profile = std::vector<std::pair<double, double>>;  // (z, area), outermost slice first

// Least-squares line area = slope * z + icpt.
bool lineFit(const Profile& points, double& slope, double& icpt) {
  if (points.size() < 2) return false;
  double sw = 0, sz = 0, sa = 0, szz = 0, sza = 0;
  for (const auto& [z, a] : points) {
    sw += 1;
    sz += z;
    sa += a;
    szz += z * z;
    sza += z * a;
  }
  const double det = sw * szz - sz * sz;
  if (!(std::abs(det) > 1e-12)) return false;
  slope = (sw * sza - sz * sa) / det;
  icpt = (sa - slope * sz) / sw;
  return true;
}

// Pole extrapolated from the outermost slices (`step` > 0: the pole is above them): where the
// least-squares line through their areas crosses zero, kept between the outermost slice showing the
// organ and `limit` slices beyond it. Fallback: half a slice beyond the outermost slice.
double pole(const Profile& outer, double step, int limit) {
  const double z_out = outer.front().first;
  const double fallback = z_out + step / 2;
  double slope = 0, icpt = 0;
  if (!lineFit(outer, slope, icpt) || !(slope * step < 0)) return fallback;  // must shrink towards the pole
  const double z0 = -icpt / slope;
  return std::clamp(z0, std::min(z_out, z_out + limit * step), std::max(z_out, z_out + limit * step));
}

}  // namespace

SpleenRegion findSpleen(const Scan& scan) {
  SpleenRegion out;
  out.source = kSourceAuto;
  const FloatGrid& s = scan.organs();
  const FloatGrid& fine = scan.hu3d;  // for the attenuation mode: less mixing at organ edges
  int k0 = 0, k1 = s.nz;
  const bool lungs = scan.lung_base_k >= 0;
  if (lungs) {
    k0 = std::clamp(static_cast<int>(std::ceil((scan.lung_base_z - kBelowLungBaseMm - s.origin[2]) / s.spacing[2])),
                    0, s.nz);
    k1 = std::clamp(static_cast<int>(std::floor((scan.lung_base_z + kAboveLungBaseMm - s.origin[2]) / s.spacing[2])) + 1,
                    0, s.nz);
  }
  // The box: the body's extent over these slices, left of the midline.
  double min_cx = std::numeric_limits<double>::infinity();
  Box box{0, 0, s.ny, 0, k0, k1};
  for (int k = k0; k < k1; ++k) {
    const SliceInfo& info = scan.slices[k];
    if (!info.body) continue;
    min_cx = std::min(min_cx, info.cx);
    box.i1 = std::max(box.i1, info.i1);
    box.j0 = std::min(box.j0, info.j0);
    box.j1 = std::max(box.j1, info.j1);
  }
  if (!std::isfinite(min_cx)) {
    out.reason = "no abdomen in the CT field of view";
    return out;
  }
  box.i0 = std::clamp(static_cast<int>(std::floor((min_cx - s.origin[0]) / s.spacing[0])), 0, box.i1 - 1);
  const int nx = box.nx(), ny = box.ny(), nz = box.nz();
  const size_t total = size_t(nx) * ny * nz;
  auto at = [&](int i, int j, int k) { return (size_t(k) * ny + j) * nx + i; };
  const double voxel_ml = s.voxelMm3() / 1000;

  // Attenuation of the left upper abdomen's soft tissue.
  std::vector<double> hist(200, 0.0);
  double soft = 0;
  for (int k = box.k0; k < box.k1; ++k) {
    const SliceInfo& info = scan.slices[k];
    if (!info.body) continue;
    for (int j = box.j0; j < box.j1; ++j)
      for (int i = box.i0; i < box.i1; ++i) {
        if (s.x(i) < info.cx + 20 || !scan.body(i, j, k)) continue;
        const float v = fine(i, j, k);
        if (v >= 0 && v < 200) {
          hist[static_cast<int>(v)] += 1;
          soft += 1;
        }
      }
  }
  if (soft * voxel_ml < kMinMl) {
    out.reason = "no soft tissue left of the midline in the CT field of view";
    return out;
  }
  const int mode = smoothedMode(hist);
  const double lo = mode + 0.5 - kBandHu, hi = mode + 0.5 + kBandHu;

  std::vector<uint8_t> cand(total, 0), feature(total);
  for (int k = 0; k < nz; ++k) {
    const SliceInfo& info = scan.slices[box.k0 + k];
    if (!info.body) continue;
    for (int j = 0; j < ny; ++j)
      for (int i = 0; i < nx; ++i) {
        const int gi = box.i0 + i, gj = box.j0 + j, gk = box.k0 + k;
        const float v = s(gi, gj, gk);
        cand[at(i, j, k)] = scan.body(gi, gj, gk) && s.x(gi) > info.cx + 10 && v >= lo && v <= hi;
      }
  }
  // Muscle has the spleen's attenuation but a third of its uptake: keep the voxels whose PET is above
  // kUptakeFraction of the high end (90th percentile) of the band's uptake in this region.
  // The PET is sampled at the candidates (-1 outside its field of view) and smoothed 3 x 3 x 3 among
  // them (the mean over the candidates in the box, so that fat around the organ does not dilute it).
  FloatGrid uptake, weight;
  uptake.reset(nx, ny, nz, s.point(box.i0, box.j0, box.k0), s.spacing, 0.0f);
  weight.like(uptake, 0.0f);
  std::vector<uint8_t> in_pet(total, 0);
  for (int k = 0; k < nz; ++k)
    for (int j = 0; j < ny; ++j)
      for (int i = 0; i < nx; ++i) {
        const size_t id = at(i, j, k);
        if (!cand[id]) continue;
        const double v = scan.pet.sample(uptake.point(i, j, k), -1.0);
        if (v < 0) continue;
        in_pet[id] = 1;
        uptake.v[id] = static_cast<float>(v);
        weight.v[id] = 1.0f;
      }
  uptake = boxMean(uptake, 1, 1, 1);
  weight = boxMean(weight, 1, 1, 1);
  for (size_t i = 0; i < total; ++i)
    if (in_pet[i]) uptake.v[i] /= weight.v[i];
  std::vector<double> values;
  for (size_t i = 0; i < total; ++i)
    if (cand[i] && in_pet[i]) values.push_back(uptake.v[i]);
  if (values.empty()) {
    out.reason = "the left upper abdomen is outside the PET field of view";
    return out;
  }
  const size_t p90 = values.size() * 9 / 10;
  std::nth_element(values.begin(), values.begin() + p90, values.end());
  const double min_uptake = kUptakeFraction * values[p90];
  std::vector<uint8_t> kept(total);
  for (size_t i = 0; i < total; ++i) kept[i] = cand[i] && in_pet[i] && uptake.v[i] >= min_uptake;
  fillSmallHoles(kept, nx, ny, nz, static_cast<size_t>(kMaxHoleMl / voxel_ml));
  for (size_t i = 0; i < total; ++i) feature[i] = !kept[i];
  std::vector<float> d2 = distanceSquared(feature, nx, ny, nz, s.spacing, true);
  std::vector<uint8_t> eroded(total);
  for (size_t i = 0; i < total; ++i) eroded[i] = d2[i] > kOpeningMm * kOpeningMm;
  const Components comps = connectedComponents(eroded, nx, ny, nz);
  // Component properties.
  const int n = comps.count();
  std::vector<double> cxs(n + 1, 0), cys(n + 1, 0), czs(n + 1, 0);
  std::vector<int> kmin(n + 1, nz), kmax(n + 1, -1);
  std::vector<double> mid_x(n + 1, 0);
  for (int k = 0; k < nz; ++k)
    for (int j = 0; j < ny; ++j)
      for (int i = 0; i < nx; ++i) {
        const int32_t l = comps.labels[at(i, j, k)];
        if (!l) continue;
        cxs[l] += s.x(box.i0 + i);
        cys[l] += s.y(box.j0 + j);
        czs[l] += s.z(box.k0 + k);
        mid_x[l] += scan.slices[box.k0 + k].cx;
        kmin[l] = std::min(kmin[l], k);
        kmax[l] = std::max(kmax[l], k);
      }
  int chosen = 0;
  for (int l = 1; l <= n; ++l) {
    const double count = double(comps.sizes[l]);
    const double lateral = (cxs[l] - mid_x[l]) / count;
    const double extent = (kmax[l] - kmin[l] + 1) * s.spacing[2];
    const double top = s.z(box.k0 + kmax[l]);
    if (count * voxel_ml < kMinMl || lateral < kMinLateralMm || extent > kMaxExtentMm) continue;
    if (lungs && top < scan.lung_base_z - kTopBelowLungBaseMm) continue;
    if (!chosen || comps.sizes[l] > comps.sizes[chosen]) chosen = l;
  }
  if (!chosen) {
    out.reason = "no homogeneous soft-tissue organ in the left upper abdomen (spleen band " + std::to_string(int(lo)) +
                 " to " + std::to_string(int(hi)) + " HU)";
    return out;
  }
  // Grow the component back within the band (undoing the erosion), sharing contested voxels with the
  // other components by distance: where the spleen touches a muscle, each keeps its side.
  for (size_t i = 0; i < total; ++i) feature[i] = comps.labels[i] == chosen;
  d2 = distanceSquared(feature, nx, ny, nz, s.spacing, false);
  for (size_t i = 0; i < total; ++i) feature[i] = comps.labels[i] != 0 && comps.labels[i] != chosen;
  const std::vector<float> d2_other = distanceSquared(feature, nx, ny, nz, s.spacing, false);
  const double grow = kOpeningMm + kRegrowMm + 0.5 * std::max({s.spacing[0], s.spacing[1], s.spacing[2]});
  std::vector<uint8_t> organ(total), other(total);
  for (size_t i = 0; i < total; ++i) {
    organ[i] = cand[i] && d2[i] <= grow * grow && d2[i] < d2_other[i];
    other[i] = cand[i] && !organ[i] && d2_other[i] <= grow * grow;
  }

  // Cross-section areas: pixels of the unsmoothed binned CT above half way to fat, within the organ's
  // footprint grown by kFootprintMm (slices beyond the ends use the footprint of the end slice).
  const FloatGrid& raw = scan.hu;
  const double threshold = mode - kHalfWayToFatHu;
  const double pixel_mm2 = s.spacing[0] * s.spacing[1];
  const double step = s.spacing[2];
  std::vector<double> area(nz, 0.0);
  std::vector<double> sum_x(nz, 0.0), sum_y(nz, 0.0), count(nz, 0.0);
  std::vector<uint8_t> slice_feature(size_t(nx) * ny);
  int first = -1, last = -1;
  for (int k = 0; k < nz; ++k)
    for (size_t p = 0; p < size_t(nx) * ny; ++p)
      if (organ[size_t(k) * nx * ny + p]) {
        if (first < 0) first = k;
        last = k;
        break;
      }
  if (first < 0) {
    out.reason = "the spleen candidate vanished when grown back";
    return out;
  }
  const int beyond = 2;  // slices measured beyond each end
  for (int k = std::max(0, first - beyond); k <= std::min(nz - 1, last + beyond); ++k) {
    const int fk = std::clamp(k, first, last);  // footprint slice
    for (size_t p = 0; p < size_t(nx) * ny; ++p) slice_feature[p] = organ[size_t(fk) * nx * ny + p];
    const std::vector<float> fd2 = distanceSquared(slice_feature, nx, ny, 1, s.spacing, false);
    auto above = [&](int i, int j) {
      return i >= 0 && j >= 0 && i < nx && j < ny && fd2[size_t(j) * nx + i] <= kFootprintMm * kFootprintMm &&
             raw(box.i0 + i, box.j0 + j, box.k0 + k) >= threshold && !other[at(i, j, k)] &&
             scan.body(box.i0 + i, box.j0 + j, box.k0 + k);
    };
    for (int j = 0; j < ny; ++j)
      for (int i = 0; i < nx; ++i) {
        // A pixel above the threshold counts with at least one 4-neighbour above it: single pixels
        // are noise.
        if (!above(i, j) || !(above(i - 1, j) || above(i + 1, j) || above(i, j - 1) || above(i, j + 1))) continue;
        area[k] += pixel_mm2;
        sum_x[k] += s.x(box.i0 + i);
        sum_y[k] += s.y(box.j0 + j);
        count[k] += 1;
      }
  }
  // The first slice beyond an end counts when its area is smaller than the end slice's (the organ
  // tapering off, thinner than the band shows); otherwise it is a neighbour below or above.
  int k_lo = first, k_hi = last;
  if (first > 0 && area[first - 1] > 0 && area[first - 1] < area[first]) k_lo = first - 1;
  if (last + 1 < nz && area[last + 1] > 0 && area[last + 1] < area[last]) k_hi = last + 1;
  // A pole lies before the first slice beyond it that shows nothing (or the second, when the first
  // slice after the counted ones still shows something: a neighbour, or more of the tip).
  auto limit = [&](int end, int dir) {
    const int next = end + dir;
    const bool empty = next < 0 || next >= nz || area[next] <= 0;
    return empty ? 1 : 2;
  };
  const int top_limit = limit(k_hi, +1), bottom_limit = limit(k_lo, -1);
  for (int k = 0; k < nz; ++k)
    if (k < k_lo || k > k_hi) area[k] = 0;
  if (k_lo == 0 || k_hi == nz - 1) {
    const bool fov = (k_lo == 0 && box.k0 == 0) || (k_hi == nz - 1 && box.k1 == s.nz);
    out.reason = fov ? "the spleen reaches the edge of the CT field of view: its length cannot be measured"
                     : "the spleen candidate reaches the end of the searched range below the lungs";
    return out;
  }
  const int fit_slices = std::max(2, static_cast<int>(std::floor(kPoleFitMm / step)) + 1);
  Profile top, bottom;
  for (int k = k_hi; k >= k_lo && static_cast<int>(top.size()) < fit_slices; --k)
    if (area[k] > 0) top.emplace_back(s.z(box.k0 + k), area[k]);
  for (int k = k_lo; k <= k_hi && static_cast<int>(bottom.size()) < fit_slices; ++k)
    if (area[k] > 0) bottom.emplace_back(s.z(box.k0 + k), area[k]);
  out.top_z_mm = pole(top, step, top_limit);
  out.bottom_z_mm = pole(bottom, -step, bottom_limit);
  out.length_mm = out.top_z_mm - out.bottom_z_mm;
  out.slices = k_hi - k_lo + 1;
  double volume = 0;
  for (double a : area) volume += a * step;
  out.volume_ml = volume / 1000;
  double cx = 0, cy = 0, cz = 0, cw = 0;
  for (int k = k_lo; k <= k_hi; ++k) {
    cx += sum_x[k];
    cy += sum_y[k];
    cz += count[k] * s.z(box.k0 + k);
    cw += count[k];
  }
  if (cw > 0) out.centroid_mm = {cx / cw, cy / cw, cz / cw};
  out.found = true;
  return out;
}

}  // namespace recap::reference::detail
