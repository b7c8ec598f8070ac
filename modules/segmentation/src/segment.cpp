#include "recap/segmentation/segment.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <utility>

#include "delineation.h"
#include "ops.h"
#include "recap/core/error.h"
#include "recap/core/text.h"

namespace recap::segmentation {
namespace detail {

std::string fmt(double v, int decimals) { return fixed(v, decimals); }

std::string pointText(const Point3& p) { return "(" + fmt(p[0]) + ", " + fmt(p[1]) + ", " + fmt(p[2]) + ")"; }

double quantile(std::vector<float> v, double q) {
  if (v.empty()) return std::nan("");
  auto at = v.begin() + long(double(v.size() - 1) * q);
  std::nth_element(v.begin(), at, v.end());
  return *at;
}
double median(std::vector<float> v) { return quantile(std::move(v), 0.5); }

Box boxAround(const Frame& f, const Point3& idx, double half_mm) {
  Box b;
  for (int a = 0; a < 3; ++a) {
    const long r = long(std::ceil(half_mm / f.spacing[a]));
    const long c = long(std::lround(idx[a]));
    const long lo = std::max(0L, c - r), hi = std::min(f.size[a] - 1, c + r);
    b.offset[a] = lo;
    b.frame.size[a] = hi - lo + 1;
  }
  b.frame.spacing = f.spacing;
  b.frame.direction = f.direction;
  b.frame.origin = f.toPhysical(double(b.offset[0]), double(b.offset[1]), double(b.offset[2]));
  return b;
}

size_t nearestInSlice(const Mask& mask, const Dims& d, long si, long sj, long sk, double radius_mm) {
  size_t best = std::string::npos;
  double best_d = radius_mm * radius_mm;
  const long ri = long(std::ceil(radius_mm / d.mm[0])), rj = long(std::ceil(radius_mm / d.mm[1]));
  for (long j = sj - rj; j <= sj + rj; ++j)
    for (long i = si - ri; i <= si + ri; ++i) {
      if (!d.contains(i, j, sk) || !mask[d.at(i, j, sk)]) continue;
      const double dx = double(i - si) * d.mm[0], dy = double(j - sj) * d.mm[1];
      if (dx * dx + dy * dy <= best_d) {
        best_d = dx * dx + dy * dy;
        best = d.at(i, j, sk);
      }
    }
  return best;
}

Mask openInPlane(const Mask& mask, const Dims& d, double radius_mm, size_t& seed, long si, long sj, long sk) {
  const std::vector<float> in = detail::distanceInside(mask, d, true);
  Mask eroded(d.count());
  for (size_t v = 0; v < eroded.size(); ++v) eroded[v] = in[v] > float(radius_mm * radius_mm);
  const std::vector<float> out = detail::distanceOutside(eroded, d, true);
  Mask opened(d.count());
  size_t kept = 0;
  for (size_t v = 0; v < opened.size(); ++v) {
    opened[v] = mask[v] && out[v] <= float(radius_mm * radius_mm);
    kept += opened[v];
  }
  if (!kept) return mask;
  if (!opened[seed]) {
    const size_t s2 = nearestInSlice(opened, d, si, sj, sk, 3.0);
    if (s2 == std::string::npos) return mask;
    seed = s2;
  }
  return detail::componentOf(opened, d, seed);
}

std::pair<long, long> sliceRange(const Mask& mask, const Dims& d) {
  long lo = d.n[2], hi = -1;
  const size_t plane = size_t(d.n[0]) * size_t(d.n[1]);
  for (size_t v = 0; v < mask.size(); ++v)
    if (mask[v]) {
      lo = std::min(lo, long(v / plane));
      hi = std::max(hi, long(v / plane));
    }
  return {lo, hi};
}

}  // namespace detail

namespace {

using detail::Attempt;
using detail::Delineation;
using detail::fmt;
using detail::pointText;

Attempt attempt(const dicom::Image& ct, const dicom::Image* pet, const Frame& full, const Point3& seed_idx,
                const Point3& seed_mm, double half_mm, const SegmentOptions& o) {
  return Delineation(ct, pet, full, seed_idx, seed_mm, half_mm, o).run();
}

}  // namespace

LesionSegmentation segmentLesion(const dicom::Image& ct, const dicom::Image* pet, const Point3& seed_mm,
                                 const SegmentOptions& options) {
  const Frame full = Frame::of(ct);
  const Point3 idx = full.toIndex(seed_mm);
  if (!full.inside(idx)) {
    const Point3 a = full.toPhysical(0, 0, 0),
                 b = full.toPhysical(double(full.size[0] - 1), double(full.size[1] - 1), double(full.size[2] - 1));
    throw Error(ErrorCode::CaseFile, "",
                "seed " + pointText(seed_mm) + " mm lies outside the CT volume (voxel centres from " +
                    pointText(a) + " to " + pointText(b) + " mm)");
  }
  Attempt first = attempt(ct, pet, full, idx, seed_mm, options.search_half_mm, options);
  if (!first.touches_side) return first.result;
  Attempt wider = attempt(ct, pet, full, idx, seed_mm, 1.6 * options.search_half_mm, options);
  if (!wider.touches_side) return wider.result;
  LesionSegmentation none = wider.result;
  none.found = false;
  none.mask.clear();
  none.fraction.clear();
  none.volume_ml = 0;
  none.reason = "the tissue at the seed " + pointText(seed_mm) + " mm extends beyond " +
                fmt(1.6 * options.search_half_mm, 0) +
                " mm around it without a separable lesion (normal organ or vessel)";
  return none;
}

}  // namespace recap::segmentation
