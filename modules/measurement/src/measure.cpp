#include <algorithm>
#include <cmath>

#include "recap/core/text.h"
#include "recap/measurement/measure.h"

namespace recap::measurement {
namespace {

using segmentation::Frame;

std::string fmt(double v, int decimals = 1) { return fixed(v, decimals); }

// SUVmax and SUVpeak over the PET voxels whose centres lie in the lesion mask.
void measurePet(const segmentation::LesionSegmentation& seg, const dicom::Image& pet, const MeasureOptions& o,
                LesionMeasurement& m) {
  const Frame pf = Frame::of(pet);
  const Frame& box = seg.box.frame;
  const float* v = pet.GetBufferPointer();
  // The PET voxels whose centres can fall in the box: bound the box's corners in PET indices.
  std::array<long, 3> lo{pf.size[0], pf.size[1], pf.size[2]}, hi{-1, -1, -1};
  for (int c = 0; c < 8; ++c) {
    const Point3 p = box.toPhysical((c & 1) ? double(box.size[0]) - 0.5 : -0.5, (c & 2) ? double(box.size[1]) - 0.5 : -0.5,
                                    (c & 4) ? double(box.size[2]) - 0.5 : -0.5);
    const Point3 idx = pf.toIndex(p);
    for (int a = 0; a < 3; ++a) {
      lo[a] = std::min(lo[a], std::max(0L, long(std::floor(idx[a]))));
      hi[a] = std::max(hi[a], std::min(pf.size[a] - 1, long(std::ceil(idx[a]))));
    }
  }
  auto inLesion = [&](const Point3& p) {
    const Point3 b = box.toIndex(p);
    const long i = std::lround(b[0]), j = std::lround(b[1]), k = std::lround(b[2]);
    if (i < 0 || j < 0 || k < 0 || i >= box.size[0] || j >= box.size[1] || k >= box.size[2]) return false;
    return seg.mask[(size_t(k) * size_t(box.size[1]) + size_t(j)) * size_t(box.size[0]) + size_t(i)] != 0;
  };
  auto value = [&](long i, long j, long k) {
    return double(v[(size_t(k) * size_t(pf.size[1]) + size_t(j)) * size_t(pf.size[0]) + size_t(i)]);
  };
  std::vector<std::array<long, 3>> inside;
  for (long k = lo[2]; k <= hi[2]; ++k)
    for (long j = lo[1]; j <= hi[1]; ++j)
      for (long i = lo[0]; i <= hi[0]; ++i)
        if (inLesion(pf.toPhysical(double(i), double(j), double(k)))) inside.push_back({i, j, k});
  if (inside.empty()) {
    // A lesion smaller than a PET voxel: the PET voxel holding the lesion's centroid.
    Point3 c{0, 0, 0};
    size_t n = 0;
    for (long k = 0; k < box.size[2]; ++k)
      for (long j = 0; j < box.size[1]; ++j)
        for (long i = 0; i < box.size[0]; ++i)
          if (seg.mask[(size_t(k) * size_t(box.size[1]) + size_t(j)) * size_t(box.size[0]) + size_t(i)]) {
            const Point3 p = box.toPhysical(double(i), double(j), double(k));
            for (int a = 0; a < 3; ++a) c[a] += p[a];
            ++n;
          }
    if (!n) return;
    for (double& x : c) x /= double(n);
    const Point3 idx = pf.toIndex(c);
    if (!pf.inside(idx)) return;
    inside.push_back({std::lround(idx[0]), std::lround(idx[1]), std::lround(idx[2])});
  }
  m.pet = true;
  m.suv_max = -1e300;
  for (const auto& q : inside) {
    const double s = value(q[0], q[1], q[2]);
    if (s > m.suv_max) {
      m.suv_max = s;
      m.suv_max_at = pf.toPhysical(double(q[0]), double(q[1]), double(q[2]));
    }
  }
  // SUVpeak: spheres centred on the lesion's PET voxels; voxels count when their centre is inside.
  const double r = o.peak_diameter_mm / 2;
  std::array<long, 3> reach;
  for (int a = 0; a < 3; ++a) reach[a] = long(std::ceil(r / pf.spacing[a]));
  m.suv_peak = -1e300;
  for (const auto& q : inside) {
    double sum = 0;
    size_t n = 0;
    for (long dk = -reach[2]; dk <= reach[2]; ++dk)
      for (long dj = -reach[1]; dj <= reach[1]; ++dj)
        for (long di = -reach[0]; di <= reach[0]; ++di) {
          const long i = q[0] + di, j = q[1] + dj, k = q[2] + dk;
          if (i < 0 || j < 0 || k < 0 || i >= pf.size[0] || j >= pf.size[1] || k >= pf.size[2]) continue;
          const double dx = double(di) * pf.spacing[0], dy = double(dj) * pf.spacing[1], dz = double(dk) * pf.spacing[2];
          if (dx * dx + dy * dy + dz * dz > r * r) continue;
          sum += value(i, j, k);
          ++n;
        }
    if (n && sum / double(n) > m.suv_peak) {
      m.suv_peak = sum / double(n);
      m.suv_peak_centre = pf.toPhysical(double(q[0]), double(q[1]), double(q[2]));
    }
  }
}

}  // namespace

const char* stateName(LesionState state) {
  switch (state) {
    case LesionState::Measured: return "measured";
    case LesionState::TooSmall: return "too_small";
    case LesionState::Absent: return "absent";
  }
  return "absent";
}

std::vector<float> sliceField(const segmentation::LesionSegmentation& seg, long k, bool* any) {
  const Frame& f = seg.box.frame;
  const long nx = f.size[0], ny = f.size[1];
  const size_t plane = size_t(nx) * size_t(ny);
  std::vector<float> field(plane);
  const uint8_t* mk = &seg.mask[size_t(k) * plane];
  const float* fk = &seg.fraction[size_t(k) * plane];
  bool some = false;
  // The fraction on the lesion's voxels and their immediate neighbours only, so that the outline
  // is the lesion's own (not a nearby structure's) and its 0.5 crossing keeps its sub-voxel place.
  for (long j = 0; j < ny; ++j)
    for (long i = 0; i < nx; ++i) {
      const long p = j * nx + i;
      bool near = mk[p];
      some = some || near;
      for (long dj = -1; dj <= 1 && !near; ++dj)
        for (long di = -1; di <= 1 && !near; ++di) {
          const long a = i + di, b = j + dj;
          near = a >= 0 && b >= 0 && a < nx && b < ny && mk[b * nx + a];
        }
      field[size_t(p)] = near ? std::min(fk[p], mk[p] ? 1.0f : 0.4999f) : 0.0f;
      if (mk[p]) field[size_t(p)] = std::max(field[size_t(p)], 0.5f);
    }
  if (any) *any = some;
  return field;
}

LesionMeasurement measureLesion(const segmentation::LesionSegmentation& seg, const dicom::Image* pet,
                                const MeasureOptions& o) {
  LesionMeasurement m;
  if (!seg.found) {
    m.state = LesionState::Absent;
    m.reason = seg.reason;
    return m;
  }
  m.volume_ml = seg.volume_ml;
  const Frame& f = seg.box.frame;
  const long nx = f.size[0], ny = f.size[1];
  for (long k = 0; k < f.size[2]; ++k) {
    bool any = false;
    const std::vector<float> field = sliceField(seg, k, &any);
    if (!any) continue;
    const std::vector<Segment> outline = isoSegments(field.data(), nx, ny, f.spacing[0], f.spacing[1], 0.5);
    const Diameters d = diameters(outline);
    if (d.ldi * d.sdi > m.ppd_mm2 || (m.slice_index < 0 && d.ldi > 0)) {
      m.ldi_mm = d.ldi;
      m.sdi_mm = d.sdi;
      m.ppd_mm2 = d.ldi * d.sdi;
      m.slice_index = int(k + seg.box.offset[2]);
      auto phys = [&](const P2& q) { return f.toPhysical(q[0] / f.spacing[0], q[1] / f.spacing[1], double(k)); };
      m.ldi = {phys(d.la), phys(d.lb)};
      m.sdi = {phys(d.sa), phys(d.sb)};
      m.slice_z_mm = f.toPhysical(0, 0, double(k))[2];
      m.outline.clear();
      m.outline.reserve(outline.size());
      for (const Segment& s : outline) m.outline.push_back({phys(s.a), phys(s.b)});
    }
  }
  if (m.ldi_mm <= 0) {
    m.state = LesionState::Absent;
    m.reason = "no outline on any slice";
    return m;
  }
  if (m.ldi_mm < o.too_small_mm) {
    m.state = LesionState::TooSmall;
    m.ppd_for_spd_mm2 = o.too_small_ppd_mm2;
    m.reason = "LDi " + fmt(m.ldi_mm) + " mm under " + fmt(o.too_small_mm) + " mm: too small to measure, counted as " +
               fmt(o.too_small_ppd_mm2, 0) + " mm2";
  } else {
    m.state = LesionState::Measured;
    m.ppd_for_spd_mm2 = m.ppd_mm2;
    m.reason = "LDi " + fmt(m.ldi_mm) + " x SDi " + fmt(m.sdi_mm) + " mm on slice " + std::to_string(m.slice_index);
  }
  if (pet) measurePet(seg, *pet, o, m);
  return m;
}

}  // namespace recap::measurement
