// The liver sphere: the liver is the large homogeneous soft-tissue organ in the right upper abdomen.
// Its attenuation is read off the CT (the mode of soft tissue right of the midline, below the lungs),
// the voxels in a band around it are opened to cut thin bridges to neighbours, the largest component
// is kept, and the sphere goes to the deepest point of it right of the midline, once vessels and
// lesions (hypodense on CT, or hot on PET) have been removed.
#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "scan.h"

namespace recap::reference::detail {

namespace {

constexpr double kBelowLungBaseMm = 250;  // the liver is looked for from this far below the lung base
constexpr double kAboveLungBaseMm = 60;   // to this far above it (the dome rises above the lowest lung)
constexpr double kBandBelowHu = 6;        // parenchyma band around the liver's attenuation
constexpr double kBandAboveHu = 25;
constexpr double kOpeningMm = 5;          // opening radius cutting bridges to muscle, kidney, vessels
constexpr double kMinLiverMl = 150;       // smallest plausible liver component (after opening)
constexpr double kMaxHoleMl = 0.5;        // enclosed gaps smaller than this are noise, not vessels
constexpr double kHotFactor = 1.5;        // PET above this times the liver median: lesion ...
constexpr double kHotSigmas = 6;          // ... and above the median by this many robust SDs
constexpr double kMinSoftTissueMl = 100;
constexpr double kCloseMm = 5;            // warn when the sphere's edge comes closer than this

std::string mm(double v) {
  std::ostringstream s;
  s.precision(3);
  s << v << " mm";
  return s.str();
}

}  // namespace

LiverRegion findLiver(const Scan& scan, double radius) {
  LiverRegion out;
  out.source = kSourceAuto;
  out.radius_mm = radius;
  const FloatGrid& s = scan.organs();
  const FloatGrid& fine = scan.hu3d;  // for the attenuation mode: less mixing at organ edges
  // Slices to search.
  int k0 = 0, k1 = s.nz;
  if (scan.lung_base_k >= 0) {
    k0 = std::clamp(static_cast<int>(std::ceil((scan.lung_base_z - kBelowLungBaseMm - s.origin[2]) / s.spacing[2])),
                    0, s.nz);
    k1 = std::clamp(static_cast<int>(std::floor((scan.lung_base_z + kAboveLungBaseMm - s.origin[2]) / s.spacing[2])) + 1,
                    0, s.nz);
  }
  // The box: the body's extent over these slices, right of the midline.
  double max_cx = -std::numeric_limits<double>::infinity();
  Box box{s.nx, 0, s.ny, 0, k0, k1};
  for (int k = k0; k < k1; ++k) {
    const SliceInfo& info = scan.slices[k];
    if (!info.body) continue;
    max_cx = std::max(max_cx, info.cx);
    box.i0 = std::min(box.i0, info.i0);
    box.j0 = std::min(box.j0, info.j0);
    box.j1 = std::max(box.j1, info.j1);
  }
  if (!std::isfinite(max_cx)) {
    out.reason = "no abdomen in the CT field of view below the lungs";
    return out;
  }
  box.i1 = std::clamp(static_cast<int>(std::ceil((max_cx - s.origin[0]) / s.spacing[0])) + 1, box.i0 + 1, s.nx);
  const double voxel_ml = s.voxelMm3() / 1000;

  // The liver's attenuation: the mode of soft tissue (0-200 HU) right of the midline.
  std::vector<double> hist(200, 0.0);
  double soft = 0;
  for (int k = box.k0; k < box.k1; ++k) {
    const SliceInfo& info = scan.slices[k];
    if (!info.body) continue;
    for (int j = box.j0; j < box.j1; ++j)
      for (int i = box.i0; i < box.i1; ++i) {
        if (s.x(i) > info.cx - 10 || !scan.body(i, j, k)) continue;
        const float v = fine(i, j, k);
        if (v >= 0 && v < 200) {
          hist[static_cast<int>(v)] += 1;
          soft += 1;
        }
      }
  }
  if (soft * voxel_ml < kMinSoftTissueMl) {
    out.reason = "no soft tissue right of the midline below the lungs in the CT field of view";
    return out;
  }
  const int mode = smoothedMode(hist);
  const double lo = mode + 0.5 - kBandBelowHu, hi = mode + 0.5 + kBandAboveHu;

  // Candidates: in the band, inside the body, right of the midline of their slice.
  const int nx = box.nx(), ny = box.ny(), nz = box.nz();
  const size_t total = size_t(nx) * ny * nz;
  auto at = [&](int i, int j, int k) { return (size_t(k) * ny + j) * nx + i; };
  std::vector<uint8_t> cand(total, 0);
  for (int k = 0; k < nz; ++k) {
    const SliceInfo& info = scan.slices[box.k0 + k];
    if (!info.body) continue;
    for (int j = 0; j < ny; ++j)
      for (int i = 0; i < nx; ++i) {
        const int gi = box.i0 + i, gj = box.j0 + j, gk = box.k0 + k;
        const float v = s(gi, gj, gk);
        cand[at(i, j, k)] = scan.body(gi, gj, gk) && s.x(gi) < info.cx && v >= lo && v <= hi;
      }
  }
  // Opening: erode, keep the largest component, grow it back within the candidates.
  std::vector<uint8_t> feature(total);
  for (size_t i = 0; i < total; ++i) feature[i] = !cand[i];
  std::vector<float> d2 = distanceSquared(feature, nx, ny, nz, s.spacing, true);
  std::vector<uint8_t> eroded(total);
  for (size_t i = 0; i < total; ++i) eroded[i] = d2[i] > kOpeningMm * kOpeningMm;
  Components comps = connectedComponents(eroded, nx, ny, nz);
  if (comps.count() == 0) {
    out.reason = "no homogeneous soft-tissue region right of the midline (liver band " + std::to_string(int(lo)) +
                 " to " + std::to_string(int(hi)) + " HU)";
    return out;
  }
  const int32_t largest =
      static_cast<int32_t>(std::max_element(comps.sizes.begin() + 1, comps.sizes.end()) - comps.sizes.begin());
  if (comps.sizes[largest] * voxel_ml < kMinLiverMl) {
    out.reason = "the largest homogeneous soft-tissue region right of the midline is too small for a liver (" +
                 std::to_string(int(comps.sizes[largest] * voxel_ml)) + " ml)";
    return out;
  }
  for (size_t i = 0; i < total; ++i) feature[i] = comps.labels[i] == largest;
  d2 = distanceSquared(feature, nx, ny, nz, s.spacing, false);
  const double grow = kOpeningMm + 0.5 * std::max({s.spacing[0], s.spacing[1], s.spacing[2]});
  std::vector<uint8_t> liver(total);
  for (size_t i = 0; i < total; ++i) liver[i] = cand[i] && d2[i] <= grow * grow;
  comps = Components{};
  // Fill small enclosed gaps (noise); larger ones are vessels or lesions and stay out.
  fillSmallHoles(liver, nx, ny, nz, static_cast<size_t>(kMaxHoleMl / voxel_ml));

  // PET hot spots (lesions) and voxels outside the PET field of view are no place for the sphere.
  FloatGrid pet;
  pet.reset(nx, ny, nz, s.point(box.i0, box.j0, box.k0), s.spacing, 0.0f);
  std::vector<uint8_t> in_pet(total, 0);
  std::vector<double> values;
  for (int k = 0; k < nz; ++k)
    for (int j = 0; j < ny; ++j)
      for (int i = 0; i < nx; ++i) {
        const size_t id = at(i, j, k);
        if (!liver[id]) continue;
        const double v = scan.pet.sample(pet.point(i, j, k), std::numeric_limits<double>::quiet_NaN());
        if (!std::isfinite(v)) continue;
        in_pet[id] = 1;
        pet.v[id] = static_cast<float>(v);
        values.push_back(v);
      }
  if (values.empty()) {
    out.reason = "the liver found on CT is outside the PET field of view";
    return out;
  }
  const size_t half = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + half, values.end());
  const double median = values[half];
  for (size_t i = 0; i < total; ++i)
    if (!in_pet[i]) pet.v[i] = static_cast<float>(median);
  pet = boxMean(pet, 1, 1, 1);
  // Hot: above kHotFactor times the median, and above the noise (median + kHotSigmas robust SDs of the
  // smoothed uptake) so that noise spikes do not count as lesions.
  values.clear();
  for (size_t i = 0; i < total; ++i)
    if (in_pet[i]) values.push_back(pet.v[i]);
  std::nth_element(values.begin(), values.begin() + half, values.end());
  const double smooth_median = values[half];
  for (double& v : values) v = std::abs(v - smooth_median);
  std::nth_element(values.begin(), values.begin() + half, values.end());
  const double sigma = 1.4826 * values[half];
  const double hot = std::max(kHotFactor * smooth_median, smooth_median + kHotSigmas * sigma);
  for (size_t i = 0; i < total; ++i) feature[i] = !liver[i] || !in_pet[i] || pet.v[i] > hot;
  d2 = distanceSquared(feature, nx, ny, nz, s.spacing, true);
  size_t best_id = 0;
  float best_d2 = -1;
  for (size_t i = 0; i < total; ++i)
    if (!feature[i] && d2[i] > best_d2) {
      best_d2 = d2[i];
      best_id = i;
    }
  const double depth = best_d2 > 0 ? std::sqrt(double(best_d2)) : 0.0;
  // The distance runs to the nearest excluded voxel's centre; the boundary may be half a voxel nearer.
  const double needed =
      radius + 0.5 * std::sqrt(s.spacing[0] * s.spacing[0] + s.spacing[1] * s.spacing[1] + s.spacing[2] * s.spacing[2]);
  if (depth < needed) {
    out.reason = "no point of the liver is far enough from its edges, vessels and lesions for the sphere (deepest: " +
                 mm(depth) + ", needed: " + mm(needed) + ")";
    return out;
  }
  const int bi = static_cast<int>(best_id % nx), bj = static_cast<int>((best_id / nx) % ny),
            bk = static_cast<int>(best_id / (size_t(nx) * ny));
  const Vec3 c = s.point(box.i0 + bi, box.j0 + bj, box.k0 + bk);
  out.found = true;
  out.centre_mm = {c[0], c[1], c[2]};
  out.depth_mm = depth;
  if (depth < radius + kCloseMm)
    out.warnings.push_back("the liver sphere is within " + mm(depth - radius) +
                           " of the liver's edge, a vessel or a lesion: the liver found on CT is small");
  return out;
}

}  // namespace recap::reference::detail
