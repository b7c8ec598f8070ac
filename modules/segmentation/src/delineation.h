// Internal to the segmentation module: one delineation of a lesion at a seed (class Delineation),
// stage by stage, and the parameters and helpers its stages share. segment.cpp runs the attempts
// (segmentLesion); delineation_region.cpp holds the stages that find the lesion's region (seed tissue,
// PET context, PET cut, opening), delineation_outline.cpp those that draw its sub-voxel outline (ring,
// edges, PET level, contacts, fat planes, outline, CT level, final mask).
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "ops.h"
#include "outline_fit.h"
#include "recap/segmentation/segment.h"

namespace recap::segmentation::detail {

// A value with `decimals` decimals, and a point as "(x, y, z)" with one, for messages and reasons.
std::string fmt(double v, int decimals = 1);
std::string pointText(const Point3& p);
// The q-quantile (0..1) and the median of `v`.
double quantile(std::vector<float> v, double q);
double median(std::vector<float> v);
// The box of half_mm around voxel `idx` of `f`, within it.
Box boxAround(const Frame& f, const Point3& idx, double half_mm);
// The voxel of `mask` nearest to `from` within `radius_mm` on the same slice, or npos.
size_t nearestInSlice(const Mask& mask, const Dims& d, long si, long sj, long sk, double radius_mm);
// In-plane opening by a disc of `radius_mm`, then the component holding `seed` (or the nearest
// voxel to it on its slice within 3 mm). Returns `mask` unchanged if the opening removes it all.
Mask openInPlane(const Mask& mask, const Dims& d, double radius_mm, size_t& seed, long si, long sj, long sk);
// The first and last slice holding a voxel of `mask` (first > last if it holds none).
std::pair<long, long> sliceRange(const Mask& mask, const Dims& d);

// The PET edge level when the CT gives no edge to calibrate it on: 41 % of the way from background
// to peak (the iso-contour level of the EANM guideline, Boellaard 2015).
constexpr double kPetLevel = 0.41;
// The PET cut of the delineation: a voxel of an FDG-avid lesion stands at least this share of the
// way from the background to the lesion's peak.
constexpr double kPetCutShare = 0.2;
// A voxel this far below the seed's tissue is in the partial volume of the lesion's rim.
constexpr double kRimBelowLesionHu = 15;
// The range a lesion's own PET edge level is allowed (20-45 % measured on the test lesions).
constexpr double kPetLevelMin = 0.2, kPetLevelMax = 0.6;
// How far inside the delineated region (mm) the PET may place the edge.
constexpr double kPetBandMm = 6.0;
// Tissue of the lesion's density where the PET stands below this share of the lesion's edge level
// is a neighbour (a vessel), not lesion.
constexpr double kColdShare = 0.65;
// The ellipse that carries an outline across a contact stops where the PET stands below this share
// of the lesion's edge level: stricter than kColdShare, because the ellipse draws a boundary the CT
// did not see (the bowel under a lobulated mass's indentation is warm, not cold, on PET).
constexpr double kGrowShare = 0.75;
// The share of the shell around a lesion's blob that its PET hot spot (half its peak) may cover
// before the lesion counts as sitting in a warm organ.
constexpr double kWarmShellShare = 0.5;
// The PET background's shell: 8-20 mm from the lesion (beyond the PET's blur), as squared distances.
constexpr float kShellFromMm2 = 8 * 8, kShellToMm2 = 20 * 20;
inline bool inShell(float squared_mm) { return squared_mm >= kShellFromMm2 && squared_mm <= kShellToMm2; }
// HU by which a lesion voxel may stray from the lesion's median on the smoothed CT (about twice the
// noise left after smoothing a 12 HU noise with sigma 1 mm at 0.7-1 mm pixels).
constexpr double kCtNoiseHu = 6;
// Half-way between fat (-100 HU) and soft tissue (40 HU).
constexpr double kFatSoftTissueMidHu = -30;
// Below this, lung rather than fat.
constexpr double kLungBelowHu = -400;
// A lesion is hypodense when the median of the ring around it stands this far above it (a lesion in
// the liver); then a voxel with tissue kJunctionLowHu below the lesion (fat) on one side and
// kJunctionHighHu above it (the organ) on the other, within kJunctionReachVoxels, is the organ's
// surface in partial volume, not lesion.
constexpr double kHypodenseHu = 10, kJunctionLowHu = 25, kJunctionHighHu = 12;
constexpr long kJunctionReachVoxels = 2;
// How far from a thin fat plane an edge voxel reads the unsmoothed CT against fat: two voxels, and
// no more than 2 mm (the reach of the sigma 1 mm smoothing that mixes the neighbour in). On 1.6 mm
// pixels two voxels is 3.2 mm, and the lesion's edge there read the unsmoothed, noisier CT with the
// CT's full say: the SDi of the 30 x 22 mm node on 1.6 mm pixels ran -0.34 to +1.18 mm over seeds
// 1-14 (limit 1.10), and -0.59 to +0.55 with the 2 mm limit. Pixels up to 1 mm are not affected.
constexpr double kPlaneReachVoxels = 2, kPlaneReachMm = 2.0;
// A voxel below this holds lung: fat is -100 HU, a voxel of fat and soft tissue reads above that, and
// the smoothed CT's noise is a few HU. The box's lung is the median of its voxels below
// kPureLungBelowHu. (At -250, a voxel of lesion and lung at -174 HU two voxels out from the region
// was read against the ring's mean, which lies in the partial volume, and the 14 x 10 mm
// paratracheal node of pd-nadir fu1 measured LDi 1.35 mm short on one draw.)
constexpr double kHoldsLungBelowHu = -150, kPureLungBelowHu = -600;
// Depth below both sides that makes a voxel a fat plane between two bodies (several times the
// noise left after smoothing).
constexpr float kValleyHu = 20;
// The seed's HU read again from its tissue within 3 mm (in-plane, and along z on slices that close),
// two voxels or more inside the tissue's edge in-plane, where that holds at least 3 times the 2 mm
// disc's voxels; it replaces the disc's where the two differ by more than 3 HU, about the disc's
// standard deviation over noise draws (findSeedTissue).
constexpr double kSeedTissueMm = 3.0, kSeedTissueMinShare = 3.0, kSeedTissueTrustHu = 3.0;
constexpr long kSeedTissueInsetVoxels = 2;
// A ring voxel within this of the lesion's HU is tissue like the lesion's; the CT's say fades from
// kAlikeFrom to kAlikeFrom + kAlikeSpan of such tissue in the ring.
constexpr double kAlikeHu = 20;
constexpr float kAlikeFrom = 0.2f, kAlikeSpan = 0.3f;
// The CT's say on the outline rises from nothing at kCtSayFromHu of contrast between the lesion and
// the ring around it to full at kCtSayFromHu + kCtSaySpanHu.
constexpr double kCtSayFromHu = 10, kCtSaySpanHu = 20;
inline double ctSay(double contrast) { return std::clamp((contrast - kCtSayFromHu) / kCtSaySpanHu, 0.0, 1.0); }
// Below full say the CT's noise shapes the outline (at 25 HU of contrast the smoothed CT's 3 HU of
// noise moves the half-way level 0.35 mm from point to point, and a tip 1 mm over 5 mm of arc): there
// the CT on the edge is averaged with the slices above and below where their cross-section is the
// same shape scaled by no less than this (a lesion's middle slices), which divides the noise by
// the square root of the slices averaged, as if the contrast were that much higher.
constexpr double kPoolMinScale = 0.85;
// Where no neighbour qualifies (slices thick for the lesion: 5 mm against 16 mm), the outline of the
// lesion's middle slices (and of its widest if only one neighbour did) is fitted to the raw CT's
// pixels within kFitBandVoxels of it, if the lesion stands kFitMinContrastHu or more from its ring:
// an ellipse, where the pixels show no more than one (detail::fitEllipseIfItHolds), else the
// iso-contour's own shape moved out or in (detail::fitMeanRadiusToPixels). The fit is kept if it
// moves the outline by no more than kFitMaxMoveVoxels anywhere.
constexpr double kFitBandVoxels = 3, kFitMinContrastHu = 15, kFitMaxMoveVoxels = 1.5;
// A slice that averaged its neighbours is not fitted where tissue beyond the lesion's level by half
// its contrast covers this share of the region and its band (holdsOtherTissue).
constexpr double kOtherTissueShare = 0.05;
// fitThickSlices acts where the slab narrows the lesion's section by this scale or more.
constexpr double kThickMinScale = 1.01;
// The share of the largest slab's area that a slab's must reach to count as holding the lesion in
// fitThickSlices' profile. With the equator of a 13 x 9 x 9 mm node on the boundary between two
// 5 mm slabs (69 and 71 mm^2), the empty slab beside them read 0.2 mm^2 from the noise; counted, the
// profile stood on three slices, fitted a half-length of 5.2 mm (truth 4.5) to what only two
// slabs show, and scaled the section through the slice's centre 19 % up (LDi +2.03 mm). A tip that
// small hardly tells the half-length either: a node of half-length 5.5 mm centred on the boundary
// between two 5 mm slabs leaves 1.4 % of their area in each slab beyond.
constexpr double kProfileHoldShare = 0.05;
// fitShortLesion: the prior's spread of a short lesion's half-length along z about its short
// in-plane semi-axis (mm), and the share of a slice about a slab boundary where the equator leaves
// the sections undetermined.
constexpr double kShortPriorMm = 1.0;
constexpr double kShortBoundaryShare = 0.05;
// The end of a lesion beyond its last delineated slice is read from the CT only where the lesion
// stands this far above what surrounds it there (a node in fat: 140 HU; not against muscle or
// liver), and kept only where this share of it lies within a voxel of the next slice's mask.
constexpr double kCapContrastHu = 60, kCapWithinShare = 0.9;

// The CT's level at the outline, corrected for the smoothing's blur, stays within these (a radius of
// curvature of about 0.5 mm at sigma 1 mm); the outline's fraction is steepened this many times
// before the blur that gives it.
constexpr float kCtLevelMin = 0.3f, kCtLevelMax = 0.7f;
constexpr float kCtOutlineSteepen = 4;

// A position `x` (0..1) read against the edge's `level`: 0.5 at the level, linear to 0 and 1 on
// either side (the PET's position between background and peak, the CT's partial-volume fraction).
template <class T>
T halfAtLevel(T x, T level) {
  return x <= level ? T(0.5) * x / level : T(0.5) + T(0.5) * (x - level) / (1 - level);
}

// The ring around a region that gives its local background: from 1.5 voxels to max(4 mm, 3 voxels)
// beyond it, as squared distances (mm^2) for pixels of `px` mm.
struct Ring {
  float lo, hi;
  explicit Ring(double px) : lo(float(2.25 * px * px)), hi(float(std::pow(std::max(4.0, 3 * px), 2))) {}
  bool holds(float squared_mm) const { return squared_mm > lo && squared_mm <= hi; }
};

// The end of a lesion on thick slices: the slab of the slice beyond the delineated region's last
// slice holds part of the lesion's end, and where more than half a voxel's slab is lesion the voxel
// is lesion, as the 0.5 level of the outline in-plane. On 5 mm slices the end of an 18 x 13 x 13 mm
// node is a bump of about -10 HU in fat, below the tissue band, so the delineation stops a slice
// short. The fraction is read from the smoothed CT against the median of what lies around the
// lesion's footprint (the next slice's mask) on that slice; a part reaching beyond the footprint is
// a neighbour (the muscle the node lies on), not the lesion's end. Where the PET shows the lesion,
// the end must pass the delineation's PET cut too.
struct CapInputs {
  const std::vector<float>& cts;
  double mu;                       // the lesion's HU
  double fat_hu;                   // the box's fat (NaN if it holds none)
  const std::vector<float>* suv;   // null unless the lesion is FDG-avid
  double pet_cut;                  // SUV a lesion voxel reaches at least
};
void addEndCap(LesionSegmentation& r, const Dims& d, long k_ref, long k_cap, const CapInputs& in);

// One delineation's result, and whether its region reached the side of the box (then segmentLesion
// tries a wider box).
struct Attempt {
  LesionSegmentation result;
  bool touches_side = false;
};

// One delineation of the lesion at a seed, in a box of half_mm around it, stage by stage (run() calls
// them in order). The stages share the state below, each filling in what the later ones read; a
// stage that returns false has written the reason into the result, and the attempt ends there.
class Delineation {
 public:
  Delineation(const dicom::Image& ct, const dicom::Image* pet, const Frame& full, const Point3& seed_idx,
              const Point3& seed_mm, double half_mm, const SegmentOptions& o);
  Attempt run();

