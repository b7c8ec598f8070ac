// The stages of a delineation that find the lesion's region: the soft tissue at the seed split
// into blobs, the PET around it, the PET's cut and the in-plane opening (see delineation.h).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "delineation.h"
#include "ops.h"

namespace recap::segmentation::detail {

Delineation::Delineation(const dicom::Image& ct_image, const dicom::Image* pet_image, const Frame& full_frame,
                         const Point3& seed_idx, const Point3& seed_mm, double half_mm, const SegmentOptions& options)
    : ct(ct_image), pet(pet_image), full(full_frame), o(options) {
  r.seed_mm = seed_mm;
  r.box = boxAround(full, seed_idx, half_mm);
  d.n = r.box.frame.size;
  d.mm = r.box.frame.spacing;
  n = d.count();
  si = std::lround(seed_idx[0]) - r.box.offset[0];
  sj = std::lround(seed_idx[1]) - r.box.offset[1];
  sk = std::lround(seed_idx[2]) - r.box.offset[2];
}

Attempt Delineation::run() {
  if (!findSeedTissue()) return std::move(at);
  readPetContext();
  cutByPet();
  if (!openRegion()) return std::move(at);
  readRing();
  readEdges();
  calibratePetLevel();
  limitSayAlongContacts();
  readBesideFatPlanes();
  drawOutline();
  correctCtLevel();
  fitToPixels();
  fitThickSlices();
  finalMask();
  return std::move(at);
}

double Delineation::petPosition(size_t v) const {
  const double bg = std::min(double(local_bg[v]), r.pet.background + 0.5 * excess);
  return std::clamp((suv[v] - bg) / (r.pet.peak - bg), 0.0, 1.0);
}

float Delineation::alikeFactor(const std::vector<float>& alike, const std::vector<float>& weight, size_t v) const {
  return float(std::clamp(1 - (alike[v] / weight[v] - kAlikeFrom) / kAlikeSpan, 0.0f, 1.0f));
}

bool Delineation::tissueAround(double disc_max) {
  // Soft tissue of the lesion's density connected to the seed.
  // Never below the half-way level between soft tissue and fat: a seed whose HU is pulled towards
  // fat by partial volume must not take the fat around it.
  const double band_low = std::max(mu0 - o.band_below_hu, kFatSoftTissueMidHu);
  const double band_high = (mu0 < 0 ? std::max(mu0, disc_max) : mu0) + o.band_above_hu;
  band.assign(d.count(), 0);
  for (size_t v = 0; v < band.size(); ++v) band[v] = cts[v] >= band_low && cts[v] <= band_high && !valley[v];
  seed = d.at(si, sj, sk);
  if (!band[seed]) seed = nearestInSlice(band, d, si, sj, sk, 2.0);
  if (seed == std::string::npos) {
    r.reason = "no tissue of the lesion's density within 2 mm of the seed " + pointText(r.seed_mm) + " mm";
    return false;
  }
  tissue = detail::componentOf(band, d, seed);
  detail::fillHolesInPlane(tissue, d);
  return true;
}

double Delineation::seedTissueHu(size_t disc_count) const {
  // The median of the smoothed CT over the seed's tissue within kSeedTissueMm of the seed (in-plane,
  // and along z on the slices whose centre lies that close), leaving out the voxels within
  // kSeedTissueInsetVoxels of the tissue's edge in-plane (the partial-volume rim). NaN where that
  // holds fewer than kSeedTissueMinShare times the disc's voxels (a node of a few millimetres).
  const long ri = long(kSeedTissueMm / d.mm[0]), rj = long(kSeedTissueMm / d.mm[1]), rk = long(kSeedTissueMm / d.mm[2]);
  const long inset = kSeedTissueInsetVoxels;
  std::vector<float> sample;
  for (long k = sk - rk; k <= sk + rk; ++k)
    for (long j = sj - rj; j <= sj + rj; ++j)
      for (long i = si - ri; i <= si + ri; ++i) {
        const double dx = double(i - si) * d.mm[0], dy = double(j - sj) * d.mm[1];
        if (!d.contains(i, j, k) || dx * dx + dy * dy > kSeedTissueMm * kSeedTissueMm || !tissue[d.at(i, j, k)]) continue;
        bool deep = true;
        for (long b = j - inset; b <= j + inset && deep; ++b)
          for (long a = i - inset; a <= i + inset && deep; ++a) deep = d.contains(a, b, k) && tissue[d.at(a, b, k)];
        if (deep) sample.push_back(cts[d.at(i, j, k)]);
      }
  if (double(sample.size()) < kSeedTissueMinShare * double(disc_count)) return std::nan("");
  return median(sample);
}

bool Delineation::findSeedTissue() {
  raw_ct = cut(ct, r.box);
  cts = raw_ct;
  detail::smoothInPlane(cts, d, o.smooth_mm);

  // The seed's own tissue: median of the smoothed CT in a 2 mm disc on its slice.
  std::vector<float> near;
  for (long j = sj - 4; j <= sj + 4; ++j)
    for (long i = si - 4; i <= si + 4; ++i) {
      const double dx = double(i - si) * d.mm[0], dy = double(j - sj) * d.mm[1];
      if (d.contains(i, j, sk) && dx * dx + dy * dy <= 4.0) near.push_back(cts[d.at(i, j, sk)]);
    }
  if (near.empty()) near.push_back(cts[d.at(si, sj, sk)]);
  // The disc's median, unless it falls outside soft tissue and its upper quartile does not: in a
  // node of a few millimetres on thick slices, the disc reaches the partial-volume rim and the
  // median is a coin toss about the lower limit (-32 to -44 HU over nine noise draws of a 4 mm node
  // on 5 mm slices, whose upper quartile stays at -16 to -23 HU).
  auto softTissue = [&](double hu) { return hu >= o.min_lesion_hu && hu <= o.max_lesion_hu; };
  mu0 = median(near);
  if (!softTissue(mu0)) {
    const double upper = quantile(near, 0.75);
    if (softTissue(upper)) mu0 = upper;
  }
  if (!softTissue(mu0)) {
    r.reason = "no soft tissue at the seed " + pointText(r.seed_mm) + " mm: " + fmt(mu0, 0) + " HU (" +
               (mu0 < o.min_lesion_hu ? (mu0 < kLungBelowHu ? "air or lung" : "fat") : "bone or contrast") +
               "); a lesion needs " + fmt(o.min_lesion_hu, 0) + " to " + fmt(o.max_lesion_hu, 0) + " HU";
    return false;
  }

  // A thin fat plane between the lesion and a neighbour of its density (a node just off the psoas)
  // is filled in by blur and smoothing; its valley is not the lesion's tissue (and its edge voxels
  // read the fat plane, below).
  valley = detail::valleysInPlane(cts, d, kValleyHu, 2.5);
  // No node is below 0 HU: a seed disc that is comes from a node of a few millimetres in partial
  // volume, whose densest voxels stand well above the disc's median.
  const double disc_max = *std::max_element(near.begin(), near.end());
  if (!tissueAround(disc_max)) return false;
  // The disc's median carries the smoothed CT's noise: over draws 0-9 of pd-spleen fu1 L1 (a node
  // of 39 HU on the psoas, 12 HU of noise) it read 35.5 to 46.2 HU. The band's upper limit, 15 HU
  // above it, cuts through a neighbour 10 HU denser than the lesion where it reads low: on draw 90
  // (33.5 HU) the muscle under the node came apart into fragments, some joined the node's basin,
  // and where the CT has no say they drew its tip along the muscle (LDi +1.43 mm, limit 1.40). So
  // the seed's HU is read again from its tissue around it, away from the tissue's edge
  // (seedTissueHu: several times the disc's voxels; 37.8 to 41.5 HU over those draws), and where
  // that read differs from the disc's by more than kSeedTissueTrustHu the band is drawn anew from it.
  // Not where the two agree: the band's upper limit sits 10 HU below the liver around a hypodense
  // lesion, and on vanished baseline L2 (draw 0) a band 1.7 HU higher took in liver voxels beside
  // the lesion, which left too little of its edge to the CT for its widest slice to be fitted to
  // the pixels (SDi +1.08 mm, limit 1.00).
  const double refined = seedTissueHu(near.size());
  if (!std::isnan(refined) && std::abs(refined - mu0) > kSeedTissueTrustHu) {
    mu0 = refined;
    if (!tissueAround(disc_max)) return false;
  }

  // Split blobs joined by necks (a node touching a vessel, muscle or organ of the same density).
  std::vector<float> depth = detail::distanceInside(tissue, d, false);
  for (float& v : depth) v = std::sqrt(v);
  basin = detail::watershedByDynamics(depth, tissue, d, float(o.split_depth_mm));
  seed_basin = basin[seed];
  basins = 0;
  for (int b : basin) basins = std::max(basins, b);
  lesion.assign(d.count(), 0);
  for (size_t v = 0; v < lesion.size(); ++v) lesion[v] = basin[v] == seed_basin;
  blobs = lesion;
  return true;
}

void Delineation::readPetContext() {
  // PET: is the lesion avid, and which neighbouring blobs share its uptake?
  if (pet && o.use_pet) {
    suv = resample(*pet, r.box.frame, -1.0f);
    if (suv[seed] >= 0) r.pet.available = true;
    const Frame pf = Frame::of(*pet);
    const double psf = o.pet_fwhm_mm / 2.3548200450309493, xy = std::max(pf.spacing[0], pf.spacing[1]);
    pet_sigma = {std::sqrt(psf * psf + xy * xy / 6), std::sqrt(psf * psf + pf.spacing[2] * pf.spacing[2] / 6)};
  }
  if (r.pet.available) {
    std::vector<float> in_lesion;
    for (size_t v = 0; v < lesion.size(); ++v)
      if (lesion[v] && suv[v] >= 0) in_lesion.push_back(suv[v]);
    std::sort(in_lesion.begin(), in_lesion.end(), std::greater<float>());
    const size_t top = std::max<size_t>(1, in_lesion.size() / 50);
    double sum = 0;
    for (size_t t = 0; t < top && t < in_lesion.size(); ++t) sum += in_lesion[t];
    r.pet.peak = sum / double(top);
    // Background: the soft tissue 8-20 mm (beyond the PET blur) around the seed's blob and the hot
    // spot at half its uptake (the lesion may reach beyond the blob), else everything there, leaving
    // out what is as hot as the lesion.
    Mask hot_spot(d.count());
    for (size_t v = 0; v < hot_spot.size(); ++v) hot_spot[v] = suv[v] >= 0.5 * r.pet.peak;
    hot_spot = detail::componentOf(hot_spot, d, seed);
    for (size_t v = 0; v < hot_spot.size(); ++v) hot_spot[v] = hot_spot[v] || lesion[v];
    const std::vector<float> away = detail::distanceOutside(hot_spot, d, false);
    std::vector<float> soft, any;
    for (size_t v = 0; v < away.size(); ++v) {
      if (!inShell(away[v]) || suv[v] < 0 || suv[v] >= 0.5 * r.pet.peak) continue;
      any.push_back(suv[v]);
      if (tissue[v]) soft.push_back(suv[v]);
    }
    r.pet.background = soft.size() >= 20 ? median(soft) : (any.empty() ? 0.0 : median(any));
    // A lesion that stands little above a warm organ (a lesion in the liver at 1.1-1.5 x the liver's
    // uptake): the organ is at more than half the lesion's peak, so the hot spot above is the organ
    // and the shell around it is fat and muscle, far colder than what surrounds the lesion. When the
    // hot spot covers most of the shell 8-20 mm around the lesion's own blob, that shell, warm
    // voxels included, is the background (and the lesion is then seldom avid against it).
    const std::vector<float> around_blob = detail::distanceOutside(lesion, d, false);
    size_t shell = 0, shell_hot = 0;
    std::vector<float> near_blob;
    for (size_t v = 0; v < around_blob.size(); ++v)
      if (inShell(around_blob[v]) && suv[v] >= 0) {
        ++shell;
        shell_hot += hot_spot[v];
        near_blob.push_back(suv[v]);
      }
    const bool warm_organ = shell >= 20 && double(shell_hot) > kWarmShellShare * double(shell);
    if (warm_organ) r.pet.background = median(near_blob);
    // The background differs from side to side (psoas 0.8, aorta 1.7, kidney 3 SUV): a local estimate
    // from the same shell, spread in-plane, places the outline against each neighbour.
    std::vector<float> bsum(d.count(), 0.0f), weight(d.count(), 0.0f);
    for (size_t v = 0; v < away.size(); ++v) {
      const bool in_shell =
          warm_organ ? inShell(around_blob[v]) : inShell(away[v]) && suv[v] < 0.5 * r.pet.peak;
      if (band[v] && in_shell && suv[v] >= 0) {
        bsum[v] = suv[v];
        weight[v] = 1;
      }
    }
    detail::smoothInPlane(bsum, d, 4.0);
    detail::smoothInPlane(weight, d, 4.0);
    local_bg.resize(d.count());
    for (size_t v = 0; v < local_bg.size(); ++v)
      local_bg[v] = weight[v] > 0.02f ? bsum[v] / weight[v] : float(r.pet.background);
    r.pet.avid = r.pet.peak >= o.pet_min_contrast * r.pet.background &&
                 r.pet.peak - r.pet.background >= o.pet_min_excess;
  }
}

void Delineation::cutByPet() {
  excess = r.pet.peak - r.pet.background;
  // The PET cut against the lesion's overall background (the rim against fat and the end caps).
  overall_cut = r.pet.background + kPetCutShare * excess;
  if (r.pet.avid) {
    // Blobs that are hot as a whole belong to the lesion (lobes of an irregular mass).
    std::vector<std::vector<float>> per(size_t(basins) + 1);
    for (size_t v = 0; v < basin.size(); ++v)
      if (basin[v] && suv[v] >= 0) per[size_t(basin[v])].push_back(suv[v]);
    std::vector<uint8_t> hot(size_t(basins) + 1, 0);
    for (int b = 1; b <= basins; ++b)
      hot[size_t(b)] = b == seed_basin || (!per[size_t(b)].empty() &&
                                           median(per[size_t(b)]) >= r.pet.background + 0.5 * excess);
    // ... and only where the PET says lesion (a node inside an organ of the same density). The cut
    // is low, so that it only removes what is clearly not lesion: the outline itself is placed
    // below, half-way between lesion and background.
    // The watershed line between two touching blobs need not follow their contact exactly, so the
    // PET decides up to 3 mm beyond the hot blobs, within the tissue band.
    for (size_t v = 0; v < blobs.size(); ++v) blobs[v] = basin[v] && hot[size_t(basin[v])];
    const std::vector<float> beyond = detail::distanceOutside(blobs, d, true);
    for (size_t v = 0; v < lesion.size(); ++v) {
      const double bg = std::min(double(local_bg[v]), r.pet.background + 0.5 * excess);
      lesion[v] = basin[v] && beyond[v] <= 9.0f && suv[v] >= bg + kPetCutShare * (r.pet.peak - bg);
    }
    // The cut does not shave the lesion's own rim against fat. The local background is that of the
    // soft tissue nearby, and where a warm neighbour lies across fat (the aorta 7 mm off the tip of
    // a para-aortic node: 1.7 SUV against the psoas's 0.8) it is that neighbour's uptake, not what
    // reaches the lesion's tip; the tip's partial-volume voxels fell under the cut, the region ended
    // two voxels inside the edge, beyond the CT's reach, and the PET drew the tip 1 mm short (too-small
    // fu1 L2 on draws 17 and 21). A voxel of the tissue band (any watershed basin, within the 3 mm
    // the PET decides) next to the kept region and next to fat, in the partial volume
    // (kRimBelowLesionHu under the seed's tissue) and above the cut against the lesion's overall
    // background, stays. The last condition keeps a vessel's tip out: beside the new iliac node of
    // pd-new-lesion the rule without it kept a vessel's voxels (LDi +1.01 -> +1.13).
    {
      const Mask kept = lesion;
      for (long k = 0; k < d.n[2]; ++k)
        for (long j = 0; j < d.n[1]; ++j)
          for (long i = 0; i < d.n[0]; ++i) {
            const size_t v = d.at(i, j, k);
            if (kept[v] || !basin[v] || beyond[v] > 9.0f || cts[v] > mu0 - kRimBelowLesionHu ||
                suv[v] < overall_cut)
              continue;
            bool by_kept = false, by_fat = false;
            for (long dj = -1; dj <= 1; ++dj)
              for (long di = -1; di <= 1; ++di) {
                if (!d.contains(i + di, j + dj, k)) continue;
                const size_t u = d.at(i + di, j + dj, k);
                by_kept = by_kept || kept[u];
                by_fat = by_fat || cts[u] < kFatSoftTissueMidHu;
              }
            if (by_kept && by_fat) lesion[v] = 1;
          }
    }
    if (!lesion[seed]) {
      const size_t s2 = nearestInSlice(lesion, d, si, sj, sk, 3.0);
      if (s2 != std::string::npos) seed = s2;
    }
    lesion = detail::componentOf(lesion, d, seed);
    detail::fillHolesInPlane(lesion, d);
  }
}

bool Delineation::openRegion() {
  // An in-plane opening removes rims and spurs one or two voxels thick: partial-volume voxels along
  // an organ's surface (liver against fat) fall in the lesion's density band and touch it.
  const double r_open = 1.5 * std::max(d.mm[0], d.mm[1]);
  lesion = openInPlane(lesion, d, r_open, seed, si, sj, sk);
  size_t count = 0;
  for (uint8_t m : lesion) count += m;
  if (!count) {
    r.reason = "nothing separable from its surroundings at the seed " + pointText(r.seed_mm) + " mm";
    return false;
  }
  // A region that reaches the side of the box (where the box is not the image's edge) is not a
  // lesion standing out from normal anatomy at this size of box.
  for (long k = 0; k < d.n[2] && !at.touches_side; ++k)
    for (long j = 0; j < d.n[1] && !at.touches_side; ++j)
      for (long i = 0; i < d.n[0]; ++i) {
        if (!lesion[d.at(i, j, k)]) continue;
        const bool side = (i == 0 && r.box.offset[0] > 0) ||
                          (i == d.n[0] - 1 && r.box.offset[0] + d.n[0] < full.size[0]) ||
                          (j == 0 && r.box.offset[1] > 0) ||
                          (j == d.n[1] - 1 && r.box.offset[1] + d.n[1] < full.size[1]) ||
                          (k == 0 && r.box.offset[2] > 0) ||
                          (k == d.n[2] - 1 && r.box.offset[2] + d.n[2] < full.size[2]);
        if (side) {
          at.touches_side = true;
          break;
        }
      }
  return true;
}

}  // namespace recap::segmentation::detail
