// Automatic reference regions on rendered phantoms, against the phantom's analytic truth: timepoints
// at different poses (shifts up to 50 mm, rotations up to 5 degrees), head and feet first, CT pixels
// of 0.7 and 1.6 mm, PET voxels of 2 to 4 mm, normal spleens and splenomegaly, a hot lesion in the
// right lobe, overrides, and a CT limited to the abdomen.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <map>
#include <memory>
#include <string>

#include "phantom_image.h"
#include "recap/core/error.h"
#include "recap/phantom/model.h"
#include "recap/reference/reference.h"

namespace recap::reference {
namespace {

using phantom::CtGrid;
using phantom::Lesion;
using phantom::PetGrid;
using phantom::Physiology;
using phantom::Pose;
using phantom::Rendered;
using phantom::Vec3;

constexpr double kPi = 3.14159265358979323846;
constexpr double kLiverHu = 60;                 // the phantom's liver (modules/phantom/src/anatomy.cpp)
const Vec3 kAortaBody{15, 25, 0};               // descending and abdominal aorta axis, along body z

// ---------------------------------------------------------------------------------------------------
// Rendering cases.

struct Case {
  std::string name;
  CtGrid ct;
  PetGrid pet;
  Pose pose;
  Physiology physiology;
  std::vector<Lesion> lesions;
  uint64_t seed = 1;
};

CtGrid ctGrid(int matrix, double pixel, double slice, double z_from, double z_to, bool feet_first) {
  CtGrid g;
  g.matrix = matrix;
  g.pixel_mm = pixel;
  g.slice_mm = slice;
  g.z_from_mm = z_from;
  g.z_to_mm = z_to;
  g.feet_first = feet_first;
  return g;
}

PetGrid petGrid(int matrix, double pixel, double slice, double z_from, double z_to, bool feet_first) {
  PetGrid g;
  g.matrix = matrix;
  g.pixel_mm = pixel;
  g.slice_mm = slice;
  g.z_from_mm = z_from;
  g.z_to_mm = z_to;
  g.feet_first = feet_first;
  return g;
}

Pose pose(Vec3 shift, Vec3 rotation) {
  Pose p;
  p.shift_mm = shift;
  p.rotation_deg = rotation;
  return p;
}

// A: head first, whole trunk, CT 1.6 mm, PET 4 mm.
Case caseA() {
  Case c;
  c.name = "A head-first trunk, CT 1.6 mm, PET 4 mm";
  c.ct = ctGrid(256, 1.6, 3.0, -330, 210, false);
  c.pet = petGrid(110, 4.0, 3.0, -330, 210, false);
  c.pose = pose({20, -15, 10}, {2, -3, 4});
  c.seed = 11;
  return c;
}

// B: feet first, upper abdomen and lung bases, CT 0.7 mm (2 mm slices), PET 2 mm, other uptake.
Case caseB() {
  Case c;
  c.name = "B feet-first upper abdomen, CT 0.7 mm, PET 2 mm";
  c.ct = ctGrid(600, 0.7, 2.0, -160, 60, true);
  c.pet = petGrid(220, 2.0, 2.0, -170, 70, true);
  c.pose = pose({-35, 25, -20}, {-4, 3, -5});
  c.physiology.liver_suv = 2.8;
  c.physiology.blood_pool_suv = 2.1;
  c.seed = 12;
  return c;
}

// C: head first, splenomegaly 170 mm, shifted 50 mm up, CT 1.6 mm / 2.5 mm slices, PET 4 mm.
Case caseC() {
  Case c;
  c.name = "C head-first splenomegaly 170 mm, shift 50 mm";
  c.ct = ctGrid(256, 1.6, 2.5, -170, 120, false);
  c.pet = petGrid(110, 4.0, 3.0, -170, 120, false);
  c.pose = pose({-10, 45, 50}, {5, 0, -3});
  c.physiology.spleen_length_mm = 170;
  c.physiology.liver_suv = 1.8;
  c.seed = 13;
  return c;
}

// D: feet first, splenomegaly 160 mm, CT 1.6 mm / 3 mm slices, PET 3 mm.
Case caseD() {
  Case c;
  c.name = "D feet-first splenomegaly 160 mm";
  c.ct = ctGrid(256, 1.6, 3.0, -220, 60, true);
  c.pet = petGrid(140, 3.0, 3.0, -220, 60, true);
  c.pose = pose({30, -20, -15}, {0, -5, 5});
  c.physiology.spleen_length_mm = 160;
  c.seed = 14;
  return c;
}

// E: feet first, whole trunk, splenomegaly 180 mm, CT 1.6 mm, PET 4 mm, rotated 5 degrees.
Case caseE() {
  Case c;
  c.name = "E feet-first trunk, splenomegaly 180 mm";
  c.ct = ctGrid(256, 1.6, 3.0, -330, 210, true);
  c.pet = petGrid(110, 4.0, 4.0, -330, 210, true);
  c.pose = pose({-20, 10, -30}, {-3, 5, 2});
  c.physiology.spleen_length_mm = 180;
  c.physiology.blood_pool_suv = 1.4;
  c.seed = 15;
  return c;
}

// F: a CT of the abdomen only (no chest), PET over the trunk.
Case caseF() {
  Case c;
  c.name = "F abdomen-only CT";
  c.ct = ctGrid(256, 1.6, 3.0, -260, -10, false);
  c.pet = petGrid(110, 4.0, 3.0, -330, 210, false);
  c.pose = pose({10, 10, 0}, {0, 2, -2});
  c.physiology.blood_pool_suv = 1.9;
  c.seed = 16;
  return c;
}

// G: the upper abdomen, head first, CT 1.6 mm, PET 4 mm; with `lesion`, a hot lesion iso-attenuating
// on CT (only the PET shows it).
Case caseG(const std::vector<Lesion>& lesions = {}) {
  Case c;
  c.name = lesions.empty() ? "G upper abdomen" : "G upper abdomen with a hot lesion in the right lobe";
  c.ct = ctGrid(256, 1.6, 3.0, -170, 60, false);
  c.pet = petGrid(110, 4.0, 3.0, -170, 60, false);
  c.pose = pose({-15, 30, 5}, {3, 2, -4});
  c.lesions = lesions;
  c.seed = 17;
  return c;
}

// H: high liver uptake (an SUV error), upper abdomen only.
Case caseH() {
  Case c = caseG();
  c.name = "H liver SUV 3.6";
  c.physiology.liver_suv = 3.6;
  c.seed = 18;
  return c;
}

// I: a CT of the chest only (no liver, no spleen).
Case caseI() {
  Case c;
  c.name = "I chest-only CT";
  c.ct = ctGrid(256, 1.6, 3.0, 80, 210, false);
  c.pet = petGrid(110, 4.0, 3.0, 80, 210, false);
  c.pose = pose({0, -10, 0}, {0, 0, 3});
  c.seed = 19;
  return c;
}

// J: low-dose noise (CT 25 HU at 1.6 mm, PET noise twice the default), head first, whole trunk.
Case caseJ() {
  Case c;
  c.name = "J noisy: CT 25 HU, PET CV 0.2";
  c.ct = ctGrid(256, 1.6, 3.0, -330, 210, false);
  c.ct.noise_hu = 25;
  c.pet = petGrid(110, 4.0, 3.0, -330, 210, false);
  c.pet.noise_cv = 0.2;
  c.pose = pose({-25, 20, 15}, {-2, 4, 3});
  c.physiology.liver_suv = 2.5;
  c.seed = 20;
  return c;
}

// K: 5 mm slices, spleen 130 mm, feet first.
Case caseK() {
  Case c;
  c.name = "K feet-first 5 mm slices, spleen 130 mm";
  c.ct = ctGrid(256, 1.6, 5.0, -170, 60, true);
  c.pet = petGrid(110, 4.0, 5.0, -170, 60, true);
  c.pose = pose({5, -5, -10}, {2, 2, -2});
  c.physiology.spleen_length_mm = 130;
  c.seed = 21;
  return c;
}

struct Loaded {
  Rendered rendered;
  std::unique_ptr<Timepoint> timepoint;
};

// Renders each case once per test run.
const Loaded& load(const Case& c) {
  static std::map<std::string, std::unique_ptr<Loaded>> cache;
  auto& slot = cache[c.name];
  if (!slot) {
    phantom::RenderOptions o;
    // RECAP_TEST_SEED=N draws another noise (robustness sweeps); each case's own draw by default.
    const char* other = std::getenv("RECAP_TEST_SEED");
    o.seed = c.seed + (other ? 1000 * std::strtoull(other, nullptr, 10) : 0);
    slot = std::make_unique<Loaded>();
    slot->rendered = phantom::render(c.lesions, c.physiology, 0, c.pose, c.ct, c.pet, o);
    slot->timepoint = std::make_unique<Timepoint>(testing::toImage(slot->rendered.ct),
                                                  testing::toImage(slot->rendered.pet));
  }
  return *slot;
}

// ---------------------------------------------------------------------------------------------------
// Geometry of the truth.

Vec3 rotate(const Pose& p, const Vec3& q) {
  auto rx = [](double deg, const Vec3& v) {
    const double c = std::cos(deg * kPi / 180), s = std::sin(deg * kPi / 180);
    return Vec3{v[0], c * v[1] - s * v[2], s * v[1] + c * v[2]};
  };
  auto ry = [](double deg, const Vec3& v) {
    const double c = std::cos(deg * kPi / 180), s = std::sin(deg * kPi / 180);
    return Vec3{c * v[0] + s * v[2], v[1], -s * v[0] + c * v[2]};
  };
  auto rz = [](double deg, const Vec3& v) {
    const double c = std::cos(deg * kPi / 180), s = std::sin(deg * kPi / 180);
    return Vec3{c * v[0] - s * v[1], s * v[0] + c * v[1], v[2]};
  };
  return rz(p.rotation_deg[2], ry(p.rotation_deg[1], rx(p.rotation_deg[0], q)));
}

Vec3 toScanner(const Pose& p, const Vec3& q) {
  const Vec3 r = rotate(p, q);
  return {r[0] + p.shift_mm[0], r[1] + p.shift_mm[1], r[2] + p.shift_mm[2]};
}

Vec3 toBody(const Pose& p, const Point& x) {
  // Inverse of toScanner: R^T (x - shift), with R^T = Rx(-a) Ry(-b) Rz(-c).
  const Vec3 d{x[0] - p.shift_mm[0], x[1] - p.shift_mm[1], x[2] - p.shift_mm[2]};
  Pose z, y, xr;
  z.rotation_deg = {0, 0, -p.rotation_deg[2]};
  y.rotation_deg = {0, -p.rotation_deg[1], 0};
  xr.rotation_deg = {-p.rotation_deg[0], 0, 0};
  return rotate(xr, rotate(y, rotate(z, d)));
}

double distance(const Point& a, const Vec3& b) { return std::hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]); }