 private:
  // Soft tissue of the lesion's density connected to the seed, split into blobs at necks.
  bool findSeedTissue();
  bool tissueAround(double disc_max);            // band and tissue from mu0 and valley
  double seedTissueHu(size_t disc_count) const;  // mu0 read again from the tissue (NaN: too small)
  // The PET: the lesion's peak, the background around it, the local background, and whether the
  // lesion is FDG-avid.
  void readPetContext();
  // On an FDG-avid lesion, the blobs and voxels the PET takes as lesion.
  void cutByPet();
  // The in-plane opening, and whether the region reaches the side of the box.
  bool openRegion();
  // The lesion's HU, the ring around it and what that ring holds.
  void readRing();
  // Per voxel near the edge: the CT's fraction and say, the PET's position, the CT's ceiling beyond.
  void readEdges();
  // The PET's level at the CT's edge, and the lesion's cold parts of its own density.
  void calibratePetLevel();
  // The CT's say along a contact with tissue of the lesion's density.
  void limitSayAlongContacts();
  // Edge voxels beside a thin fat plane.
  void readBesideFatPlanes();
  // The fraction from the CT and the PET, the PET's level by the outline's shape, the ellipse.
  void drawOutline();
  // The CT's level at the outline, corrected for the smoothing's blur.
  void correctCtLevel();
  // On a lesion of low contrast, the outline of its middle slices fitted to the CT's pixels as a
  // whole: the raw CT's, or where the slice averaged its neighbours, the raw CT averaged likewise.
  void fitToPixels();
  // fitToPixels' pixels for the slices that averaged their neighbours: the raw CT averaged along the
  // lesion's shape as readEdges averages the smoothed CT, each neighbour scaled by the square root
  // of the ratio of the areas of outlines fitted to each slice's own raw pixels. `area` is
  // outlineAreas(), `widest` its largest.
  std::vector<float> pooledRawForFit(const std::vector<double>& area, double widest) const;
  // Whether slice k holds, about the region, tissue beyond the lesion's level by half its contrast
  // to the ring or more (fat beside a hypodense lesion at the liver's edge) over kOtherTissueShare
  // of it: no fit of two levels.
  bool holdsOtherTissue(long k) const;
  // On a lesion against fat that is short for its slices, the outline of its middle slices fitted to
  // the CT's pixels and scaled from the slab's mean section to the section through the slice's centre.
  void fitThickSlices();
  // The mask, its end caps, its volume and the reason.
  void finalMask();

