// Ground truth of rendered timepoints: lesion cross-sections (exact for ellipsoids, checked against
// hand formulas and brute-force rasters), volumes, SUVmax, reference regions and spleen length.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "../src/anatomy.h"  // the analytic inside tests of lesions and the spleen, for brute force checks
#include "recap/phantom/model.h"

namespace recap::phantom {
namespace {

constexpr double kPi = 3.14159265358979323846;
const Vec3 kCentre{-70, -10, -40};  // in the liver; on CT slice 10 of the grids below

// CT slices every 3 mm from -70 to -10 (slice k at -70 + 3k); PET over the same range.
CtGrid testCt(double z_from = -70, double z_to = -10) {
  CtGrid g;
  g.matrix = 64;
  g.pixel_mm = 2.5;
  g.slice_mm = 3;
  g.z_from_mm = z_from;
  g.z_to_mm = z_to;
  return g;
}
PetGrid testPet(double z_from = -70, double z_to = -10) {
  PetGrid g;
  g.matrix = 64;
  g.pixel_mm = 4;
  g.slice_mm = 3;
  g.z_from_mm = z_from;
  g.z_to_mm = z_to;
  return g;
}

Lesion ellipsoidLesion(const Vec3& centre, const Vec3& diameters, double rotation_deg = 0,
                       LesionShape shape = LesionShape::Ellipsoid) {
  Lesion l;
  l.id = "L1";
  l.shape = shape;
  l.centre_mm = centre;
  l.rotation_deg = rotation_deg;
  l.hu = 45;
  l.states = {LesionState{true, diameters, 8.0}};
  return l;
}

Rendered renderOne(const Lesion& l, const Pose& pose = {}, const Physiology& phys = {},
                   const CtGrid& ct = testCt(), const PetGrid& pet = testPet()) {
  RenderOptions o;
  o.noise = false;
  return render({l}, phys, 0, pose, ct, pet, o);
}

// True when {a, b} equals {e1, e2} as an unordered pair of points.
bool samePair(const Vec3& a, const Vec3& b, const Vec3& e1, const Vec3& e2, double tol) {
  auto near = [tol](const Vec3& p, const Vec3& q) {
    return std::abs(p[0] - q[0]) <= tol && std::abs(p[1] - q[1]) <= tol && std::abs(p[2] - q[2]) <= tol;
  };
  return (near(a, e1) && near(b, e2)) || (near(a, e2) && near(b, e1));
}

double dist2d(const Vec3& a, const Vec3& b) { return std::hypot(a[0] - b[0], a[1] - b[1]); }

TEST(Truth, AxisAlignedEllipsoidOnASlice) {
  const Rendered out = renderOne(ellipsoidLesion(kCentre, {30, 20, 16}));
  ASSERT_EQ(out.truth.lesions.size(), 1u);
  const LesionTruth& t = out.truth.lesions[0];
  EXPECT_EQ(t.id, "L1");
  EXPECT_TRUE(t.present);
  EXPECT_NEAR(t.ldi_mm, 30, 1e-6);
  EXPECT_NEAR(t.sdi_mm, 20, 1e-6);
  EXPECT_NEAR(t.ppd_mm2, 600, 1e-5);
  EXPECT_EQ(t.slice_index, 10);
  EXPECT_NEAR(t.slice_z_mm, -40, 1e-9);
  EXPECT_TRUE(samePair(t.ldi_end_a, t.ldi_end_b, {-85, -10, -40}, {-55, -10, -40}, 1e-6));
  EXPECT_TRUE(samePair(t.sdi_end_a, t.sdi_end_b, {-70, -20, -40}, {-70, 0, -40}, 1e-6));
  EXPECT_NEAR(t.volume_ml, kPi / 6 * 30 * 20 * 16 / 1000, 1e-9);
  EXPECT_DOUBLE_EQ(t.suv_set, 8.0);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(t.centre_mm[i], kCentre[i], 1e-9);
}

TEST(Truth, InPlaneRotationRotatesTheCalipers) {
  for (double deg = 0; deg <= 90; deg += 15) {
    const Rendered out = renderOne(ellipsoidLesion(kCentre, {30, 20, 16}, deg));
    const LesionTruth& t = out.truth.lesions[0];
    const double c = std::cos(deg * kPi / 180), s = std::sin(deg * kPi / 180);
    EXPECT_NEAR(t.ldi_mm, 30, 1e-6) << deg;
    EXPECT_NEAR(t.sdi_mm, 20, 1e-6) << deg;
    EXPECT_TRUE(samePair(t.ldi_end_a, t.ldi_end_b, {-70 + 15 * c, -10 + 15 * s, -40},
                         {-70 - 15 * c, -10 - 15 * s, -40}, 1e-6))
        << deg;
    EXPECT_TRUE(samePair(t.sdi_end_a, t.sdi_end_b, {-70 - 10 * s, -10 + 10 * c, -40},
                         {-70 + 10 * s, -10 - 10 * c, -40}, 1e-6))
        << deg;
  }
}

TEST(Truth, BetweenSlicesTakesTheNearestSliceCrossSection) {
  for (double dz : {1.0, -1.4}) {
    const Rendered out = renderOne(ellipsoidLesion({-70, -10, -40 + dz}, {30, 20, 16}, 25));
    const LesionTruth& t = out.truth.lesions[0];
    const double f = std::sqrt(1 - (dz / 8) * (dz / 8));  // semi-axis c = 8 mm
    EXPECT_EQ(t.slice_index, 10) << dz;
    EXPECT_NEAR(t.ldi_mm, 30 * f, 1e-6) << dz;
    EXPECT_NEAR(t.sdi_mm, 20 * f, 1e-6) << dz;
    EXPECT_NEAR(t.ppd_mm2, 600 * f * f, 1e-5) << dz;
  }
}

// Rotation about x by deg (the pose's tilt), applied to the scanner point to get back to the body.
Vec3 untilt(const Vec3& p, double deg) {
  const double c = std::cos(deg * kPi / 180), s = std::sin(deg * kPi / 180);
  return {p[0], c * p[1] + s * p[2], -s * p[1] + c * p[2]};
}

// LDi and SDi of an ellipse given by an inside test on the plane z: raster at 0.02 mm around (cx, cy),
// principal axes from the second moments, extents of the inside pixels along them.
std::pair<double, double> rasterAxes(const std::function<bool(const Vec3&)>& inside, double cx, double cy,
                                     double z, double half) {
  constexpr double h = 0.02;
  const int n = static_cast<int>(2 * half / h);
  std::vector<std::pair<double, double>> pts;
  double sx = 0, sy = 0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      const double x = cx - half + (i + 0.5) * h, y = cy - half + (j + 0.5) * h;
      if (!inside({x, y, z})) continue;
      pts.emplace_back(x, y);
      sx += x;
      sy += y;
    }
  const double mx = sx / pts.size(), my = sy / pts.size();
  double cxx = 0, cxy = 0, cyy = 0;
  for (const auto& [x, y] : pts) {
    cxx += (x - mx) * (x - mx);
    cxy += (x - mx) * (y - my);
    cyy += (y - my) * (y - my);
  }
  const double angle = 0.5 * std::atan2(2 * cxy, cxx - cyy);  // major axis of the second moments
  const double ux = std::cos(angle), uy = std::sin(angle);
  double lo_u = 1e9, hi_u = -1e9, lo_v = 1e9, hi_v = -1e9;
  for (const auto& [x, y] : pts) {
    const double u = x * ux + y * uy, v = -x * uy + y * ux;
    lo_u = std::min(lo_u, u), hi_u = std::max(hi_u, u), lo_v = std::min(lo_v, v), hi_v = std::max(hi_v, v);
  }
  return {hi_u - lo_u + h, hi_v - lo_v + h};
}

TEST(Truth, TiltedPoseGivesTheConicCrossSection) {
  const Vec3 d{40, 30, 12};
  const double rot = 30, tilt = 5;
  Pose pose;
  pose.rotation_deg = {tilt, 0, 0};
  const LesionTruth flat = renderOne(ellipsoidLesion(kCentre, d, rot)).truth.lesions[0];
  const LesionTruth t = renderOne(ellipsoidLesion(kCentre, d, rot), pose).truth.lesions[0];
  // Scanner centre: Rx(5) * body centre; the slice nearest to it (-40.72) is -40.
  EXPECT_NEAR(t.centre_mm[2], std::sin(tilt * kPi / 180) * -10 + std::cos(tilt * kPi / 180) * -40, 1e-9);
  EXPECT_EQ(t.slice_index, 10);
  auto inside = [&](const Vec3& p) {
    const Vec3 q = untilt(p, tilt);
    const double c = std::cos(rot * kPi / 180), s = std::sin(rot * kPi / 180);
    const double dx = q[0] - kCentre[0], dy = q[1] - kCentre[1], dz = q[2] - kCentre[2];
    const double u = c * dx + s * dy, v = -s * dx + c * dy;
    return std::pow(u / (d[0] / 2), 2) + std::pow(v / (d[1] / 2), 2) + std::pow(dz / (d[2] / 2), 2) <= 1;
  };
  const double cx = (t.ldi_end_a[0] + t.ldi_end_b[0]) / 2, cy = (t.ldi_end_a[1] + t.ldi_end_b[1]) / 2;
  const auto [ldi, sdi] = rasterAxes(inside, cx, cy, t.slice_z_mm, 22);
  EXPECT_NEAR(t.ldi_mm, ldi, 0.05);
  EXPECT_NEAR(t.sdi_mm, sdi, 0.05);
  EXPECT_GT(std::abs(t.sdi_mm - flat.sdi_mm) + std::abs(t.ldi_mm - flat.ldi_mm), 0.2);
  EXPECT_NEAR(t.ppd_mm2, t.ldi_mm * t.sdi_mm, 1e-9);
}

// The union of a lesion's shapes on the plane z (identity pose: scanner = body).
std::function<bool(double, double)> unionOnPlane(const std::vector<detail::Shape>& parts, double z) {
  return [parts, z](double x, double y) {
    return std::any_of(parts.begin(), parts.end(), [&](const detail::Shape& s) {
      return s.inside({x, y, z});
    });
  };
}

struct Measured {
  double ldi, sdi;
};

// Brute force on a 0.02 mm raster: LDi = largest distance between boundary pixels, SDi = longest extent
// perpendicular to it among 0.02 mm wide strips (first to last inside pixel of each strip).
Measured rasterMeasure(const std::function<bool(double, double)>& inside, double x0, double y0, double x1,
                       double y1) {
  constexpr double h = 0.02;
  const int nx = static_cast<int>((x1 - x0) / h), ny = static_cast<int>((y1 - y0) / h);
  std::vector<char> in(static_cast<size_t>(nx) * ny);
  for (int i = 0; i < nx; ++i)
    for (int j = 0; j < ny; ++j) in[size_t(i) * ny + j] = inside(x0 + (i + 0.5) * h, y0 + (j + 0.5) * h);
  std::vector<std::pair<double, double>> boundary, all;
  for (int i = 1; i + 1 < nx; ++i)
    for (int j = 1; j + 1 < ny; ++j) {
      if (!in[size_t(i) * ny + j]) continue;
      const std::pair<double, double> p{x0 + (i + 0.5) * h, y0 + (j + 0.5) * h};
      all.push_back(p);
      if (!in[size_t(i - 1) * ny + j] || !in[size_t(i + 1) * ny + j] || !in[size_t(i) * ny + j - 1] ||
          !in[size_t(i) * ny + j + 1])
        boundary.push_back(p);
    }
  double best = 0;
  std::pair<double, double> a{}, b{};
  for (size_t i = 0; i < boundary.size(); ++i)
    for (size_t j = i + 1; j < boundary.size(); ++j) {
      const double dd =
          std::hypot(boundary[i].first - boundary[j].first, boundary[i].second - boundary[j].second);
      if (dd > best) best = dd, a = boundary[i], b = boundary[j];
    }
  const double ex = (b.first - a.first) / best, ey = (b.second - a.second) / best;
  const int bins = static_cast<int>(best / h) + 3;
  std::vector<double> lo(bins, 1e9), hi(bins, -1e9);
  for (const auto& [x, y] : all) {
    const double t = (x - a.first) * ex + (y - a.second) * ey, s = -(x - a.first) * ey + (y - a.second) * ex;
    const int bin = std::clamp(static_cast<int>(std::floor(t / h)) + 1, 0, bins - 1);
    lo[bin] = std::min(lo[bin], s);
    hi[bin] = std::max(hi[bin], s);
  }
  double sdi = 0;
  for (int i = 0; i < bins; ++i) sdi = std::max(sdi, hi[i] - lo[i]);
  return {best + h, sdi + h};
}

TEST(Truth, LobulatedLesionMatchesABruteForceRaster) {
  const Lesion l = ellipsoidLesion(kCentre, {30, 20, 16}, 20, LesionShape::Lobulated);
  const LesionTruth t = renderOne(l).truth.lesions[0];
  ASSERT_GE(t.slice_index, 0);
  const std::vector<detail::Shape> parts = detail::lesionShapes(l, l.states[0]);
  ASSERT_EQ(parts.size(), 3u);
  // The main ellipse alone on that slice (hand formula): the union is at least as long.
  const double dz = t.slice_z_mm - kCentre[2];
  EXPECT_GE(t.ldi_mm, 30 * std::sqrt(1 - dz * dz / 64) - 1e-9);
  EXPECT_GT(t.ldi_mm, 30.5);  // the lobes bulge out
  const Vec3 e = detail::sub(t.ldi_end_b, t.ldi_end_a), n = detail::sub(t.sdi_end_b, t.sdi_end_a);
  EXPECT_NEAR(dist2d(t.ldi_end_a, t.ldi_end_b), t.ldi_mm, 1e-9);
  EXPECT_NEAR(dist2d(t.sdi_end_a, t.sdi_end_b), t.sdi_mm, 1e-9);
  EXPECT_NEAR(detail::dot(e, n) / (t.ldi_mm * t.sdi_mm), 0, 1e-9);  // SDi perpendicular to LDi
  Vec3 lo{1e9, 1e9, 1e9}, hi{-1e9, -1e9, -1e9};
  for (const auto& s : parts)
    for (int i = 0; i < 3; ++i) lo[i] = std::min(lo[i], s.box_min[i]), hi[i] = std::max(hi[i], s.box_max[i]);
  const Measured m =
      rasterMeasure(unionOnPlane(parts, t.slice_z_mm), lo[0] - 1, lo[1] - 1, hi[0] + 1, hi[1] + 1);
  EXPECT_NEAR(t.ldi_mm, m.ldi, 0.1);
  EXPECT_NEAR(t.sdi_mm, m.sdi, 0.1);
  // No other slice has a larger PPD: compare with the neighbours by brute force as well.
  for (int dk : {-1, 1}) {
    const double z = t.slice_z_mm + 3 * dk;
    const Measured other = rasterMeasure(unionOnPlane(parts, z), lo[0] - 1, lo[1] - 1, hi[0] + 1, hi[1] + 1);
    EXPECT_LE(other.ldi * other.sdi, t.ppd_mm2 + 5) << dk;
  }
  // Union volume against a 0.2 mm voxel count.
  constexpr double h = 0.2;
  double count = 0;
  for (double x = lo[0] + h / 2; x < hi[0]; x += h)
    for (double y = lo[1] + h / 2; y < hi[1]; y += h)
      for (double z = lo[2] + h / 2; z < hi[2]; z += h)
        count += std::any_of(parts.begin(), parts.end(), [&](const detail::Shape& s) {
          return s.inside({x, y, z});
        });
  EXPECT_NEAR(t.volume_ml / (count * h * h * h / 1000), 1.0, 0.005);
  EXPECT_GT(t.volume_ml, kPi / 6 * 30 * 20 * 16 / 1000);
}

TEST(Truth, AbsentLesionIsAllZero) {
  Lesion l = ellipsoidLesion(kCentre, {30, 20, 16});
  l.states[0].present = false;
  const Rendered out = renderOne(l);
  const LesionTruth& t = out.truth.lesions[0];
  EXPECT_FALSE(t.present);
  EXPECT_EQ(t.slice_index, -1);
  EXPECT_EQ(t.ldi_mm, 0);
  EXPECT_EQ(t.sdi_mm, 0);
  EXPECT_EQ(t.ppd_mm2, 0);
  EXPECT_EQ(t.volume_ml, 0);
  EXPECT_EQ(t.suv_max, 0);
  EXPECT_EQ(t.suv_set, 0);
  // Nothing painted: the liver is uniform where the lesion would be (slice 10 at z = -40).
  const Volume& ct = out.ct;
  for (int r = 0; r < ct.rows; ++r)
    for (int c = 0; c < ct.cols; ++c) {
      const Vec3 p = ct.voxelCentre(c, r, 10);
      if (std::hypot(p[0] - kCentre[0], p[1] - kCentre[1]) < 20) {
        ASSERT_NEAR(ct.values[(size_t(10) * ct.rows + r) * ct.cols + c], 60, 1e-4);
      }
    }
}

TEST(Truth, LesionOutsideTheCtRangeHasNoSlice) {
  const LesionTruth t = renderOne(ellipsoidLesion({-70, -10, 30}, {30, 20, 16})).truth.lesions[0];
  EXPECT_TRUE(t.present);
  EXPECT_EQ(t.slice_index, -1);
  EXPECT_EQ(t.ldi_mm, 0);
  EXPECT_EQ(t.ppd_mm2, 0);
  EXPECT_NEAR(t.volume_ml, kPi / 6 * 30 * 20 * 16 / 1000, 1e-9);
  EXPECT_EQ(t.suv_max, 0);  // not in the PET either
}

// Max of pet_clean over voxels whose centre is inside the body-space ellipsoid (identity pose).
double maxInside(const Volume& pet, const Vec3& c, const Vec3& d) {
  double best = 0;
  for (int k = 0; k < pet.slices; ++k)
    for (int r = 0; r < pet.rows; ++r)
      for (int col = 0; col < pet.cols; ++col) {
        const Vec3 p = pet.voxelCentre(col, r, k);
        double f = 0;
        for (int i = 0; i < 3; ++i) f += std::pow((p[i] - c[i]) / (d[i] / 2), 2);
        if (f <= 1) best = std::max(best, double(pet.values[(size_t(k) * pet.rows + r) * pet.cols + col]));
      }
  return best;
}

TEST(Truth, SuvMaxIsTheMaxOfTheBlurredPetInsideTheLesion) {
  const LesionTruth big = renderOne(ellipsoidLesion(kCentre, {30, 30, 30})).truth.lesions[0];
  EXPECT_NEAR(big.suv_max, 8.0, 0.01);  // 15 mm radius >> PSF: fully recovered
  const Vec3 c{-71, -9, -39}, d{8, 8, 8};
  const Rendered small = renderOne(ellipsoidLesion(c, d));
  EXPECT_NEAR(small.truth.lesions[0].suv_max, maxInside(small.pet_clean, c, d), 1e-6);
  EXPECT_LT(small.truth.lesions[0].suv_max, 7.0);  // partial volume
  EXPECT_GT(small.truth.lesions[0].suv_max, Physiology{}.liver_suv);
}

TEST(Truth, ReferenceRegionsFollowThePose) {
  Pose pose;
  pose.shift_mm = {3, -4, 5};
  pose.rotation_deg = {2, -1, 3};
  Physiology phys;
  phys.liver_suv = 2.6;
  phys.blood_pool_suv = 1.9;
  const detail::RigidTransform tr = detail::poseTransform(pose);
  const Lesion far = ellipsoidLesion({-70, -10, 100}, {10, 10, 10});  // away from both regions
  const Rendered liver = renderOne(far, pose, phys);
  const Vec3 lc = tr.toScanner({-75, -5, -35});
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(liver.truth.liver_sphere_centre_mm[i], lc[i], 1e-9);
  EXPECT_NEAR(liver.truth.liver_suv_mean, 2.6, 1e-4);
  const Rendered chest = renderOne(far, pose, phys, testCt(120, 180), testPet(120, 180));
  const Vec3 bc = tr.toScanner({15, 25, 150});
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(chest.truth.blood_pool_centre_mm[i], bc[i], 1e-9);
  // Independent mean over voxel centres in the 10 mm x 20 mm cylinder on the aorta's axis.
  const Volume& pet = chest.pet_clean;
  double sum = 0;
  int n = 0;
  for (int k = 0; k < pet.slices; ++k)
    for (int r = 0; r < pet.rows; ++r)
      for (int c = 0; c < pet.cols; ++c) {
        const Vec3 q = tr.toBody(pet.voxelCentre(c, r, k));
        if (std::hypot(q[0] - 15, q[1] - 25) <= 5 && std::abs(q[2] - 150) <= 10) {
          sum += pet.values[(size_t(k) * pet.rows + r) * pet.cols + c];
          ++n;
        }
      }
  ASSERT_GT(n, 10);
  EXPECT_NEAR(chest.truth.blood_pool_suv_mean, sum / n, 1e-6);
  EXPECT_NEAR(chest.truth.blood_pool_suv_mean, 1.9, 0.05 * 1.9);
}

// Craniocaudal extent of the spleen in scanner z by sampling its surface densely.
double sampledSpleenLength(const Physiology& phys, const Pose& pose) {
  const detail::Shape s = detail::spleenShape(phys);
  const detail::RigidTransform tr = detail::poseTransform(pose);
  double lo = 1e9, hi = -1e9;
  for (int i = 0; i <= 600; ++i)
    for (int j = 0; j < 600; ++j) {
      const double th = kPi * i / 600, ph = 2 * kPi * j / 600;
      const Vec3 local{s.half[0] * std::sin(th) * std::cos(ph), s.half[1] * std::sin(th) * std::sin(ph),
                       s.half[2] * std::cos(th)};
      const double z = tr.toScanner(detail::add(s.centre, detail::mul(s.axes, local)))[2];
      lo = std::min(lo, z);
      hi = std::max(hi, z);
    }
  return hi - lo;
}

TEST(Truth, SpleenLengthIsTheAcquiredCraniocaudalExtent) {
  for (double length : {110.0, 180.0}) {
    Physiology phys;
    phys.spleen_length_mm = length;
    Pose shifted;
    shifted.shift_mm = {10, 20, 30};
    const Rendered out = renderOne(ellipsoidLesion(kCentre, {10, 10, 10}), shifted, phys);
    EXPECT_NEAR(out.truth.spleen_length_mm, length, 1e-9);
    EXPECT_NEAR(sampledSpleenLength(phys, shifted), length, 0.02);
    // The spleen is really there: its centre renders with spleen HU.
    const Vec3 c = detail::add(detail::spleenShape(phys).centre, shifted.shift_mm);
    RenderOptions o;
    o.noise = false;
    CtGrid ct = testCt(c[2], c[2]);
    ct.matrix = 5;
    ct.centre_mm = c;  // the middle voxel (2, 2) is centred on the spleen's centre
    const Rendered at = render({}, phys, 0, shifted, ct, testPet(c[2], c[2]), o);
    EXPECT_NEAR(at.ct.values[2 * 5 + 2], 50, 1e-4) << length;
  }
  Physiology phys;
  phys.spleen_length_mm = 160;
  Pose tilted;
  tilted.rotation_deg = {6, -4, 10};
  const Rendered out = renderOne(ellipsoidLesion(kCentre, {10, 10, 10}), tilted, phys);
  EXPECT_NEAR(out.truth.spleen_length_mm, sampledSpleenLength(phys, tilted), 0.02);
  EXPECT_GT(std::abs(out.truth.spleen_length_mm - 160), 0.1);
}

}  // namespace
}  // namespace recap::phantom