// Distance (mm) from a scanner point to the aortic axis of the posed phantom.
double distanceToAorta(const Pose& p, const Point& x) {
  const Vec3 a = toScanner(p, kAortaBody), d = rotate(p, {0, 0, 1});
  const Vec3 v{x[0] - a[0], x[1] - a[1], x[2] - a[2]};
  const double t = v[0] * d[0] + v[1] * d[1] + v[2] * d[2];
  return std::sqrt(std::max(0.0, v[0] * v[0] + v[1] * v[1] + v[2] * v[2] - t * t));
}

// Largest deviation from the liver's attenuation over a noise-free CT with 1 mm voxels, rendered around
// `centre`, among voxels whose centre lies within `radius` of it: 0 when the ball is all liver.
double worstLiverDeviation(const Case& c, const Point& centre, double radius) {
  CtGrid g = ctGrid(2 * static_cast<int>(std::ceil(radius)) + 3, 1.0, 1.0, centre[2] - radius - 1,
                    centre[2] + radius + 1, false);
  g.centre_mm = {centre[0], centre[1], 0};
  g.noise_hu = 0;
  const PetGrid p = petGrid(2, 4.0, 4.0, centre[2], centre[2], false);
  phantom::RenderOptions o;
  o.noise = false;
  const Rendered r = phantom::render(c.lesions, c.physiology, 0, c.pose, g, p, o);
  double worst = 0;
  int n = 0;
  for (int k = 0; k < r.ct.slices; ++k)
    for (int j = 0; j < r.ct.rows; ++j)
      for (int i = 0; i < r.ct.cols; ++i) {
        const Vec3 q = r.ct.voxelCentre(i, j, k);
        if (std::hypot(q[0] - centre[0], q[1] - centre[1], q[2] - centre[2]) > radius) continue;
        worst = std::max(worst, std::abs(r.ct.values[(size_t(k) * r.ct.rows + j) * r.ct.cols + i] - kLiverHu));
        ++n;
      }
  EXPECT_GT(n, 4 * radius * radius * radius);  // the ball was sampled
  return worst;
}