  // A slice's edge voxels near the outline: how many, how many the CT drew from this slice alone
  // (`alone`) or with at most one neighbour (`half`), how many it drew (`drawn`) and of those how
  // many against nothing but the lesion's background (`clean_n`; with `planes_clean`, voxels beside a
  // thin fat plane count as such: their pixels are the lesion's edge against fat); the centre of the
  // outline's inside.
  struct SliceEdge {
    size_t edge = 0, alone = 0, half = 0, drawn = 0, clean_n = 0;
    double cx = 0, cy = 0;
    bool clean() const { return drawn > 0 && double(clean_n) >= 0.75 * double(drawn); }
  };
  SliceEdge sliceEdge(long k, bool planes_clean = false) const;
  // A fit's start on slice k: the 0.5 level of the fraction about the centre of the slice's outline
  // `e`, orders 0-8, and the pixels the fit may use (none split off to a neighbour, none at a
  // junction). False where no such outline stands.
  bool fitStart(long k, const SliceEdge& e, RadialOutline& start, Mask& use) const;
  // Slice k's fraction from a fitted `outline` (an ellipse or a Fourier outline) scaled about its
  // centre by `scale`: each pixel's share inside within band_mm of it, 1 and 0 out to 2 x band_mm.
  void drawFitted(long k, const RadialOutline& outline, double scale, double band_mm);
  // A lesion on one or two slices fitted as an ellipsoid to its slabs' pixels and drawn as its
  // sections through the slices' centres (fitThickSlices); `background` the ring's voxels on the far
  // side, `bg` their median (HU).
  void fitShortLesion(const std::vector<double>& drawn_area, double widest, const std::vector<float>& background,
                      double bg);
  // Whether voxel v may inform a fit to the pixels: not a neighbour split off, not a junction, not
  // tissue more than a voxel beyond the region (the muscle beyond a fat plane).
  bool fitsPixel(size_t v) const;
  // Whether over 2 % of slice k's pixels within band_mm of `outline` where `use` (the slice's) is
  // set stand more than half the contrast beyond either level: a third tissue (lung).
  bool bandHoldsThirdTissue(long k, const RadialOutline& outline, double band_mm, const uint8_t* use,
                            double outside_hu, double inside_hu) const;
  // Each slice's area (voxels) from the CT's partial volume within `where` (readEdges' pooling),
  // against the ring's local background, or `background` (HU) where given (fitThickSlices).
  std::vector<double> partialVolumeAreas(const std::vector<float>& ctf, const Mask& where,
                                         const double* background = nullptr) const;
  // Each slice's area (voxels) inside the outline drawn so far, within two voxels of the region.
  std::vector<double> outlineAreas() const;
  // Where the PET stands between the local background and the lesion's peak (0 to 1).
  double petPosition(size_t v) const;
  // The CT's say fades as the share of tissue like the lesion's around a voxel rises.
  float alikeFactor(const std::vector<float>& alike, const std::vector<float>& weight, size_t v) const;

