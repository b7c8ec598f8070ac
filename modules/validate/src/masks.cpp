#include "recap/validate/masks.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "recap/srseg/seg.h"

namespace recap::validate {

namespace {

using Vec = std::array<double, 3>;

double dot(const Vec& a, const Vec& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }
Vec rowDir(const LesionMask& m) { return {m.orientation[0], m.orientation[1], m.orientation[2]}; }
Vec colDir(const LesionMask& m) { return {m.orientation[3], m.orientation[4], m.orientation[5]}; }
Vec normal(const LesionMask& m) {
  const Vec r = rowDir(m), c = colDir(m);
  return {r[1] * c[2] - r[2] * c[1], r[2] * c[0] - r[0] * c[2], r[0] * c[1] - r[1] * c[0]};
}

bool inside(const LesionMask::Frame& f, int rows, int cols, int r, int c) {
  return r >= 0 && c >= 0 && r < rows && c < cols && f.mask[size_t(r) * cols + c] != 0;
}

size_t voxels(const LesionMask& m) {
  size_t n = 0;
  for (const auto& f : m.frames)
    for (uint8_t v : f.mask) n += v != 0;
  return n;
}

// Centres (LPS mm) of the mask's boundary voxels.
std::vector<Vec> boundary(const LesionMask& m) {
  const Vec n = normal(m), rd = rowDir(m), cd = colDir(m);
  std::vector<double> s;
  for (const auto& f : m.frames) s.push_back(dot(f.position, n));
  std::vector<double> sorted = s;
  std::sort(sorted.begin(), sorted.end());
  double gap = 0;
  for (size_t i = 1; i < sorted.size(); ++i)
    if (sorted[i] - sorted[i - 1] > 1e-3 && (gap == 0 || sorted[i] - sorted[i - 1] < gap)) gap = sorted[i] - sorted[i - 1];
  auto neighbour = [&](size_t i, double direction) -> const LesionMask::Frame* {
    if (gap == 0) return nullptr;
    for (size_t j = 0; j < m.frames.size(); ++j)
      if (std::fabs(s[j] - (s[i] + direction * gap)) < 0.01 + 0.05 * gap) return &m.frames[j];
    return nullptr;
  };
  std::vector<Vec> out;
  for (size_t i = 0; i < m.frames.size(); ++i) {
    const auto& f = m.frames[i];
    const LesionMask::Frame* above = neighbour(i, 1);
    const LesionMask::Frame* below = neighbour(i, -1);
    for (int r = 0; r < m.rows; ++r)
      for (int c = 0; c < m.columns; ++c) {
        if (!inside(f, m.rows, m.columns, r, c)) continue;
        const bool edge = !inside(f, m.rows, m.columns, r - 1, c) || !inside(f, m.rows, m.columns, r + 1, c) ||
                          !inside(f, m.rows, m.columns, r, c - 1) || !inside(f, m.rows, m.columns, r, c + 1) ||
                          !above || !inside(*above, m.rows, m.columns, r, c) || !below ||
                          !inside(*below, m.rows, m.columns, r, c);
        if (!edge) continue;
        Vec p;
        for (int k = 0; k < 3; ++k) p[k] = f.position[k] + c * m.pixel_spacing[1] * rd[k] + r * m.pixel_spacing[0] * cd[k];
        out.push_back(p);
      }
  }
  return out;
}

// max over a of min over b of |a - b| (squared), with the usual early exit.
double directed(const std::vector<Vec>& a, const std::vector<Vec>& b) {
  double worst = 0;
  for (const Vec& p : a) {
    double nearest = std::numeric_limits<double>::max();
    for (const Vec& q : b) {
      const double d = (p[0] - q[0]) * (p[0] - q[0]) + (p[1] - q[1]) * (p[1] - q[1]) + (p[2] - q[2]) * (p[2] - q[2]);
      if (d < nearest) nearest = d;
      if (nearest <= worst) break;  // p cannot raise the maximum
    }
    worst = std::max(worst, nearest);
  }
  return worst;
}

bool sameGrid(const LesionMask& a, const LesionMask& b) {
  if (a.rows != b.rows || a.columns != b.columns || a.frames.empty() || b.frames.empty()) return false;
  for (int k = 0; k < 6; ++k)
    if (std::fabs(a.orientation[k] - b.orientation[k]) > 1e-4) return false;
  for (int k = 0; k < 2; ++k)
    if (std::fabs(a.pixel_spacing[k] - b.pixel_spacing[k]) > 1e-4) return false;
  // Every frame of either starts at the same in-plane point (slices of one CT series).
  const Vec n = normal(a), o = a.frames[0].position;
  for (const LesionMask* m : {&a, &b})
    for (const auto& f : m->frames) {
      Vec d{f.position[0] - o[0], f.position[1] - o[1], f.position[2] - o[2]};
      const double along = dot(d, n);
      for (int k = 0; k < 3; ++k) d[k] -= along * n[k];
      if (std::sqrt(dot(d, d)) > 0.01) return false;
    }
  return true;
}

}  // namespace

MaskAgreement compareMasks(const LesionMask& a, const LesionMask& b) {
  MaskAgreement r;
  r.voxels_a = voxels(a);
  r.voxels_b = voxels(b);
  if (sameGrid(a, b) && r.voxels_a + r.voxels_b > 0) {
    size_t both = 0;
    for (const auto& fa : a.frames)
      for (const auto& fb : b.frames) {
        const Vec d{fa.position[0] - fb.position[0], fa.position[1] - fb.position[1], fa.position[2] - fb.position[2]};
        if (std::sqrt(dot(d, d)) > 0.01) continue;
        for (size_t i = 0; i < fa.mask.size() && i < fb.mask.size(); ++i) both += fa.mask[i] && fb.mask[i];
      }
    r.dice = 2.0 * both / double(r.voxels_a + r.voxels_b);
  }
  const auto pa = boundary(a), pb = boundary(b);
  if (!pa.empty() && !pb.empty()) r.hausdorff_mm = std::sqrt(std::max(directed(pa, pb), directed(pb, pa)));
  return r;
}

std::vector<LesionMask> readSegMasks(const std::filesystem::path& path) {
  const srseg::Segmentation seg = srseg::readSegmentation(path);
  std::vector<LesionMask> out;
  for (const auto& s : seg.segments) {
    LesionMask m;
    m.patient_id = seg.patient_id;
    m.study_uid = seg.study_uid;
    m.lesion_id = !s.tracking_id.empty() ? s.tracking_id : s.label;
    m.rows = seg.rows;
    m.columns = seg.columns;
    m.orientation = seg.orientation;
    m.pixel_spacing = seg.pixel_spacing;
    m.source = path.string();
    for (const auto& f : s.frames) m.frames.push_back({f.position, f.mask});
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace recap::validate
