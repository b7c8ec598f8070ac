// Segmentation + measurement on rendered phantoms, against the analytic truth: LDi and SDi of the
// largest axial cross-section among the acquired slices, the lesion's shape (Dice), its state, and
// its PET uptake. Lesions sit where segmentation is hard: against the aorta and the psoas, at the
// liver's edge, beside the spleen, in the mediastinum against lung; any in-plane rotation; head-
// and feet-first; CT pixels from 0.7 to 1.6 mm.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "lesion_scene.h"
#include "recap/core/error.h"
#include "recap/measurement/measure.h"

namespace recap::measurement {
namespace {

using phantom::LesionKind;
using phantom::Vec3;
using testing::SceneGrids;

struct Case {
  std::string name;
  Vec3 centre;             // body mm
  double rotation_deg;
  Vec3 diameters;
  double suv;
  double hu = 40;
  LesionKind kind = LesionKind::Nodal;
  phantom::LesionShape shape = phantom::LesionShape::Ellipsoid;
  SceneGrids grids{};
  phantom::Pose pose{};
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

// The noise seed of the rendered scenes: 7, or RECAP_TEST_SEED to check that the results do not
// depend on one draw of the noise (docs/segmentation.md gives the figures over several seeds).
uint64_t noiseSeed() {
  const char* s = std::getenv("RECAP_TEST_SEED");
  return s ? std::stoull(s) : 7;
}

phantom::Pose moved() {
  phantom::Pose p;
  p.shift_mm = {18, -25, 32};
  p.rotation_deg = {1.5, -1.0, 3.0};
  return p;
}

SceneGrids grids(double pixel, double slice, bool feet_first = false, double half_fov = 75) {
  SceneGrids g;
  g.ct_pixel_mm = pixel;
  g.ct_slice_mm = slice;
  g.feet_first = feet_first;
  g.half_fov_mm = half_fov;
  return g;
}

const Vec3 kParaAortic{42, 25, -120};  // touches the aorta and the psoas
std::vector<Case> cases() {
  std::vector<Case> c;
  c.push_back({"aorta_34mm_hot", kParaAortic, 25, {34, 26, 24}, 12});
  c.push_back({"aorta_18mm_low_uptake", kParaAortic, 25, {18, 12, 12}, 4, 40, LesionKind::Nodal,
               phantom::LesionShape::Ellipsoid, grids(0.9, 3), moved()});
  // At 90 degrees the lesion's tip points into the psoas, a kidney 8 mm beyond.
  for (double rot : {0.0, 30.0, 45.0, 60.0, 90.0})
    c.push_back({"aorta_rot" + std::to_string(int(rot)), kParaAortic, rot, {28, 20, 18}, 9});
  c.push_back({"liver_edge", {-125, 10, -60}, 110, {24, 18, 18}, 8, 35, LesionKind::Extranodal});
  c.push_back({"inside_liver", {-90, 10, -60}, 20, {22, 16, 16}, 7, 35, LesionKind::Extranodal});
  // The same contrast on slices thick for the lesion (5 mm against 16 mm): no neighbour to average.
  c.push_back({"inside_liver_5mm", {-90, 10, -60}, 35, {20, 16, 16}, 7, 35, LesionKind::Extranodal,
               phantom::LesionShape::Ellipsoid, grids(0.98, 5)});
  c.push_back({"liver_lobulated_5mm", {-90, 10, -60}, 25, {24, 18, 18}, 7, 35, LesionKind::Extranodal,
               phantom::LesionShape::Lobulated, grids(0.98, 5)});
  c.push_back({"beside_spleen", {62, 22, -35}, 0, {20, 16, 16}, 7});
  c.push_back({"beside_spleen_rot90", {62, 22, -35}, 90, {20, 16, 16}, 7});
  c.push_back({"mediastinum_lung", {-25, 5, 150}, 70, {28, 20, 18}, 9});
  c.push_back({"mediastinum_rot90", {-25, 5, 150}, 90, {26, 18, 18}, 8});
  c.push_back({"feet_first", kParaAortic, 40, {30, 22, 20}, 9, 40, LesionKind::Nodal,
               phantom::LesionShape::Ellipsoid, grids(0.9, 3, true), moved()});
  c.push_back({"pixel_1p6", kParaAortic, 60, {30, 22, 20}, 9, 40, LesionKind::Nodal,
               phantom::LesionShape::Ellipsoid, grids(1.6, 3)});
  c.push_back({"pixel_0p7_thin", {-40, -40, -120}, 15, {16, 11, 12}, 6, 40, LesionKind::Nodal,
               phantom::LesionShape::Ellipsoid, grids(0.7, 1.25, false, 45)});
  c.push_back({"fat_12mm_not_avid", {-40, -40, -120}, 35, {12, 9, 9}, 1.2});
  // A node short for its slices (13 mm in z on 5 mm slices), the patient moved and tilted: each
  // voxel of its widest slice averages sections that narrow across the slab.
  c.push_back({"fat_short_node_5mm", {-40, -40, -120}, 35, {17, 12, 13}, 6, 40, LesionKind::Nodal,
               phantom::LesionShape::Ellipsoid, grids(0.9, 5), moved()});
  // A node shorter than two slices (7 mm in z on 5 mm slices), its equator at a slice's centre: the
  // slab's iso-contour is the section a quarter of the slab from the equator: LDi -0.80 ... -0.92 mm
  // on seeds 1-3 and 7 before the ellipsoid fit, -0.03 ... -0.19 with it (bench/short_nodes.cpp).
  c.push_back({"fat_node_one_slice_5mm", {-40, -40, -120}, 55, {11, 8, 7}, 6, 40, LesionKind::Nodal,
               phantom::LesionShape::Ellipsoid, grids(0.9, 5)});
  c.push_back({"bulky_lobulated", {-10, -60, -190}, 20, {58, 42, 40}, 7, 40, LesionKind::Nodal,
               phantom::LesionShape::Lobulated});
  return c;
}

class Measure : public ::testing::TestWithParam<Case> {};

TEST_P(Measure, MatchesTruth) {
  const Case& c = GetParam();
  phantom::Lesion lesion = testing::makeLesion("L1", c.kind, c.centre, c.rotation_deg,
                                               {{c.diameters[0], c.diameters[1], c.diameters[2], c.suv}}, c.hu);
  lesion.shape = c.shape;
  const testing::Scene s = testing::renderScene({lesion}, {}, 0, c.pose, c.centre, c.grids, noiseSeed());
  const phantom::LesionTruth& t = s.lesion("L1");
  ASSERT_TRUE(t.present);
  const segmentation::Point3 seed{t.centre_mm[0], t.centre_mm[1], t.centre_mm[2]};
  const auto seg = segmentation::segmentLesion(*s.ct, s.pet.GetPointer(), seed);
  ASSERT_TRUE(seg.found) << seg.reason;
  const LesionMeasurement m = measureLesion(seg, s.pet.GetPointer());
  ASSERT_EQ(m.state, LesionState::Measured) << m.reason;
  const double tol_l = std::max(1.0, 0.05 * t.ldi_mm), tol_s = std::max(1.0, 0.05 * t.sdi_mm);
  EXPECT_NEAR(m.ldi_mm, t.ldi_mm, tol_l) << seg.reason << "; truth slice " << t.slice_index << ", measured "
                                         << m.slice_index;
  EXPECT_NEAR(m.sdi_mm, t.sdi_mm, tol_s) << seg.reason << "; truth slice " << t.slice_index << ", measured "
                                         << m.slice_index << ", LDi " << m.ldi_mm << " for " << t.ldi_mm;
  EXPECT_NEAR(m.ppd_mm2, m.ldi_mm * m.sdi_mm, 1e-6);
  EXPECT_EQ(m.ppd_for_spd_mm2, m.ppd_mm2);
  // The calipers are as long as the diameters, perpendicular, and on the measured slice.
  auto len = [](const Caliper& k) { return std::hypot(std::hypot(k.a[0] - k.b[0], k.a[1] - k.b[1]), k.a[2] - k.b[2]); };
  EXPECT_NEAR(len(m.ldi), m.ldi_mm, 1e-6);
  EXPECT_NEAR(len(m.sdi), m.sdi_mm, 1e-6);
  double dot = 0;
  for (int i = 0; i < 3; ++i) dot += (m.ldi.b[i] - m.ldi.a[i]) * (m.sdi.b[i] - m.sdi.a[i]);
  EXPECT_NEAR(dot / (m.ldi_mm * m.sdi_mm), 0, 1e-6);
  EXPECT_NEAR(m.ldi.a[2], m.slice_z_mm, 1e-6);
  // The outline (drawn by the report) is on the measured slice, around the LDi's midpoint: every
  // point within LDi/2 + 1 voxel of it, and the LDi's end points on it.
  ASSERT_GE(m.outline.size(), 8u);
  const double voxel = c.grids.ct_pixel_mm;
  double mid[3], to_a = 1e9, to_b = 1e9;
  for (int i = 0; i < 3; ++i) mid[i] = 0.5 * (m.ldi.a[i] + m.ldi.b[i]);
  for (const Caliper& s : m.outline)
    for (const Point3& p : {s.a, s.b}) {
      EXPECT_NEAR(p[2], m.slice_z_mm, 1e-6);
      EXPECT_LE(std::hypot(p[0] - mid[0], p[1] - mid[1]), m.ldi_mm / 2 + voxel);
      to_a = std::min(to_a, std::hypot(p[0] - m.ldi.a[0], p[1] - m.ldi.a[1]));
      to_b = std::min(to_b, std::hypot(p[0] - m.ldi.b[0], p[1] - m.ldi.b[1]));
    }
  EXPECT_LT(to_a, 1e-6);
  EXPECT_LT(to_b, 1e-6);

  // Shape: Dice against the analytic ellipsoid for lesions of 15 mm and more.
  if (c.shape == phantom::LesionShape::Ellipsoid && t.ldi_mm >= 15) {
    const auto& f = seg.box.frame;
    size_t both = 0, ours = 0, truth = 0;
    for (long k = 0; k < f.size[2]; ++k)
      for (long j = 0; j < f.size[1]; ++j)
        for (long i = 0; i < f.size[0]; ++i) {
          const auto p = f.toPhysical(double(i), double(j), double(k));
          const bool in_t = testing::insideEllipsoid(s.lesions[0], 0, s.pose, {p[0], p[1], p[2]});
          const bool in_o = seg.mask[(size_t(k) * size_t(f.size[1]) + size_t(j)) * size_t(f.size[0]) + size_t(i)];
          both += in_t && in_o;
          ours += in_o;
          truth += in_t;
        }
    const double dice = 2.0 * double(both) / double(ours + truth);
    EXPECT_GE(dice, 0.85) << "ours " << ours << " voxels, truth " << truth;
    EXPECT_NEAR(seg.volume_ml, t.volume_ml, 0.2 * t.volume_ml);
  }

  std::printf("%-24s LDi %6.2f / %6.2f  SDi %6.2f / %6.2f  %s\n", c.name.c_str(), m.ldi_mm, t.ldi_mm, m.sdi_mm,
              t.sdi_mm, seg.reason.c_str());
  // PET: SUVmax on the noise-free PET is the truth's (max over PET voxels inside the lesion);
  // SUVpeak is a mean, so never above SUVmax.
  const LesionMeasurement clean = measureLesion(seg, s.pet_clean.GetPointer());
  ASSERT_TRUE(clean.pet);
  EXPECT_NEAR(clean.suv_max, t.suv_max, 0.05 * t.suv_max);
  EXPECT_LE(clean.suv_peak, clean.suv_max + 1e-9);
  EXPECT_GT(clean.suv_peak, 0.5 * clean.suv_max);
  ASSERT_TRUE(m.pet);
  EXPECT_GE(m.suv_max, m.suv_peak);
}

INSTANTIATE_TEST_SUITE_P(Phantom, Measure, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& i) { return i.param.name; });

// The smoothing that steadies the CT (sigma 1 mm, with the voxel's own extent) draws the half-way
// level of a convex outline inwards by about sigma^2 x curvature / 2: 0.1 mm on each side of a node
// 10 mm across. The CT's level at the outline corrects for it (docs/segmentation.md). A noise-free
// round node in fat, not FDG-avid (the CT draws all of it), long across thin slices (no slab to draw
// the level in as well): 9.74 x 9.74 mm without the correction, 9.88 x 9.88 with it. The 0.12 mm
// left is the ring's: its mean HU, taken on the smoothed CT 1.5 voxels out, holds some of the node.
TEST(Outline, SmoothingDoesNotDrawARoundNodeIn) {
  auto l = testing::makeLesion("L1", LesionKind::Nodal, Vec3{-40, -40, -120}, 0, {{10, 10, 30, 1.2}});
  SceneGrids g = grids(0.9, 1.25, false, 45);
  g.noise = false;
  const testing::Scene s = testing::renderScene({l}, {}, 0, {}, Vec3{-40, -40, -120}, g);
  const phantom::LesionTruth& t = s.lesion("L1");
  const auto seg = segmentation::segmentLesion(*s.ct, s.pet.GetPointer(), {t.centre_mm[0], t.centre_mm[1], t.centre_mm[2]});
  ASSERT_TRUE(seg.found) << seg.reason;
  const LesionMeasurement m = measureLesion(seg, s.pet.GetPointer());
  EXPECT_NEAR(m.ldi_mm, t.ldi_mm, 0.15);
  EXPECT_NEAR(m.sdi_mm, t.sdi_mm, 0.15);
}

// A large uniform lesion: the 12 mm sphere fits inside, so SUVpeak reaches the uptake given.
TEST(SuvPeak, ReachesTheUptakeInALargeUniformLesion) {
  auto l = testing::makeLesion("L1", LesionKind::Nodal, Vec3{-40, -40, -120}, 0, {{40, 36, 36, 10}});
  SceneGrids g;
  g.noise = false;
  g.pet_pixel_mm = 2.0;
  g.pet_slice_mm = 2.0;
  const auto s = testing::renderScene({l}, {}, 0, {}, l.centre_mm, g);
  const auto& t = s.lesion("L1");
  const auto seg = segmentation::segmentLesion(*s.ct, s.pet.GetPointer(), {t.centre_mm[0], t.centre_mm[1], t.centre_mm[2]});
  const auto m = measureLesion(seg, s.pet.GetPointer());
  EXPECT_NEAR(m.suv_peak, 10.0, 0.3);
  EXPECT_NEAR(m.suv_max, t.suv_max, 0.05);
}

TEST(State, TooSmallLesionIsCountedAs5x5) {
  auto l = testing::makeLesion("L1", LesionKind::Nodal, Vec3{-40, -40, -120}, 30, {{4.5, 3.5, 4, 3}});
  const auto s = testing::renderScene({l}, {}, 0, moved(), l.centre_mm, grids(0.8, 1.5, false, 40));
  const auto& t = s.lesion("L1");
  const auto seg = segmentation::segmentLesion(*s.ct, s.pet.GetPointer(), {t.centre_mm[0], t.centre_mm[1], t.centre_mm[2]});
  ASSERT_TRUE(seg.found) << seg.reason;
  const auto m = measureLesion(seg, s.pet.GetPointer());
  EXPECT_EQ(m.state, LesionState::TooSmall) << m.reason;
  EXPECT_EQ(m.ppd_for_spd_mm2, 25.0);
  EXPECT_LT(m.ldi_mm, 5.0);
  EXPECT_GT(m.ldi_mm, 2.5);  // the raw measurement is kept
}

TEST(State, VanishedNodeInFatIsAbsent) {
  auto l = testing::makeLesion("L1", LesionKind::Nodal, Vec3{-40, -40, -120}, 0, {{20, 15, 15, 8}, {0, 0, 0, -1}});
  const auto s = testing::renderScene({l}, {}, 1, moved(), l.centre_mm, grids(0.9, 3, false, 50));
  const Vec3 c = testing::toScanner(s.pose, l.centre_mm);  // where the lesion was
  const auto seg = segmentation::segmentLesion(*s.ct, s.pet.GetPointer(), {c[0], c[1], c[2]});
  EXPECT_FALSE(seg.found);
  const auto m = measureLesion(seg, s.pet.GetPointer());
  EXPECT_EQ(m.state, LesionState::Absent);
  EXPECT_EQ(m.ppd_for_spd_mm2, 0.0);
  EXPECT_NE(m.reason.find("fat"), std::string::npos) << m.reason;
}

TEST(State, VanishedLiverLesionIsAbsentNotTheLiver) {
  auto l = testing::makeLesion("L3", LesionKind::Extranodal, Vec3{-90, 10, -60}, 0, {{20, 16, 16, 8}, {0, 0, 0, -1}}, 35);
  // A field of view wider than the search box, as in a whole-body scan.
  const auto s0 = testing::renderScene({l}, {}, 0, {}, l.centre_mm, grids(1.5, 5, false, 100));
  const auto s1 = testing::renderScene({l}, {}, 1, {}, l.centre_mm, grids(1.5, 5, false, 100));
  const auto& c = s0.lesion("L3").centre_mm;
  const auto seg = segmentation::segmentLesion(*s1.ct, s1.pet.GetPointer(), {c[0], c[1], c[2]});
  EXPECT_FALSE(seg.found) << seg.reason << " (" << seg.volume_ml << " ml)";
  EXPECT_EQ(measureLesion(seg, s1.pet.GetPointer()).state, LesionState::Absent);
}

TEST(Seed, OutsideTheCtIsACaseFileError) {
  auto l = testing::makeLesion("L1", LesionKind::Nodal, Vec3{-40, -40, -120}, 0, {{20, 15, 15, 8}});
  const auto s = testing::renderScene({l}, {}, 0, {}, l.centre_mm, grids(1.5, 5, false, 30));
  try {
    segmentation::segmentLesion(*s.ct, s.pet.GetPointer(), {-40, -40, 400});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::CaseFile);
    EXPECT_NE(std::string(e.what()).find("outside the CT"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace recap::measurement