// Brute-force statistics of a rendered PET over the voxel centres inside `inside`.
template <typename Inside>
void bruteForce(const phantom::Volume& pet, Inside inside, double& mean, double& max, int& n) {
  double sum = 0;
  max = 0;
  n = 0;
  for (int k = 0; k < pet.slices; ++k)
    for (int j = 0; j < pet.rows; ++j)
      for (int i = 0; i < pet.cols; ++i) {
        if (!inside(pet.voxelCentre(i, j, k))) continue;
        const double v = pet.values[(size_t(k) * pet.rows + j) * pet.cols + i];
        sum += v;
        max = std::max(max, v);
        ++n;
      }
  mean = n ? sum / n : 0;
}

double percent(double value, double truth) { return 100 * (value - truth) / truth; }

// ---------------------------------------------------------------------------------------------------
// Checks shared by the cases.

void checkLiver(const Case& c) {
  SCOPED_TRACE(c.name);
  const Loaded& l = load(c);
  const LiverRegion r = l.timepoint->liver();
  ASSERT_TRUE(r.found) << r.reason;
  EXPECT_EQ(r.source, "auto");
  const double truth = l.rendered.truth.liver_suv_mean;
  ASSERT_NEAR(truth, c.physiology.liver_suv, 1e-3);  // the truth sphere is uniform liver
  EXPECT_NEAR(r.suv_mean, truth, 0.03 * truth);
  EXPECT_GT(r.voxels, 0.8 * 4.0 / 3 * kPi * 15 * 15 * 15 / (c.pet.pixel_mm * c.pet.pixel_mm * c.pet.slice_mm));
  EXPECT_GT(r.suv_sd, 0);
  EXPECT_GE(r.suv_max, r.suv_mean);
  EXPECT_GE(r.depth_mm, 17);
  // Every point within 15 mm + 2 mm margin of the centre is liver on a noise-free CT.
  const double worst = worstLiverDeviation(c, r.centre_mm, 17);
  EXPECT_LT(worst, 0.5) << "sphere leaves the liver";
  EXPECT_TRUE(r.warnings.empty()) << r.warnings.front();
  std::printf("[ accuracy ] %s: liver SUVmean %.3f vs truth %.3f (%+.2f %%), %d voxels, depth %.1f mm, "
              "max CT deviation within 17 mm %.2f HU\n",
              c.name.c_str(), r.suv_mean, truth, percent(r.suv_mean, truth), r.voxels, r.depth_mm, worst);
}

