// The CT analysis the reference finders share: binning onto an LPS-aligned grid, smoothing, and per
// axial slice the body outline, the lungs and the vertebral body.
#include <algorithm>
#include <cmath>

#include "scan.h"

namespace recap::reference::detail {

namespace {

constexpr float kAirHu = -400;          // below: air (lungs, bowel gas, outside)
constexpr float kBoneHu = 200;          // above: bone
constexpr double kLungSideMm2 = 800;    // air area each side of the midline for a slice to cut both lungs
constexpr double kSpineHalfWidth = 60;  // search for the vertebral body within this of the midline (mm)
constexpr double kMinSpineRadius = 8;

constexpr double kSmoothedNoiseHu = 2;   // target noise SD of the smoothed CT
constexpr int kMaxSmoothingRadius = 3;

// Noise SD of a CT from the differences of horizontal neighbours that are both soft tissue
// (0-100 HU): 1.4826 x their median absolute value / sqrt(2), robust to the edges between tissues.
double noiseSd(const FloatGrid& g) {
  std::vector<double> d;
  for (int k = 0; k < g.nz; k += std::max(1, g.nz / 40))
    for (int j = 0; j < g.ny; j += 2)
      for (int i = 0; i + 1 < g.nx; i += 2) {
        const float a = g(i, j, k), b = g(i + 1, j, k);
        if (a >= 0 && a <= 100 && b >= 0 && b <= 100) d.push_back(std::abs(a - b));
      }
  if (d.size() < 100) return 0;
  const size_t h = d.size() / 2;
  std::nth_element(d.begin(), d.begin() + h, d.end());
  return 1.4826 * d[h] / std::sqrt(2.0);
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  const size_t h = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + h, v.end());
  return v[h];
}

// Body outline of one slice: the largest connected region of non-air, with every pixel it encloses.
void bodySlice(const FloatGrid& hu2d, int k, uint8_t* body) {
  const int nx = hu2d.nx, ny = hu2d.ny;
  const size_t plane = hu2d.plane();
  const float* s = hu2d.v.data() + k * plane;
  std::vector<uint8_t> tissue(plane);
  for (size_t i = 0; i < plane; ++i) tissue[i] = s[i] >= kAirHu;
  const Components c = connectedComponents(tissue, nx, ny, 1);
  std::fill(body, body + plane, 0);
  if (c.count() == 0) return;
  const int32_t largest =
      static_cast<int32_t>(std::max_element(c.sizes.begin() + 1, c.sizes.end()) - c.sizes.begin());
  // Outside: reachable from the slice's edge without crossing the largest region.
  std::vector<uint8_t> outside(plane, 0);
  std::vector<size_t> stack;
  auto push = [&](size_t id) {
    if (!outside[id] && c.labels[id] != largest) {
      outside[id] = 1;
      stack.push_back(id);
    }
  };
  for (int i = 0; i < nx; ++i) {
    push(i);
    push(size_t(ny - 1) * nx + i);
  }
  for (int j = 0; j < ny; ++j) {
    push(size_t(j) * nx);
    push(size_t(j) * nx + nx - 1);
  }
  while (!stack.empty()) {
    const size_t id = stack.back();
    stack.pop_back();
    const int i = static_cast<int>(id % nx), j = static_cast<int>(id / nx);
    if (i > 0) push(id - 1);
    if (i + 1 < nx) push(id + 1);
    if (j > 0) push(id - nx);
    if (j + 1 < ny) push(id + nx);
  }
  for (size_t i = 0; i < plane; ++i) body[i] = !outside[i];
}

}  // namespace