  const dicom::Image& ct;
  const dicom::Image* pet;
  const Frame& full;
  const SegmentOptions& o;
  Attempt at;
  LesionSegmentation& r = at.result;
  Dims d;
  size_t n = 0;                 // voxels in the box
  long si = 0, sj = 0, sk = 0;  // the seed's voxel in the box

  // findSeedTissue
  std::vector<float> raw_ct;  // the CT in the box as the image holds it
  std::vector<float> cts;     // the same smoothed in-plane
  double mu0 = 0;             // the seed's tissue (HU)
  Mask band, valley, tissue;
  size_t seed = 0;
  std::vector<int> basin;
  int seed_basin = 0, basins = 0;
  Mask lesion;  // the delineated region
  Mask blobs;   // the watershed blobs taken as lesion
  // readPetContext
  std::vector<float> suv, local_bg;  // local_bg: the PET background near each voxel
  // The PET's blur in the box (mm, in-plane and across slices): the scanner's point-spread function
  // with the PET's voxels and the resampling onto the CT's grid (each a box of the PET's spacing,
  // variance spacing^2 / 12).
  std::array<double, 2> pet_sigma{0, 0};
  // cutByPet
  double excess = 0;       // the lesion's peak over its background (SUV)
  double overall_cut = 0;  // the PET cut against the lesion's overall background
  // readRing
  std::vector<float> inside, outside;  // squared distances (mm^2) into and out of the region
  double px = 0;                       // the finer in-plane spacing
  double mu = 0;                       // the lesion's HU
  bool single_slice = false;           // a lesion on one slice: its fraction reads raw_ct
  double ring_median = 0;
  bool hypodense = false;
  // ring_alike: how much of the ring is tissue of the lesion's own density, as a share of alike_w
  // (smoothed); raw_alike and raw_alike_w before the smoothing.
  std::vector<float> ring_sum, ring_w, ring_alike, alike_w, raw_alike, raw_alike_w;
  std::vector<float> soft_blobs, to_split;
  Mask split_off;
  float band_out = 0, band_in = 0;
  // Per boundary voxel: the CT fraction and its weight (CT contrast against the local background),
  // and the PET's position between local background and peak.
  std::vector<float> w_ct, w_contrast, f_ct, q_pet;
  std::vector<uint8_t> near_edge;
  // ceiling: the most lesion the CT allows a voxel more than a voxel beyond the delineated region
  // (2 where it says nothing); lung_hu: the box's lung.
  std::vector<float> ceiling;
  double lung_hu = 0;
  // Where the PET cut the delineated region (at 20 % of the way from background to peak), the edge
  // at the lesion's own PET level may lie deeper than the CT's band: the band there reaches as far
  // in as the PET stays below the highest level an edge can have.
  float band_in_pet = 0;
  // readEdges
  Mask junction;
  // The CT the fraction is read from: on a lesion of low contrast, averaged along its shape over
  // neighbouring slices (pooled; empty otherwise); `slices` counts them.
  std::vector<uint8_t> slices;
  std::vector<float> pooled;
  // The slices whose outline fitShortLesion drew from its ellipsoid, and that section (scaled): the
  // final opening does not shave them (finalMask).
  std::vector<std::pair<long, RadialOutline>> model_sections;
  Mask read_between;  // where f_ct is the partial-volume fraction between the ring and the lesion
  // calibratePetLevel: the PET level that marks this lesion's edge. Where the CT draws the edge
  // (against fat, lung, liver), the PET stands at a fraction of the way from background to peak that
  // depends on the lesion's size and shape and on the scanner's blur; the same fraction then places
  // the edge where only the PET can (a vessel, muscle or organ of the lesion's density).
  double pet_level = kPetLevel;
  std::vector<size_t> calibration;  // the voxels the level was calibrated on (none if not calibrated)
  // readBesideFatPlanes
  double fat_hu = 0;  // the box's fat (NaN where it holds too little to tell)
  Mask by_plane;
  // drawOutline
  std::vector<uint8_t> may_grow;
};

}  // namespace recap::segmentation::detail