void checkBloodPool(const Case& c, const std::string& site) {
  SCOPED_TRACE(c.name);
  const Loaded& l = load(c);
  const BloodPoolRegion r = l.timepoint->bloodPool();
  ASSERT_TRUE(r.found) << r.reason;
  EXPECT_EQ(r.source, "auto");
  EXPECT_EQ(r.site, site);
  const double truth = l.rendered.truth.blood_pool_suv_mean;
  ASSERT_GT(truth, 0.9 * c.physiology.blood_pool_suv);
  EXPECT_NEAR(r.suv_mean, truth, 0.05 * truth);
  const double off_axis = distanceToAorta(c.pose, r.centre_mm);
  EXPECT_LT(off_axis, 6.0);
  const Vec3 d = rotate(c.pose, {0, 0, 1});
  EXPECT_GT(std::abs(r.axis[0] * d[0] + r.axis[1] * d[1] + r.axis[2] * d[2]), std::cos(10 * kPi / 180));
  EXPECT_GT(r.voxels, 5);
  EXPECT_GE(r.suv_max, r.suv_mean);
  EXPECT_NEAR(r.vessel_radius_mm, 12, 2.5);  // the phantom's aorta
  std::printf("[ accuracy ] %s: blood pool (%s, z %.0f) SUVmean %.3f vs truth %.3f (%+.2f %%), %d voxels, "
              "%.2f mm off the aortic axis\n",
              c.name.c_str(), r.site.c_str(), r.centre_mm[2], r.suv_mean, truth, percent(r.suv_mean, truth),
              r.voxels, off_axis);
}