Scan prepareScan(const ImageView& ct, const ImageView& pet) {
  Scan scan;
  scan.ct = ct;
  scan.pet = pet;
  scan.hu = binToLps(ct, 2.0, 2.5, -1000.0f);
  scan.hu2d = boxMean(scan.hu, 1, 1, 0);
  // The organ finders need the noise well below the ~10 HU between liver, spleen and muscle: the
  // in-plane radius of the 3-D box mean grows with the noise of the binned CT.
  scan.noise_hu = noiseSd(scan.hu);
  scan.smoothing_radius = 1;
  while (scan.smoothing_radius < kMaxSmoothingRadius &&
         scan.noise_hu / std::sqrt(3.0 * (2 * scan.smoothing_radius + 1) * (2 * scan.smoothing_radius + 1)) >
             kSmoothedNoiseHu)
    ++scan.smoothing_radius;
  scan.hu3d = boxMean(scan.hu2d, 0, 0, 1);
  if (scan.smoothing_radius > 1) scan.hu_organs = boxMean(scan.hu, scan.smoothing_radius, scan.smoothing_radius, 1);
  const FloatGrid& g = scan.hu2d;
  scan.body.like(g, 0);
  scan.slices.assign(g.nz, SliceInfo{});
  const size_t plane = g.plane();
  const double pixel_mm2 = g.spacing[0] * g.spacing[1];
  std::vector<uint8_t> bone;
  for (int k = 0; k < g.nz; ++k) {
    uint8_t* body = scan.body.v.data() + k * plane;
    bodySlice(g, k, body);
    SliceInfo& info = scan.slices[k];
    double n = 0, sx = 0, sy = 0;
    int bi0 = g.nx, bi1 = 0, bj0 = g.ny, bj1 = 0;
    for (int j = 0; j < g.ny; ++j)
      for (int i = 0; i < g.nx; ++i)
        if (body[size_t(j) * g.nx + i]) {
          ++n;
          sx += g.x(i);
          sy += g.y(j);
          bi0 = std::min(bi0, i);
          bi1 = std::max(bi1, i + 1);
          bj0 = std::min(bj0, j);
          bj1 = std::max(bj1, j + 1);
        }
    if (n * pixel_mm2 < 2000) continue;  // less than a forearm: no trunk in this slice
    info.body = true;
    info.i0 = bi0;
    info.i1 = bi1;
    info.j0 = bj0;
    info.j1 = bj1;
    info.body_mm2 = n * pixel_mm2;
    info.cx = sx / n;
    info.cy = sy / n;
    const float* s = g.v.data() + k * plane;
    for (int j = 0; j < g.ny; ++j)
      for (int i = 0; i < g.nx; ++i) {
        const size_t id = size_t(j) * g.nx + i;
        if (body[id] && s[id] < kAirHu) (g.x(i) < info.cx ? info.lung_right_mm2 : info.lung_left_mm2) += pixel_mm2;
      }
    info.lungs = info.lung_right_mm2 >= kLungSideMm2 && info.lung_left_mm2 >= kLungSideMm2;
    // The vertebral body: the thickest bone (largest inscribed circle) near the midline, behind the
    // body's centroid. Distances are computed in a window around that search area.
    const double reach = kSpineHalfWidth + 30;
    const int wi0 = std::clamp(static_cast<int>(std::floor((info.cx - reach - g.origin[0]) / g.spacing[0])), 0, g.nx);
    const int wi1 = std::clamp(static_cast<int>(std::ceil((info.cx + reach - g.origin[0]) / g.spacing[0])) + 1, 0, g.nx);
    const int wj0 = std::clamp(static_cast<int>(std::floor((info.cy - 50 - g.origin[1]) / g.spacing[1])), 0, g.ny);
    const int wn = wi1 - wi0, wm = g.ny - wj0;
    if (wn <= 0 || wm <= 0) continue;
    bone.assign(size_t(wn) * wm, 0);
    for (int j = 0; j < wm; ++j)
      for (int i = 0; i < wn; ++i) {
        const size_t id = size_t(wj0 + j) * g.nx + wi0 + i;
        bone[size_t(j) * wn + i] = !(body[id] && s[id] > kBoneHu);  // feature: not bone
      }
    const std::vector<float> d2 = distanceSquared(bone, wn, wm, 1, g.spacing, false);
    double best = 0;
    int bi = -1, bj = -1;
    for (int j = 0; j < wm; ++j) {
      if (g.y(wj0 + j) < info.cy - 20) continue;
      for (int i = 0; i < wn; ++i) {
        if (std::abs(g.x(wi0 + i) - info.cx) > kSpineHalfWidth) continue;
        const float d = d2[size_t(j) * wn + i];
        if (std::isfinite(d) && d > best) {
          best = d;
          bi = wi0 + i;
          bj = wj0 + j;
        }
      }
    }
    if (bi >= 0 && std::sqrt(best) >= kMinSpineRadius) {
      info.spine = true;
      info.spine_x = g.x(bi);
      info.spine_y = g.y(bj);
      info.spine_r = std::sqrt(best);
    }
  }
  // The vertebral column is continuous: replace each position by the median over +-3 slices.
  std::vector<SliceInfo> raw = scan.slices;
  for (int k = 0; k < g.nz; ++k) {
    if (!raw[k].spine) continue;
    std::vector<double> xs, ys;
    for (int q = std::max(0, k - 3); q <= std::min(g.nz - 1, k + 3); ++q)
      if (raw[q].spine) {
        xs.push_back(raw[q].spine_x);
        ys.push_back(raw[q].spine_y);
      }
    scan.slices[k].spine_x = median(xs);
    scan.slices[k].spine_y = median(ys);
  }
  // Lungs: the longest run of slices cutting both lungs (one-slice gaps bridged); its lowest slice.
  int best_len = 0, run_start = -1, gap = 0;
  for (int k = 0; k <= g.nz; ++k) {
    const bool lung = k < g.nz && scan.slices[k].lungs;
    if (lung) {
      if (run_start < 0) run_start = k;
      gap = 0;
    } else if (run_start >= 0 && (++gap > 1 || k == g.nz)) {
      const int end = k - gap;  // last lung slice of the run
      if (end - run_start + 1 > best_len) {
        best_len = end - run_start + 1;
        scan.lung_base_k = run_start;
      }
      run_start = -1;
      gap = 0;
    }
  }
  if (scan.lung_base_k >= 0) scan.lung_base_z = g.z(scan.lung_base_k);
  return scan;
}

int smoothedMode(const std::vector<double>& hist) {
  const int n = static_cast<int>(hist.size());
  int mode = 0;
  double best = -1;
  for (int h = 0; h < n; ++h) {
    double sum = 0;
    for (int q = std::max(0, h - 3); q <= std::min(n - 1, h + 3); ++q) sum += hist[q];
    if (sum > best) {
      best = sum;
      mode = h;
    }
  }
  return mode;
}

}  // namespace recap::reference::detail
