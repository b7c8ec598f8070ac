// The stages of a delineation that draw the lesion's sub-voxel outline: the ring and its background,
// each edge voxel's CT fraction and PET position, the PET's level, the CT's say, the fat planes, the
// outline with its ellipse, the CT's level and the final mask with its end caps (see delineation.h).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "delineation.h"
#include "ellipse.h"
#include "ops.h"
#include "outline_fit.h"
#include "short_fit.h"

namespace recap::segmentation::detail {

namespace {

// A slice's outline fraction (nx by ny, spacing sx by sy) moved out by `shift` (mm) along every ray
// from the centre of `shape`, then scaled about it by `scale`: each pixel within `reach_mm` of the
// new outline takes the fraction found where the move brings it from.
void moveAlongRays(float* fraction, long nx, long ny, double sx, double sy, const RadialOutline& shape, double shift,
                   double scale, double reach_mm) {
  const std::vector<float> before(fraction, fraction + nx * ny);
  const SlicePixels from{before.data(), nx, ny, sx, sy};
  for (long j = 0; j < ny; ++j)
    for (long i = 0; i < nx; ++i) {
      const double x = double(i) * sx - shape.cx, y = double(j) * sy - shape.cy, r = std::hypot(x, y);
      if (r < 1e-9 || std::abs(r - scale * (shape.radius(std::atan2(y, x)) + shift)) > reach_mm) continue;
      const double back = r / scale - shift;  // where this pixel's fraction comes from, on the same ray
      const double f = back <= 0 ? 1.0 : sampleBilinear(from, shape.cx + x * back / r, shape.cy + y * back / r);
      if (!std::isnan(f)) fraction[j * nx + i] = float(f);
    }
}

// The largest distance (mm) between two outlines about the same centre, along 128 rays.
double largestMove(const RadialOutline& from, const RadialOutline& to) {
  double moved = 0;
  for (int q = 0; q < 128; ++q) {
    const double t = 2 * 3.14159265358979323846 * q / 128;
    moved = std::max(moved, std::abs(to.radius(t) - from.radius(t)));
  }
  return moved;
}

}  // namespace

void addEndCap(LesionSegmentation& r, const Dims& d, long k_ref, long k_cap, const CapInputs& in) {
  if (k_cap < 0 || k_cap >= d.n[2]) return;
  Dims slice = d;  // the cap's slice alone
  slice.n[2] = 1;
  const size_t plane = slice.count();
  const size_t cap0 = size_t(k_cap) * plane;
  const auto ref = r.mask.begin() + std::ptrdiff_t(size_t(k_ref) * plane);
  const Mask footprint(ref, ref + std::ptrdiff_t(plane));  // the next slice's mask
  if (std::find(footprint.begin(), footprint.end(), 1) == footprint.end()) return;
  const std::vector<float> dist = detail::distanceOutside(footprint, slice, true);
  const float* ct = in.cts.data() + cap0;
  const double px = std::min(d.mm[0], d.mm[1]);
  const Ring around(px);
  std::vector<float> ring;
  for (size_t p = 0; p < plane; ++p)
    if (around.holds(dist[p])) ring.push_back(ct[p]);
  if (ring.size() < 10) return;
  // Never below fat: where the ring holds lung, fat beside it would pass for half lesion.
  double b = median(ring);
  if (std::isnan(in.fat_hu) ? b < kLungBelowHu : b < in.fat_hu) b = in.fat_hu;
  if (std::isnan(b) || in.mu - b < kCapContrastHu) return;
  Mask candidate(plane);
  std::vector<float> f(plane, 0.0f);
  for (size_t p = 0; p < plane; ++p) {
    if (dist[p] > around.hi) continue;
    f[p] = float(std::clamp((ct[p] - b) / (in.mu - b), 0.0, 1.0));
    candidate[p] = f[p] >= 0.5f;
  }
  const float next_to = float(px * px) + 1e-3f;
  Mask kept(plane), seen(plane);
  for (size_t p = 0; p < plane; ++p) {
    if (!candidate[p] || seen[p]) continue;
    const Mask part = detail::componentOf(candidate, slice, p);
    size_t total = 0, within = 0;
    for (size_t q = 0; q < plane; ++q)
      if (part[q]) {
        seen[q] = 1;
        ++total;
        within += dist[q] <= next_to;
      }
    // The share is judged on the CT alone: the PET's blur passes a neighbour's voxels next to the
    // lesion, which would hide how far that neighbour reaches.
    if (double(within) >= kCapWithinShare * double(total))
      for (size_t q = 0; q < plane; ++q)
        kept[q] = kept[q] || (part[q] && (!in.suv || (*in.suv)[cap0 + q] >= in.pet_cut));
  }
  // The fraction within a diagonal voxel of the footprint: the outline's 0.5 level on the cap slice.
  for (size_t p = 0; p < plane; ++p) {
    if (dist[p] > 2 * next_to) continue;
    r.fraction[cap0 + p] = kept[p] ? std::max(f[p], 0.5f) : std::min(f[p], 0.4999f);
    r.mask[cap0 + p] = kept[p];
  }
}

void Delineation::readRing() {
  // Sub-voxel outline: the lesion fraction of each voxel near the boundary, from the CT where the
  // lesion differs from what lies outside it (fat, lung, liver), else from the PET (half-way
  // between lesion and background uptake), else from the voxel mask.
  inside = detail::distanceInside(lesion, d, true);
  outside = detail::distanceOutside(lesion, d, true);
  px = std::min(d.mm[0], d.mm[1]);
  std::vector<float> core;
  for (size_t v = 0; v < lesion.size(); ++v)
    if (inside[v] >= float(4 * px * px)) core.push_back(cts[v]);
  if (core.size() < 5)
    for (size_t v = 0; v < lesion.size(); ++v)
      if (lesion[v]) core.push_back(cts[v]);
  mu = median(core);
  r.lesion_hu = mu;
  // The CT the partial-volume fraction is read from. A lesion delineated on a single slice is
  // shorter than two slices: the slab each of its voxels averages holds only part of it, so its
  // edge on the image is a ramp ending in a cliff (the slab half filled at the section through the
  // slice's centre, empty just beyond). The in-plane smoothing that steadies the fraction elsewhere
  // would average that cliff with the fat outside and move the half-way level inwards (a 12 mm node
  // on 5 mm slices measured 1.4 mm short); on such a lesion the fraction reads the CT unsmoothed.
  const auto [k_lo, k_hi] = sliceRange(lesion, d);
  single_slice = k_hi == k_lo;
  const Ring around(px);
  ring_median = mu;
  {
    std::vector<float> ring;
    for (size_t v = 0; v < lesion.size(); ++v)
      if (around.holds(outside[v])) ring.push_back(cts[v]);
    if (!ring.empty()) ring_median = median(ring);
  }
  hypodense = ring_median > mu + kHypodenseHu;
  // ring_alike: how much of the ring is tissue of the lesion's own density (a vessel, bowel, muscle
  // beside it), where the CT cannot tell lesion from neighbour even if fat lies nearby.
  ring_sum.assign(d.count(), 0.0f);
  ring_w.assign(d.count(), 0.0f);
  ring_alike.assign(d.count(), 0.0f);
  for (size_t v = 0; v < ring_sum.size(); ++v)
    if (around.holds(outside[v])) {
      ring_sum[v] = cts[v];
      ring_w[v] = 1;
      ring_alike[v] = tissue[v] && std::abs(cts[v] - mu) <= kAlikeHu;
    }
  alike_w = ring_w;
  detail::smoothInPlane(ring_sum, d, 2.0);
  detail::smoothInPlane(ring_w, d, 2.0);
  // Against tissue of the same density that the watershed split off (a vessel, a muscle), the
  // outline is the split itself: the PET's half-way level is drawn inwards at a lesion's narrow
  // tips by the PET blur. Elsewhere (a lesion within an organ) the PET places it.
  soft_blobs.assign(d.count(), 0.0f);
  split_off.assign(d.count(), 0);
  for (size_t v = 0; v < soft_blobs.size(); ++v) {
    soft_blobs[v] = blobs[v];
    split_off[v] = basin[v] && !blobs[v];
  }
  detail::smoothInPlane(soft_blobs, d, 0.5 * px);
  to_split = detail::distanceOutside(split_off, d, true);
  band_out = float(std::pow(3 * px, 2));
  band_in = float(std::pow(3 * px, 2));
  w_ct.assign(n, 0.0f);
  w_contrast.assign(n, 0.0f);
  f_ct.assign(n, 0.0f);
  q_pet.assign(n, -1.0f);
  raw_alike = ring_alike;
  raw_alike_w = alike_w;
  detail::smoothInPlane(ring_alike, d, 2.0);
  detail::smoothInPlane(alike_w, d, 2.0);
  near_edge.assign(n, 0);
  ceiling.assign(n, 2.0f);
  lung_hu = std::nan("");
  {
    std::vector<float> lung;
    for (size_t v = 0; v < n; ++v)
      if (cts[v] < kPureLungBelowHu) lung.push_back(cts[v]);
    if (lung.size() >= 20) lung_hu = median(lung);
  }
  band_in_pet = float(std::pow(std::max(3 * px, kPetBandMm), 2));
}

std::vector<double> Delineation::partialVolumeAreas(const std::vector<float>& ctf, const Mask& where,
                                                    const double* background) const {
  // Each slice's area from the CT's partial volume: the voxels deeper than 1.5 voxels in the region
  // whole, the others (within `where`) by where the CT stands between the local background and the
  // lesion, not clamped to 0-1 so that the noise sums to nothing. A voxel more than half the
  // contrast beyond either (fat beside a lesion at the liver's edge, where the local background mixes
  // fat and liver) is other tissue, and counts as the region says (clamped to -0.5-1.5 instead, the
  // neighbours of vanished baseline L2 came out 9 % smaller than their truth, the averaging mapped
  // them too far in, and its SDi measured +1.21 mm on draw 13).
  std::vector<double> area(size_t(d.n[2]), 0.0);
  const size_t plane = size_t(d.n[0]) * size_t(d.n[1]);
  const float deep = float(std::pow(1.5 * px, 2));
  for (size_t v = 0; v < n; ++v) {
    if (!where[v]) continue;
    double f = lesion[v];
    if (!(lesion[v] && inside[v] > deep)) {
      const double b = background ? *background : ring_w[v] > 0.05f ? ring_sum[v] / ring_w[v] : ring_median;
      if (std::abs(mu - b) > 1) {
        const double x = (ctf[v] - b) / (mu - b);
        if (x >= -0.5 && x <= 1.5) f = x;
      }
    }
    area[v / plane] += f;
  }
  return area;
}

void Delineation::readEdges() {
  // Where fat meets tissue denser than a hypodense lesion (the liver's surface beside a lesion at
  // its edge), the partial-volume voxels between them pass through the lesion's HU and drew beaks
  // along the surface: a voxel with fat on one side and the denser tissue on the other is neither.
  const std::vector<float>& ctf = single_slice ? raw_ct : cts;
  junction.assign(n, 0);
  if (hypodense) {
    Mask where(n);
    for (size_t v = 0; v < n; ++v) where[v] = lesion[v] ? inside[v] <= band_in : outside[v] <= band_out;
    junction = detail::junctionsInPlane(ctf, d, float(mu - kJunctionLowHu), float(mu + kJunctionHighHu),
                                        kJunctionReachVoxels, where);
  }
  slices.assign(n, 1);
  if (std::abs(ring_median - mu) < kCtSayFromHu + kCtSaySpanHu) {
    Mask where(n);
    for (size_t v = 0; v < n; ++v) where[v] = lesion[v] || outside[v] <= band_out;
    const std::vector<double> area = partialVolumeAreas(ctf, where);
    pooled = detail::poolAlongShape(ctf, lesion, where, d, kPoolMinScale, slices, &area);
  }
  const std::vector<float>& ctp = pooled.empty() ? ctf : pooled;
  read_between.assign(n, 0);
  for (size_t v = 0; v < n; ++v) {
    if (!lesion[v] && outside[v] > band_out) continue;
    if (lesion[v] && inside[v] > band_in &&
        !(r.pet.avid && suv[v] >= 0 && inside[v] <= band_in_pet && petPosition(v) < kPetLevelMax))
      continue;
    near_edge[v] = 1;
    // A neighbour of the lesion's density that the watershed split off (a vessel, a muscle) is
    // not lesion even where fat beside it gives its voxels CT contrast.
    // Nor is what lies more than a voxel beyond the delineated region (the PET cut): where a vessel
    // of the lesion's density meets fat next to the lesion, its voxels have CT contrast too.
    if (ring_w[v] > 0.05f && !split_off[v] && outside[v] <= float(px * px) + 1e-3f) {
      const double b = ring_sum[v] / ring_w[v];
      const double contrast = std::abs(mu - b);
      w_contrast[v] = float(ctSay(contrast * std::sqrt(double(slices[v]))));
      w_ct[v] = w_contrast[v] * alikeFactor(ring_alike, alike_w, v);
      // Between the background and the lesion, the partial-volume fraction; beyond the lesion's
      // HU on the other side (liver beside a lesion that borders fat), other tissue.
      const bool beyond_lesion = mu > b ? cts[v] > mu : cts[v] < mu;
      if (beyond_lesion)
        f_ct[v] = float(std::clamp(1 - (std::abs(cts[v] - mu) - kCtNoiseHu) / o.band_above_hu, 0.0, 1.0));
      else if (contrast > 1) {
        f_ct[v] = float(std::clamp((ctp[v] - b) / (mu - b), 0.0, 1.0));
        read_between[v] = 1;
      }
    }
    if (junction[v] && !split_off[v]) {
      w_ct[v] = 1;
      f_ct[v] = 0;
      ceiling[v] = 0;
    }
    if (r.pet.avid && suv[v] >= 0) q_pet[v] = float(petPosition(v));
    // Further out the PET places the edge, and its blur places it outwards where lung and fat meet
    // beside the lesion (a paratracheal node); and against lung, where the delineated region ends
    // two or three voxels inside the edge, the PET's edge at a narrow tip lies inwards. There the CT
    // reads a voxel that holds lung against the box's lung (the ring's mean lies in the partial
    // volume: about -500 HU where the lung is -850): where the ring is lung it decides; where the ring
    // holds fat as well (the junction), as for any other voxel out there, it may lower the PET's
    // fraction but never raise it: fat and lung together pass for partly lesion against either.
    if (!lesion[v] && outside[v] > float(px * px) + 1e-3f && ring_w[v] > 0.05f && !split_off[v]) {
      const double ring_bg = ring_sum[v] / ring_w[v];
      const double contrast = std::abs(mu - ring_bg);
      const float say = float(ctSay(contrast)) * alikeFactor(ring_alike, alike_w, v);
      const bool beyond_lesion = mu > ring_bg ? cts[v] > mu : cts[v] < mu;
      const bool holds_lung = ctf[v] < kHoldsLungBelowHu;
      const double bg = holds_lung ? lung_hu : ring_bg;  // NaN: no lung in the box
      if (say >= 0.9f && !beyond_lesion && mu - bg > 1) {
        const float f = float(std::clamp((ctf[v] - bg) / (mu - bg), 0.0, 1.0));
        if (holds_lung && ring_bg < kLungBelowHu) {
          w_ct[v] = 1;
          f_ct[v] = f;
        } else {
          ceiling[v] = f;
        }
      }
    }
  }
}

void Delineation::calibratePetLevel() {
  if (r.pet.avid) {
    for (size_t v = 0; v < n; ++v)
      if (near_edge[v] && w_ct[v] >= 0.9f && q_pet[v] >= 0 && std::abs(f_ct[v] - 0.5f) < 0.2f) calibration.push_back(v);
    if (calibration.size() >= 10) {
      std::vector<float> at_ct_edge;
      for (size_t v : calibration) at_ct_edge.push_back(q_pet[v]);
      pet_level = std::clamp(median(at_ct_edge), kPetLevelMin, kPetLevelMax);
    } else {
      calibration.clear();
    }
    r.pet.edge_level = pet_level;
    // The PET cut is low, and may leave part of a neighbour of the lesion's density (a vessel the
    // node lies on) in the delineated region; where the CT sees that neighbour against fat, its
    // partial volume is the neighbour's edge. Such tissue, where the PET stands well below the
    // lesion's edge level, counts as a neighbour of the lesion's density like the ring's.
    bool any_cold = false;
    for (size_t v = 0; v < n; ++v)
      if (lesion[v] && basin[v] == seed_basin && suv[v] >= 0 && inside[v] <= band_in_pet && tissue[v] &&
          std::abs(cts[v] - mu) <= kAlikeHu && petPosition(v) < kColdShare * pet_level) {
        raw_alike[v] = 1;
        raw_alike_w[v] = 1;
        any_cold = true;
      }
    if (any_cold) {
      detail::smoothInPlane(raw_alike, d, 2.0);
      detail::smoothInPlane(raw_alike_w, d, 2.0);
      for (size_t v = 0; v < n; ++v)
        if (w_contrast[v] > 0) w_ct[v] = w_contrast[v] * alikeFactor(raw_alike, raw_alike_w, v);
    }
  }
}

void Delineation::limitSayAlongContacts() {
  // Where a lesion's tip lies on tissue of its own density (the psoas under a new iliac node), the
  // voxels along the contact that also touch fat read as the lesion's edge against fat, and the ring
  // beyond them, mostly fat, gave the CT its full say there: the CT cannot tell whose edge that is,
  // and drew the node's tip along the muscle (pd-new-lesion fu1 N1: LDi +1.01 and +0.99 mm on draws
  // 0 and 23, limit 1.09). On an FDG-avid lesion, the share of the CT's say that tissue of the
  // lesion's density around a voxel leaves it (its say over what its contrast gives) is at an edge
  // voxel no more than at its in-plane neighbours deeper in the delineated region (more lesion on the
  // CT), where the ring showed the neighbour; there the PET places the tip. The say's share, not the
  // say: on a lesion of low contrast the say varies with the slices the CT was averaged over.
  if (r.pet.avid) {
    const std::vector<float> own_say = w_ct;
    auto alikeShare = [&](size_t v) { return std::min(1.0f, own_say[v] / w_contrast[v]); };
    for (long k = 0; k < d.n[2]; ++k)
      for (long j = 0; j < d.n[1]; ++j)
        for (long i = 0; i < d.n[0]; ++i) {
          const size_t v = d.at(i, j, k);
          if (!near_edge[v] || own_say[v] <= 0 || w_contrast[v] <= 0 || q_pet[v] < 0 || junction[v]) continue;
          float share = alikeShare(v);
          for (long dj = -1; dj <= 1; ++dj)
            for (long di = -1; di <= 1; ++di) {
              if ((di == 0 && dj == 0) || !d.contains(i + di, j + dj, k)) continue;
              const size_t u = d.at(i + di, j + dj, k);
              if (near_edge[u] && lesion[u] && w_contrast[u] > 0 && !split_off[u] && f_ct[u] > f_ct[v])
                share = std::min(share, alikeShare(u));
            }
          w_ct[v] = std::min(own_say[v], w_contrast[v] * share);
        }
  }
}

void Delineation::readBesideFatPlanes() {
  fat_hu = std::nan("");
  {
    std::vector<float> fat;
    for (size_t v = 0; v < n; ++v)
      if (cts[v] < kFatSoftTissueMidHu && cts[v] > kLungBelowHu) fat.push_back(cts[v]);
    if (fat.size() >= 20) fat_hu = median(fat);
  }
  // Beside a thin fat plane (a valley between the lesion and a neighbour just beyond it, a node 1-2
  // mm off the psoas), an edge voxel is lesion and the plane's fat: the smoothing would mix in the
  // neighbour beyond the plane, and the ring's mean holds that neighbour, so such a voxel (within
  // two voxels and 2 mm of the plane, at most a voxel outside the delineated region) reads the
  // unsmoothed CT against the box's fat, with the CT's full say. The ellipse does not overwrite it.
  by_plane.assign(n, 0);
  {
    Mask plane(n);
    bool any = false;
    for (size_t v = 0; v < n; ++v) {
      plane[v] = valley[v] && !lesion[v] && raw_ct[v] < kFatSoftTissueMidHu;
      any = any || plane[v];
    }
    if (any && !std::isnan(fat_hu)) {
      const std::vector<float> to_plane = detail::distanceOutside(plane, d, true);
      const float reach = float(std::pow(std::min(kPlaneReachVoxels * px, kPlaneReachMm), 2) + 1e-3);
      for (size_t v = 0; v < n; ++v)
        if (near_edge[v] && !split_off[v] && to_plane[v] <= reach && outside[v] <= float(px * px) + 1e-3f) {
          by_plane[v] = 1;
          w_ct[v] = 1;
          f_ct[v] = float(std::clamp((raw_ct[v] - fat_hu) / (mu - fat_hu), 0.0, 1.0));
        }
    }
  }
}

void Delineation::drawOutline() {
  // The outline's fraction at a voxel near the edge, with the PET's edge at `level` there.
  auto edgeFraction = [&](size_t v, double level) {
    double f_alt = soft_blobs[v];
    if (q_pet[v] >= 0 && to_split[v] > float(4 * px * px)) {
      const double q = q_pet[v];
      f_alt = halfAtLevel(q, level);
    }
    return std::min(float(w_ct[v] * f_ct[v] + (1 - w_ct[v]) * f_alt), ceiling[v]);
  };
  r.fraction.assign(n, 0.0f);
  for (size_t v = 0; v < n; ++v) {
    if (near_edge[v]) r.fraction[v] = edgeFraction(v, pet_level);
    else if (lesion[v]) r.fraction[v] = 1;
  }
  // The ellipse carries the outline across a contact, but not into tissue where the PET stands well
  // below the lesion's edge level: a lobulated mass is not an ellipse, and the bowel under its
  // indentation is not lesion.
  may_grow.assign(n, 0);
  for (size_t v = 0; v < n; ++v)
    may_grow[v] = by_plane[v] ? detail::kLeftAlone : !(q_pet[v] >= 0 && q_pet[v] < kGrowShare * pet_level);
  // The PET's level at the edge depends on the outline's shape as well as on the lesion's size: the
  // blur brings more of the lesion's uptake to an edge in a concavity (under the indentation of a
  // lobulated mass, where the lesion lies on two sides) than to a convex one, where the level was
  // calibrated against the CT. So where the PET places the edge, its level is the calibrated one
  // scaled by how much more of the lesion the PET's blur gathers at this part of the outline than at
  // the calibration's, the outline being the one just drawn (its fraction blurred by the PET's
  // point-spread function and read at its 0.5 level). There the ellipse (a convex curve, which
  // crossed the bowel under the indentation) may not raise a voxel the PET calls less than half
  // lesion at that level.
  if (!calibration.empty()) {
    const std::vector<float> gathered = detail::blurAtOutline(r.fraction, d, pet_sigma[0], pet_sigma[1]);
    std::vector<float> at_calibration;
    for (size_t v : calibration)
      if (!std::isnan(gathered[v])) at_calibration.push_back(gathered[v]);
    const double g_cal = at_calibration.size() >= 10 ? median(at_calibration) : std::nan("");
    if (g_cal > 0)
      for (size_t v = 0; v < n; ++v)
        if (near_edge[v] && w_ct[v] < 1 && q_pet[v] >= 0 && to_split[v] > float(4 * px * px) &&
            !std::isnan(gathered[v])) {
          const double level = std::clamp(pet_level * gathered[v] / g_cal, kPetLevelMin, kPetLevelMax);
          r.fraction[v] = edgeFraction(v, level);
          if (may_grow[v] == 1 && q_pet[v] < level) may_grow[v] = 0;
        }
  }
  detail::completeAlongEllipses(r.fraction, w_ct, d, may_grow);
}

void Delineation::correctCtLevel() {
  // The smoothing that steadies the CT (o.smooth_mm in-plane, with the voxel's own extent) moves the
  // half-way level of a convex outline inwards, by about sigma^2 x curvature / 2, and of a concave
  // one outwards: at the tips of a node of 18 x 13 mm about 0.1 mm each. As for the PET, the CT's
  // level at a voxel it reads between the ring and the lesion is the share of the lesion that this
  // blur gathers at the outline there (the outline as drawn, the ellipse's part included, its
  // fraction steepened so that the blur is the smoothing's and not that of the fraction's own ramp),
  // and the voxel's fraction is read again against it, with the CT's say. Not on a lesion of low
  // contrast, whose CT is averaged across slices: there the outline's curvature from point to point
  // is the noise's, and a level read from it deepened the noise's dents (cr baseline L3: SDi
  // -1.08 ... +1.03 mm over draws 0-23).
  if (pooled.empty()) {
    const double blur = std::sqrt((single_slice ? 0.0 : o.smooth_mm * o.smooth_mm) + px * px / 12);
    std::vector<float> steep(n);
    for (size_t v = 0; v < n; ++v)
      steep[v] = std::clamp(0.5f + kCtOutlineSteepen * (r.fraction[v] - 0.5f), 0.0f, 1.0f);
    const std::vector<float> gathered = detail::blurAtOutline(steep, d, blur, 0.0);
    for (size_t v = 0; v < n; ++v) {
      if (!read_between[v] || junction[v] || by_plane[v] || std::isnan(gathered[v])) continue;
      const float level = std::clamp(gathered[v], kCtLevelMin, kCtLevelMax);
      r.fraction[v] = std::min(r.fraction[v] + w_ct[v] * (halfAtLevel(f_ct[v], level) - f_ct[v]), ceiling[v]);
    }
  }
}

std::vector<float> Delineation::pooledRawForFit(const std::vector<double>& area, double widest) const {
  // The slices' areas from the CT's partial volume (readEdges' scales) suit the smoothed CT's
  // iso-contour, not a fit of the outline to the raw pixels: the slab of a slice off the lesion's
  // equator cuts its surface obliquely, and the fit to that wide, lopsided ramp lies outside the
  // slab's mean section. Scaled by the partial-volume areas, the neighbours of vanished baseline L2
  // (noise-free) came in 2 % too large, and the fit to their mean measured LDi +0.27 mm (+0.04 on
  // the slice's own pixels). Scaled by the fits' own areas, each neighbour's fitted outline falls
  // on the slice's.
  const long nx = d.n[0], ny = d.n[1], nz = d.n[2];
  const size_t per = size_t(nx) * size_t(ny);
  std::vector<double> fit_area(size_t(nz), 0.0);
  for (long k = 0; k < nz; ++k) {
    const size_t kk = size_t(k);
    fit_area[kk] = area[kk] * d.mm[0] * d.mm[1];
    // Only the slices that may be pooled with a fitted one (area ratio kPoolMinScale^2 twice).
    if (area[kk] < std::pow(kPoolMinScale, 4) * widest) continue;
    const SliceEdge e = sliceEdge(k);
    RadialOutline start;
    Mask use;
    if (e.edge == 0 || !fitStart(k, e, start, use)) continue;
    const SlicePixels raw{raw_ct.data() + kk * per, nx, ny, d.mm[0], d.mm[1]};
    PixelFit free_fit;
    const PixelFit fit = fitEllipseIfItHolds(raw, use.data(), start, kFitBandVoxels * px, &free_fit);
    const PixelFit& kept = fit.ok ? fit : free_fit;
    if (kept.ok) fit_area[kk] = kept.outline.area();
  }
  Mask where(n);
  for (size_t v = 0; v < n; ++v) where[v] = lesion[v] || outside[v] <= band_out;
  std::vector<uint8_t> counted;
  return detail::poolAlongShape(raw_ct, lesion, where, d, kPoolMinScale, counted, &fit_area);
}

bool Delineation::fitStart(long k, const SliceEdge& e, RadialOutline& start, Mask& use) const {
  const size_t per = size_t(d.n[0]) * size_t(d.n[1]), k0 = size_t(k) * per;
  const SlicePixels fraction{r.fraction.data() + k0, d.n[0], d.n[1], d.mm[0], d.mm[1]};
  if (!radialOutlineOf(fraction, e.cx, e.cy, 8, start)) return false;
  use.resize(per);
  for (size_t q = 0; q < per; ++q) use[q] = !split_off[k0 + q] && !junction[k0 + q];
  return true;
}

bool Delineation::holdsOtherTissue(long k) const {
  // Tissue beyond the lesion's level from its background by half the contrast or more (fat beyond
  // the liver's surface beside a hypodense lesion at its edge), on the smoothed CT within the band
  // about the region: a third level the fit's two do not hold, where it covers 5 % of the region
  // and its band or more (liver_edge: 19-25 %). Less (a few voxels of a fissure beside vanished
  // baseline L2: 10 voxels, 1.4 %) the fit leaves out as it leaves out a vessel crossing the band.
  const size_t per = size_t(d.n[0]) * size_t(d.n[1]), k0 = size_t(k) * per;
  const double contrast = ring_median - mu;
  size_t other = 0, about = 0;
  for (size_t v = k0; v < k0 + per; ++v) {
    if (!lesion[v] && outside[v] > band_out) continue;
    ++about;
    other += (cts[v] - mu) * contrast < -0.5 * contrast * contrast;
  }
  return double(other) >= kOtherTissueShare * double(about);
}

void Delineation::fitToPixels() {
  // On a lesion of low contrast the CT's noise shapes the outline, and the slices above and below
  // average it out only where their cross-section is the same shape (readEdges). Where the slices
  // are thick for the lesion (5 mm against 16 mm) none is: there the outline of each of the lesion's
  // middle slices that averaged no neighbour (and of its widest if it averaged only one) is fitted to
  // the raw CT's pixels around it as a whole, each pixel the mix of the lesion's and the background's
  // levels by its share inside, as an ellipse where the pixels show no more than an ellipse; where
  // they show more (a lobulated lesion), the iso-contour keeps its shape and only its distance out or
  // in is fitted. The iso-contour reads each point of the edge from a few smoothed pixels; the fit
  // weighs every pixel the outline passes through by what it says about it. Each fitted outline is
  // then scaled from the slab's half-way level to the section through the slice's centre
  // (slabScale: above 1 only where the slab straddles the lesion's equator, its widest).
  // Where the slices are thin for the lesion and a slice did average its neighbours, its outline
  // (the averaged smoothed CT's iso-contour) is fitted the same way to the raw CT averaged likewise
  // (pooledRawForFit): the smoothing shrank a lobe's tip, and the longest chord rode the
  // iso-contour's noise outwards.
  if (pooled.empty() || single_slice || std::abs(ring_median - mu) < kFitMinContrastHu) return;
  const long nx = d.n[0], ny = d.n[1], nz = d.n[2];
  const size_t per = size_t(nx) * size_t(ny);
  const std::vector<double> area = outlineAreas();
  const double widest = *std::max_element(area.begin(), area.end());
  std::vector<float> pooled_raw;  // made when a slice needs it
  for (long k = 0; k < nz && widest > 0; ++k) {
    if (area[size_t(k)] < kPoolMinScale * kPoolMinScale * widest) continue;
    const size_t k0 = size_t(k) * per;
    // Only where nothing but the lesion and its background lies around the outline. Where the
    // slice's own CT drew it alone, its raw pixels; where the slice averaged its neighbours, the raw
    // CT averaged likewise (pooledRawForFit).
    const SliceEdge e = sliceEdge(k);
    const bool unaveraged = 2 * e.alone >= e.edge || (area[size_t(k)] == widest && 2 * e.half >= e.edge);
    if (e.edge == 0 || !e.clean()) continue;
    if (!unaveraged && holdsOtherTissue(k)) continue;
    if (!unaveraged && pooled_raw.empty()) pooled_raw = pooledRawForFit(area, widest);
    const std::vector<float>& pixels = unaveraged ? raw_ct : pooled_raw;
    RadialOutline start;
    Mask use;
    if (!fitStart(k, e, start, use)) continue;
    const SlicePixels raw{pixels.data() + k0, nx, ny, d.mm[0], d.mm[1]};
    const double band_mm = kFitBandVoxels * px;
    const PixelFit fit = fitEllipseIfItHolds(raw, use.data(), start, band_mm);
    const double scale =
        k > 0 && k + 1 < nz ? slabScale(area[size_t(k - 1)], area[size_t(k)], area[size_t(k + 1)], d.mm[2]) : 1.0;
    // A fit is kept where it used most of the band's pixels and its two levels stand apart.
    auto holds = [&](const PixelFit& f) {
      return f.ok && double(f.pixels) >= 0.8 * double(f.band) &&
             std::abs(f.inside - f.outside) >= 0.5 * std::abs(mu - ring_median);
    };
    if (!fit.ok && fit.excess >= kEllipseExcessLimit) {
      // Not an ellipse (a lobulated lesion): its iso-contour's shape stays, moved out or in by the
      // distance its pixels show, and scaled likewise.
      RadialOutline shape;
      const SlicePixels fraction{r.fraction.data() + k0, nx, ny, d.mm[0], d.mm[1]};
      if (!radialOutlineOf(fraction, e.cx, e.cy, 16, shape)) continue;
      const PixelFit m = fitMeanRadiusToPixels(raw, use.data(), shape, band_mm);
      if (!holds(m)) continue;
      const double shift = m.outline.c[0] - shape.c[0];
      if (std::abs(shift) > kFitMaxMoveVoxels * px) continue;
      moveAlongRays(r.fraction.data() + k0, nx, ny, d.mm[0], d.mm[1], shape, shift, scale, 2 * band_mm);
      continue;
    }
    if (!holds(fit) || largestMove(start, fit.outline) > kFitMaxMoveVoxels * px) continue;
    drawFitted(k, fit.outline, scale, band_mm);
  }
}

Delineation::SliceEdge Delineation::sliceEdge(long k, bool planes_clean) const {
  SliceEdge e;
  const size_t per = size_t(d.n[0]) * size_t(d.n[1]), k0 = size_t(k) * per;
  const float reach = float(std::pow(2 * px, 2) + 1e-3);
  double inside_n = 0;
  for (size_t q = 0; q < per; ++q) {
    const size_t v = k0 + q;
    if (r.fraction[v] >= 0.5f && outside[v] <= reach) {
      e.cx += double(q % size_t(d.n[0])) * d.mm[0];
      e.cy += double(q / size_t(d.n[0])) * d.mm[1];
      inside_n += 1;
    }
    if (!near_edge[v]) continue;
    ++e.edge;
    e.alone += slices[v] == 1;
    e.half += slices[v] < 3;
    if (w_contrast[v] <= 0) continue;
    ++e.drawn;
    e.clean_n += !split_off[v] && !junction[v] && (by_plane[v] ? planes_clean : w_ct[v] >= 0.9f * w_contrast[v]);
  }
  if (inside_n > 0) {
    e.cx /= inside_n;
    e.cy /= inside_n;
  }
  return e;
}

std::vector<double> Delineation::outlineAreas() const {
  const size_t per = size_t(d.n[0]) * size_t(d.n[1]);
  const float reach = float(std::pow(2 * px, 2) + 1e-3);
  std::vector<double> area(size_t(d.n[2]), 0.0);
  for (size_t v = 0; v < n; ++v)
    if (r.fraction[v] >= 0.5f && outside[v] <= reach) area[v / per] += 1;
  return area;
}

void Delineation::drawFitted(long k, const RadialOutline& fitted, double scale, double band_mm) {
  const long nx = d.n[0], ny = d.n[1];
  const size_t k0 = size_t(k) * size_t(nx) * size_t(ny);
  RadialOutline outline = fitted;  // an ellipse's semi-axes scale, a Fourier outline's coefficients
  for (size_t q = 0; q < (outline.ellipse ? 2 : outline.c.size()); ++q) outline.c[q] *= scale;
  for (long j = 0; j < ny; ++j)
    for (long i = 0; i < nx; ++i) {
      const size_t v = k0 + size_t(j * nx + i);
      const double x = double(i) * d.mm[0] - outline.cx, y = double(j) * d.mm[1] - outline.cy;
      const double off = std::hypot(x, y) - outline.radius(std::atan2(y, x));
      if (off < -band_mm) r.fraction[v] = 1;
      else if (off <= band_mm) r.fraction[v] = float(shareInside(outline, i, j, d.mm[0], d.mm[1]));
      else if (off <= 2 * band_mm) r.fraction[v] = 0;
    }
}

void Delineation::fitThickSlices() {
  // A lesion short for its slices (a node 13 mm long on 5 mm slices) is not on any slice as it is
  // through the slice's centre: each voxel averages the slab, whose sections narrow towards the
  // lesion's ends, so the edge on the image is a ramp, not a step, and the iso-contour of the smoothed
  // CT sits inside the section through the slice's centre (the truth a reader measures against) by
  // up to 0.4 mm a side (the 18 x 13 x 13 mm node of too-small fu1: LDi -0.84 mm without noise).
  // Against fat, on each of the lesion's middle slices whose edge is clean, an ellipse (or, where the
  // pixels show more, the free outline of orders 0-8) is fitted to the raw pixels, each the mix of the
  // lesion's and the background's levels by its share inside, which draws about the section of the
  // slab's mean area; it is scaled from that to the section through the slice's centre by the
  // lesion's profile along z: an ellipsoid's (area a parabola in z) fitted to the slab areas of its
  // slices from the CT's partial volume (slabProfileOf). Only where that scale is 1 % or more. A
  // lesion on one or two slices, where no profile stands, is fitted as an ellipsoid instead.
  if (!pooled.empty() || std::abs(ring_median - mu) < kCtSayFromHu + kCtSaySpanHu) return;
  const long nx = d.n[0], ny = d.n[1], nz = d.n[2];
  const size_t per = size_t(nx) * size_t(ny);
  // The background: the ring's voxels on its side of the lesion by half the contrast or more (fat,
  // not the muscle or vessel that may also lie in the ring).
  const Ring around(px);
  std::vector<float> far_side;
  for (size_t v = 0; v < n; ++v)
    if (around.holds(outside[v]) && (raw_ct[v] - mu) * (ring_median - mu) >= 0.5 * std::pow(ring_median - mu, 2))
      far_side.push_back(raw_ct[v]);
  if (far_side.size() < 20) return;
  const double bg = median(far_side);
  // Each slice's slab area (mm^2) from the CT's partial volume against that background
  // (partialVolumeAreas): within two voxels of the region, and on a slice beyond its ends (the
  // lesion's tip) within a voxel of the next slice's region; unknown (-1) on other slices.
  const float near = float(std::pow(2 * px, 2) + 1e-3), next = float(px * px + 1e-3);
  std::vector<char> has(size_t(nz), 0);
  for (size_t v = 0; v < n; ++v) has[v / per] = has[v / per] || lesion[v];
  Mask where(n);
  std::vector<double> slab(size_t(nz), -1.0);
  for (long k = 0; k < nz; ++k) {
    const bool own = has[size_t(k)];
    const long from = own ? k : (k > 0 && has[size_t(k - 1)] ? k - 1 : (k + 1 < nz && has[size_t(k + 1)] ? k + 1 : -1));
    if (from < 0) continue;
    slab[size_t(k)] = 0;
    for (size_t q = 0; q < per; ++q) {
      const size_t u = size_t(from) * per + q;
      where[size_t(k) * per + q] = !split_off[u] && !junction[u] && outside[u] <= (own ? near : next);
    }
  }
  const std::vector<double> pv = partialVolumeAreas(raw_ct, where, &bg);
  for (long k = 0; k < nz; ++k)
    if (slab[size_t(k)] >= 0) slab[size_t(k)] = std::max(0.0, pv[size_t(k)]) * d.mm[0] * d.mm[1];
  const std::vector<double> drawn_area = outlineAreas();
  const SlabProfile profile = slabProfileOf(slab, d.mm[2]);
  // The profile stands on three slices that hold the lesion, and on a lesion at least two slices
  // long: a shorter one (the 12 x 8 x 8 mm node of cr fu1 on 5 mm slices, two slices) leaves its
  // three parameters to the noise (scale 1.13 on draw 33, LDi +1.45 mm; the truth's 1.0). A slab
  // holds the lesion where its area is kProfileHoldShare of the largest slab's or more: the noise
  // leaves a few tenths of a mm^2 in an empty slab's area.
  const double most = *std::max_element(slab.begin(), slab.end());
  const long holding =
      std::count_if(slab.begin(), slab.end(), [&](double a) { return a > 0 && a >= kProfileHoldShare * most; });
  const double widest = *std::max_element(drawn_area.begin(), drawn_area.end());
  // Without a profile, a lesion on one or two slices is fitted as an ellipsoid to its slabs' pixels
  // instead (fitShortLesion).
  if (single_slice || !profile.ok || holding < 3 || profile.c < d.mm[2]) {
    if (std::count(has.begin(), has.end(), char(1)) <= 2) fitShortLesion(drawn_area, widest, far_side, bg);
    return;
  }
  for (long k = 0; k < nz && widest > 0; ++k) {
    if (drawn_area[size_t(k)] < kPoolMinScale * kPoolMinScale * widest) continue;
    const double mean = profile.slabMean(double(k) * d.mm[2], d.mm[2]);
    if (!(mean > 0)) continue;
    const double scale = std::sqrt(profile.at(double(k) * d.mm[2]) / mean);
    const SliceEdge e = sliceEdge(k, true);
    if (scale < kThickMinScale || scale > 1 / kPoolMinScale || e.edge == 0 || !e.clean()) continue;
    const size_t k0 = size_t(k) * per;
    RadialOutline start;
    const SlicePixels fraction{r.fraction.data() + k0, nx, ny, d.mm[0], d.mm[1]};
    if (!radialOutlineOf(fraction, e.cx, e.cy, 8, start)) continue;
    // The pixels of the lesion and the fat around it: not a neighbour split off, nor tissue more than
    // a voxel beyond the region (the muscle beyond a fat plane).
    const double band_mm = kFitBandVoxels * px;
    Mask use(per);
    for (size_t q = 0; q < per; ++q) use[q] = fitsPixel(k0 + q);
    // The fit's two levels do not describe a band that holds a third tissue (lung beside the
    // axillary node of cr baseline, L2: its free outline ran off, levels -16 and -846 HU; with the
    // lung's pixels left out, the lung side of a node's tip had no pixels to place it, and the
    // 11.4 mm node of sample fu1, L2, measured LDi -1.05 mm on draw 5).
    if (bandHoldsThirdTissue(k, start, band_mm, use.data(), bg, mu)) continue;
    const SlicePixels raw{raw_ct.data() + k0, nx, ny, d.mm[0], d.mm[1]};
    // An ellipse where the pixels show no more than one; else the free outline (orders 0-8), which
    // at this contrast (a node in fat: 130 HU against 12 HU of noise) is steady on its own.
    PixelFit free;
    PixelFit fit = fitEllipseIfItHolds(raw, use.data(), start, band_mm, &free);
    if (!fit.ok) fit = free;
    // Kept where it used most of the band's pixels, its two levels stand apart, and it moves the
    // outline by no more than 1.5 voxels anywhere.
    if (!fit.ok || double(fit.pixels) < 0.8 * double(fit.band) ||
        std::abs(fit.inside - fit.outside) < 0.5 * std::abs(mu - bg) ||
        largestMove(start, fit.outline) > kFitMaxMoveVoxels * px)
      continue;
    drawFitted(k, fit.outline, scale, band_mm);
  }
}

bool Delineation::fitsPixel(size_t v) const {
  return !split_off[v] && !junction[v] && !(tissue[v] && !lesion[v] && outside[v] > float(px * px) + 1e-3f);
}

bool Delineation::bandHoldsThirdTissue(long k, const RadialOutline& outline, double band_mm, const uint8_t* use,
                                       double outside_hu, double inside_hu) const {
  const size_t per = size_t(d.n[0]) * size_t(d.n[1]), k0 = size_t(k) * per;
  size_t in_band = 0, third = 0;
  for (size_t q = 0; q < per; ++q) {
    const double x = double(q % size_t(d.n[0])) * d.mm[0] - outline.cx;
    const double y = double(q / size_t(d.n[0])) * d.mm[1] - outline.cy;
    if (!use[q] || std::abs(std::hypot(x, y) - outline.radius(std::atan2(y, x))) > band_mm) continue;
    ++in_band;
    const double f = (raw_ct[k0 + q] - outside_hu) / (inside_hu - outside_hu);
    third += f < -0.5 || f > 1.5;
  }
  return double(third) > 0.02 * double(in_band);
}

void Delineation::fitShortLesion(const std::vector<double>& drawn_area, double widest,
                                 const std::vector<float>& background, double bg) {
  // A lesion on one or two slices (a node 12 x 8 x 8 mm on 5 mm slices) is on no slice as it is
  // through the slice's centre, and no slice holds it whole: where its equator lies in a slab, that
  // slab's voxels at its edge hold only the part of its height within the slab, so the iso-contour
  // lies a quarter of the slab from the equator (the section narrower than the one through the
  // slice's centre, 0.6 mm of LDi on that node) and, with nothing else on the image, it ends in a
  // cliff the pixels sample coarsely (another 0.3 mm); where the equator lies near the slab's edge,
  // its core is not full and the lesion's level is read low. Without noise such nodes measured 0.9 mm
  // short on LDi with the equator at a slice's centre (bench/short_nodes.cpp).
  // Here the lesion is fitted as an ellipsoid with one axis along z to the raw pixels of its slices
  // and the slices on either side (fitShortEllipsoid: each pixel the background plus the contrast
  // times the slab's share of lesion over it), and drawn as its sections through the slices' centres.
  // Its half-length along z is held near its short in-plane semi-axis (a prior of 1 mm, weighed
  // against the noise): on a single slice the pixels hardly tell it from the contrast. Where the
  // equator lies within a twentieth of a slice of the boundary between two slabs, the two slabs see
  // nearly the same and mostly the contrast times the half-length shows; the section through either
  // centre is not determined (the fit took a 14 x 10 x 8 mm node's section to +1.4 mm there), and
  // nothing is drawn. The opening does not shave what is drawn.
  const long nx = d.n[0], ny = d.n[1], nz = d.n[2];
  const size_t per = size_t(nx) * size_t(ny);
  const double t = d.mm[2];
  long k = -1;
  for (long q = 0; q < nz && widest > 0; ++q)
    if (drawn_area[size_t(q)] == widest) k = q;
  if (k < 0) return;
  const SliceEdge e = sliceEdge(k, true);
  if (e.edge == 0 || !e.clean()) return;
  RadialOutline start;
  const SlicePixels fraction{r.fraction.data() + size_t(k) * per, nx, ny, d.mm[0], d.mm[1]};
  if (!radialOutlineOf(fraction, e.cx, e.cy, 8, start)) return;
  const RadialOutline el = ellipseOf(start);
  // The pixels of the lesion and its background: not a neighbour split off, nor tissue more than a
  // voxel beyond the region (the muscle beyond a fat plane). Not where a third tissue (lung) lies in
  // the band around the outline on the widest slice, which two levels do not describe.
  Mask use(n);
  for (size_t v = 0; v < n; ++v) use[v] = fitsPixel(v);
  const double band_mm = kFitBandVoxels * px;
  // The noise, for the prior's weight: the robust spread of the background's voxels in the ring.
  std::vector<float> spread(background.size());
  for (size_t q = 0; q < background.size(); ++q) spread[q] = std::abs(background[q] - float(bg));
  const double noise = std::max(1.0, 1.4826 * median(spread));
  const BoxPixels box{raw_ct.data(), nx, ny, nz, d.mm[0], d.mm[1], t};
  ShortFit best;
  for (double dz : {-t / 3, 0.0, t / 3}) {
    const ZEllipsoid s0{el.cx, el.cy, 1.05 * el.c[0], 1.05 * el.c[1], el.c[2], double(k) * t + dz, 1.05 * el.c[1]};
    const ShortFit f = fitShortEllipsoid(box, use.data(), {k - 1, k, k + 1}, s0, band_mm, noise / kShortPriorMm);
    if (f.ok && (!best.ok || f.rms < best.rms)) best = f;
  }
  if (!best.ok || std::abs(best.inside - best.outside) < 0.5 * std::abs(mu - ring_median)) return;
  if (bandHoldsThirdTissue(k, start, band_mm, use.data() + size_t(k) * per, best.outside, best.inside)) return;
  long nearest = k;
  for (long q = std::max(0L, k - 1); q <= std::min(nz - 1, k + 1); ++q)
    if (std::abs(double(q) * t - best.e.ze) < std::abs(double(nearest) * t - best.e.ze)) nearest = q;
  if (std::abs(best.e.ze - double(nearest) * t) > (0.5 - kShortBoundaryShare) * t) return;
  RadialOutline section;
  section.ellipse = true;
  section.cx = best.e.cx;
  section.cy = best.e.cy;
  section.c = {best.e.a, best.e.b, best.e.angle};
  // The ellipsoid's section through slice q's centre.
  auto sectionAt = [&](long q) {
    RadialOutline s = section;
    const double scale = best.e.sectionScale(double(q) * t);
    s.c[0] *= scale;
    s.c[1] *= scale;
    return std::make_pair(s, scale);
  };
  const auto [at_k, scale_k] = sectionAt(k);
  if (!(scale_k > 0) || largestMove(start, at_k) > kFitMaxMoveVoxels * px) return;
  for (long q = std::max(0L, k - 1); q <= std::min(nz - 1, k + 1); ++q) {
    const auto [at_q, scale] = sectionAt(q);
    if (!(scale > 0) || drawn_area[size_t(q)] <= 0) continue;
    drawFitted(q, section, scale, band_mm);
    model_sections.emplace_back(q, at_q);
  }
}

void Delineation::finalMask() {
  // The final mask: the outline's inside, within two voxels of the delineated region (the outline
  // moves the boundary by a fraction of a voxel, it does not annex neighbours), opened again.
  r.mask.assign(d.count(), 0);
  const float reach = float(std::pow(2 * px, 2) + 1e-3);
  for (size_t v = 0; v < r.mask.size(); ++v) r.mask[v] = r.fraction[v] >= 0.5f && outside[v] <= reach;
  if (!r.mask[seed]) {
    const size_t s2 = nearestInSlice(r.mask, d, si, sj, sk, 3.0);
    if (s2 != std::string::npos) seed = s2;
  }
  // The final opening is wider: where an organ's surface meets the lesion (liver, fat and lesion
  // at one corner), partial-volume voxels of the lesion's HU form beaks two or three voxels wide.
  // Holes deeper inside the lesion than the opening's radius are filled first: on a small lesion
  // read from the unsmoothed CT the noise may take a voxel near its centre under half lesion, and
  // the opening of the ring around that hole kept a third of a 12 x 8 mm node (cr fu1 L1 on draw
  // 22). Holes nearer the edge are part of the ragged edge the opening cleans (filling them too
  // lengthened the lesion at the liver's edge of the measurement scenes, LDi +0.76 -> +1.41 mm).
  const double r_final = 2.5 * std::max(d.mm[0], d.mm[1]);
  {
    Mask filled = r.mask;
    detail::fillHolesInPlane(filled, d);
    const std::vector<float> depth = detail::distanceInside(filled, d, true);
    for (size_t v = 0; v < n; ++v)
      if (filled[v] && !r.mask[v] && depth[v] >= float(r_final * r_final)) r.mask[v] = 1;
  }
  r.mask = openInPlane(detail::componentOf(r.mask, d, seed), d, r_final, seed, si, sj, sk);
  // A slice drawn from the ellipsoid of a lesion on one or two slices is the model's section, with
  // no beaks to clean; the opening's disc (2.5 voxels: 3.75 mm on 1.5 mm pixels) would shave the
  // tips of a node 8 mm wide, so its voxels at half or more are kept.
  for (const auto& [k, outline] : model_sections) {
    const size_t k0 = size_t(k) * size_t(d.n[0]) * size_t(d.n[1]);
    for (long j = 0; j < d.n[1]; ++j)
      for (long i = 0; i < d.n[0]; ++i) {
        const size_t v = k0 + size_t(j * d.n[0] + i);
        const double x = double(i) * d.mm[0] - outline.cx, y = double(j) * d.mm[1] - outline.cy;
        if (r.fraction[v] >= 0.5f && std::hypot(x, y) <= outline.radius(std::atan2(y, x)) + px) r.mask[v] = 1;
      }
  }
  detail::fillHolesInPlane(r.mask, d);
  const auto [m_lo, m_hi] = sliceRange(r.mask, d);
  if (m_hi >= 0) {
    const CapInputs in{cts, mu, fat_hu, r.pet.avid ? &suv : nullptr, overall_cut};
    addEndCap(r, d, m_lo, m_lo - 1, in);
    addEndCap(r, d, m_hi, m_hi + 1, in);
  }
  size_t count = 0;
  for (uint8_t m : r.mask) count += m;
  r.volume_ml = double(count) * d.mm[0] * d.mm[1] * d.mm[2] / 1000.0;
  r.found = count > 0;
  std::string how = r.pet.avid ? "CT soft tissue split at necks, kept where PET uptake " + fmt(r.pet.peak, 2) +
                                     " SUV stands above background " + fmt(r.pet.background, 2) +
                                     " (PET edge at " + fmt(100 * r.pet.edge_level, 0) + " %)"
                               : std::string("CT soft tissue split at necks") +
                                     (r.pet.available ? " (not FDG-avid: PET " + fmt(r.pet.peak, 2) + " vs " +
                                                            fmt(r.pet.background, 2) + " SUV)"
                                                      : " (no PET)");
  r.reason = r.found ? how + "; lesion " + fmt(mu, 0) + " HU, " + fmt(r.volume_ml, 2) + " ml"
                     : "nothing left at the seed " + pointText(r.seed_mm) + " mm after delineation";
}

}  // namespace recap::segmentation::detail