// Returns the signed error (mm).
double checkSpleen(const Case& c) {
  SCOPED_TRACE(c.name);
  const Loaded& l = load(c);
  const SpleenRegion r = l.timepoint->spleen();
  EXPECT_TRUE(r.found) << r.reason;
  if (!r.found) return 1e9;
  EXPECT_EQ(r.source, "auto");
  const double truth = l.rendered.truth.spleen_length_mm;
  const double tolerance = std::max(c.ct.slice_mm, 0.03 * truth);
  EXPECT_NEAR(r.length_mm, truth, tolerance);
  std::printf("[ accuracy ] %s: spleen length %.2f mm vs truth %.2f mm (%+.2f mm, tolerance %.2f), %d slices\n",
              c.name.c_str(), r.length_mm, truth, r.length_mm - truth, tolerance, r.slices);
  EXPECT_GT(r.volume_ml, 0);
  EXPECT_LT(r.bottom_z_mm, r.top_z_mm);
  return r.length_mm - truth;
}

// ---------------------------------------------------------------------------------------------------

TEST(Liver, HeadFirstTrunk) { checkLiver(caseA()); }
TEST(Liver, FeetFirstFineCt) { checkLiver(caseB()); }
TEST(Liver, ShiftedFiftyMillimetres) { checkLiver(caseC()); }
TEST(Liver, FeetFirstSplenomegaly) { checkLiver(caseD()); }
TEST(Liver, AbdomenOnlyCt) { checkLiver(caseF()); }
TEST(Liver, LowDoseNoise) { checkLiver(caseJ()); }
TEST(Liver, ThickSlices) { checkLiver(caseK()); }

TEST(BloodPool, DescendingThoracicAortaHeadFirst) { checkBloodPool(caseA(), "descending thoracic aorta"); }
TEST(BloodPool, DescendingThoracicAortaFeetFirst) { checkBloodPool(caseE(), "descending thoracic aorta"); }
TEST(BloodPool, AbdominalAortaWhenTheChestIsNotInTheCt) { checkBloodPool(caseF(), "abdominal aorta"); }
TEST(BloodPool, LowDoseNoise) { checkBloodPool(caseJ(), "descending thoracic aorta"); }

TEST(Spleen, HeadFirstTrunk) { checkSpleen(caseA()); }
TEST(Spleen, FeetFirstFineCt) { checkSpleen(caseB()); }
TEST(Spleen, Splenomegaly170) { checkSpleen(caseC()); }
TEST(Spleen, Splenomegaly160FeetFirst) { checkSpleen(caseD()); }
TEST(Spleen, Splenomegaly180FeetFirst) { checkSpleen(caseE()); }
TEST(Spleen, LowDoseNoise) { checkSpleen(caseJ()); }
TEST(Spleen, ThickSlices) { checkSpleen(caseK()); }

TEST(Spleen, PolesAreFoundBetweenSlices) {
  // Counting slices (slice count x spacing) passes each case's tolerance of one slice but errs by ~2 mm
  // on average; extrapolating each pole from the slice areas does better.
  double sum = 0;
  int n = 0;
  for (const Case& c : {caseA(), caseB(), caseC(), caseD(), caseE(), caseJ(), caseK()}) {
    sum += std::abs(checkSpleen(c));
    ++n;
  }
  EXPECT_LT(sum / n, 1.2) << "mean absolute error of the spleen length (mm)";
  std::printf("[ accuracy ] spleen length: mean absolute error %.2f mm over %d cases\n", sum / n, n);
}

TEST(Liver, AvoidsAHotLesionInTheRightLobe) {
  // Where the sphere goes without a lesion, put a 30 mm lesion with 4 times the liver's uptake and the
  // liver's attenuation: only the PET shows it.
  const Case plain = caseG();
  const LiverRegion before = load(plain).timepoint->liver();
  ASSERT_TRUE(before.found) << before.reason;
  Lesion lesion;
  lesion.id = "L1";
  lesion.kind = phantom::LesionKind::Extranodal;
  lesion.centre_mm = toBody(plain.pose, before.centre_mm);
  lesion.hu = kLiverHu;
  lesion.states = {phantom::LesionState{true, {30, 30, 30}, 4 * plain.physiology.liver_suv}};
  const Case c = caseG({lesion});
  const Loaded& l = load(c);
  const Vec3 lesion_centre = l.rendered.truth.lesions.at(0).centre_mm;
  ASSERT_LT(distance(before.centre_mm, lesion_centre), 0.5);
  const LiverRegion r = l.timepoint->liver();
  ASSERT_TRUE(r.found) << r.reason;
  const double gap = distance(r.centre_mm, lesion_centre) - 15 - 15;  // sphere edge to lesion edge
  EXPECT_GT(gap, 5);
  const double truth = c.physiology.liver_suv;  // uniform liver away from the lesion
  EXPECT_NEAR(r.suv_mean, truth, 0.03 * truth);
  EXPECT_LT(r.suv_max, 1.4 * truth);
  EXPECT_LT(worstLiverDeviation(c, r.centre_mm, 17), 0.5);
  // Without the PET, the same CT would have put the sphere on the lesion: the PET moved it.
  std::printf("[ accuracy ] %s: liver SUVmean %.3f vs %.3f (%+.2f %%), sphere edge %.1f mm from the lesion edge "
              "(it was centred on it without the PET hot spot)\n",
              c.name.c_str(), r.suv_mean, truth, percent(r.suv_mean, truth), gap);
}

TEST(Liver, WarnsWhenSuvMeanIsOutsideTheExpectedRange) {
  const Case c = caseH();
  const LiverRegion r = load(c).timepoint->liver();
  ASSERT_TRUE(r.found) << r.reason;
  EXPECT_NEAR(r.suv_mean, 3.6, 0.03 * 3.6);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("outside the expected range 1.3-3.0"), std::string::npos) << r.warnings[0];
}

TEST(Overrides, GivenPointsAreMeasuredWhereGiven) {
  const Case c = caseA();
  const Loaded& l = load(c);
  const phantom::TimepointTruth& truth = l.rendered.truth;
  const Point liver_at{truth.liver_sphere_centre_mm[0] + 3, truth.liver_sphere_centre_mm[1] - 2,
                       truth.liver_sphere_centre_mm[2] + 1};
  const LiverRegion liver = l.timepoint->liver(liver_at);
  EXPECT_TRUE(liver.found);
  EXPECT_EQ(liver.source, "given");
  EXPECT_EQ(liver.centre_mm, liver_at);
  double mean = 0, max = 0;
  int n = 0;
  bruteForce(l.rendered.pet, [&](const Vec3& p) { return distance(liver_at, p) <= 15; }, mean, max, n);
  EXPECT_EQ(liver.voxels, n);
  EXPECT_NEAR(liver.suv_mean, mean, 1e-6);
  EXPECT_NEAR(liver.suv_max, max, 1e-6);
  EXPECT_NEAR(liver.suv_mean, truth.liver_suv_mean, 0.03 * truth.liver_suv_mean);

  const Point blood_at{truth.blood_pool_centre_mm[0], truth.blood_pool_centre_mm[1], truth.blood_pool_centre_mm[2]};
  const BloodPoolRegion blood = l.timepoint->bloodPool(blood_at);
  EXPECT_TRUE(blood.found);
  EXPECT_EQ(blood.source, "given");
  EXPECT_EQ(blood.site, "given point");
  EXPECT_EQ(blood.axis, (Point{0, 0, 1}));
  bruteForce(l.rendered.pet,
             [&](const Vec3& p) {
               return std::hypot(p[0] - blood_at[0], p[1] - blood_at[1]) <= 5 && std::abs(p[2] - blood_at[2]) <= 10;
             },
             mean, max, n);
  EXPECT_EQ(blood.voxels, n);
  EXPECT_NEAR(blood.suv_mean, mean, 1e-6);
  EXPECT_NEAR(blood.suv_mean, truth.blood_pool_suv_mean, 0.05 * truth.blood_pool_suv_mean);

  const SpleenRegion spleen = l.timepoint->spleen(123.4);
  EXPECT_TRUE(spleen.found);
  EXPECT_EQ(spleen.source, "given");
  EXPECT_EQ(spleen.length_mm, 123.4);
}

TEST(Overrides, AllRegionsAtOnceMixGivenAndAuto) {
  const Case c = caseG();
  const Loaded& l = load(c);
  Overrides o;
  o.spleen_length_mm = 98.0;
  const ReferenceRegions r = findReferenceRegions(testing::toImage(l.rendered.ct), testing::toImage(l.rendered.pet), o);
  EXPECT_EQ(r.liver.source, "auto");
  EXPECT_TRUE(r.liver.found);
  EXPECT_EQ(r.spleen.source, "given");
  EXPECT_EQ(r.spleen.length_mm, 98.0);
  EXPECT_EQ(r.blood_pool.source, "auto");
  const LiverRegion again = l.timepoint->liver();
  EXPECT_EQ(r.liver.centre_mm, again.centre_mm);  // deterministic
}

TEST(Overrides, InvalidOverridesThrow) {
  const Loaded& l = load(caseG());
  auto code = [](auto&& fn) {
    try {
      fn();
    } catch (const Error& e) {
      return e.code();
    }
    return ErrorCode::Internal;  // no exception: fails the comparisons below
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(code([&] { l.timepoint->liver(Point{0, 0, 500}); }), ErrorCode::Usage);      // above the CT
  EXPECT_EQ(code([&] { l.timepoint->liver(Point{400, 0, 0}); }), ErrorCode::Usage);      // beside it
  EXPECT_EQ(code([&] { l.timepoint->bloodPool(Point{0, nan, 0}); }), ErrorCode::Usage);
  EXPECT_EQ(code([&] { l.timepoint->spleen(-5.0); }), ErrorCode::Usage);
  EXPECT_EQ(code([&] { l.timepoint->spleen(nan); }), ErrorCode::Usage);
  EXPECT_EQ(code([&] { Timepoint t(nullptr, testing::toImage(l.rendered.pet)); }), ErrorCode::Internal);
  EXPECT_THROW(l.timepoint->liver(Point{0, 0, 500}), Error);
}

TEST(NotFound, SpleenCutByTheCtFieldOfViewIsNotMeasured) {
  const SpleenRegion r = load(caseF()).timepoint->spleen();
  EXPECT_FALSE(r.found);
  EXPECT_EQ(r.source, "auto");
  EXPECT_NE(r.reason.find("edge of the CT field of view"), std::string::npos) << r.reason;
}

TEST(NotFound, ChestOnlyCtHasNoLiverOrSpleenButAnAorta) {
  const Case c = caseI();
  const Loaded& l = load(c);
  const LiverRegion liver = l.timepoint->liver();
  EXPECT_FALSE(liver.found);
  EXPECT_FALSE(liver.reason.empty());
  EXPECT_EQ(liver.voxels, 0);
  const SpleenRegion spleen = l.timepoint->spleen();
  EXPECT_FALSE(spleen.found);
  EXPECT_FALSE(spleen.reason.empty());
  const BloodPoolRegion blood = l.timepoint->bloodPool();
  ASSERT_TRUE(blood.found) << blood.reason;
  EXPECT_EQ(blood.site, "descending thoracic aorta");
  EXPECT_LT(distanceToAorta(c.pose, blood.centre_mm), 6.0);
  std::printf("[ info ] %s: liver not found (%s); spleen not found (%s)\n", c.name.c_str(), liver.reason.c_str(),
              spleen.reason.c_str());
}

}  // namespace
}  // namespace recap::reference
