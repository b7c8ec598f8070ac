// Alignment and tracking on synthetic patients: a baseline and follow-ups of the same phantom in
// other poses (shifts up to 50 mm, rotations up to 5 degrees about each axis), fields of view and
// grids; every tracked lesion centre must land within 3 mm of its true follow-up centre.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>

#include "lesion_scene.h"
#include "phantom_image.h"
#include "recap/core/error.h"
#include "recap/phantom/model.h"
#include "recap/registration/align.h"

namespace recap::registration {
namespace {

using phantom::Pose;
using phantom::Vec3;

double dist(const Point3& a, const Vec3& b) {
  return std::sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
}

double seconds(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Four lesions at timepoint 0 (baseline) and 1 (follow-up): a para-aortic node that shrinks, a
// mediastinal node that shrinks, a liver lesion that vanishes, a lung nodule that grows.
std::vector<phantom::Lesion> lesions() {
  using testing::makeLesion;
  std::vector<phantom::Lesion> l;
  l.push_back(makeLesion("L1", phantom::LesionKind::Nodal, {42, 25, -120}, 25, {{34, 26, 24, 12}, {18, 12, 12, 4}}));
  l.push_back(makeLesion("L2", phantom::LesionKind::Nodal, {-25, 5, 100}, 70, {{28, 20, 18, 9}, {14, 10, 10, 3}}));
  l.push_back(makeLesion("L3", phantom::LesionKind::Extranodal, {-110, 10, -60}, 110, {{24, 18, 18, 8}, {0, 0, 0, -1}}, 35));
  l.push_back(makeLesion("L4", phantom::LesionKind::Extranodal, {80, 10, 70}, 0, {{12, 12, 12, 5}, {18, 16, 16, 7}}));
  return l;
}

struct Ct {
  dicom::Image::Pointer image;
  phantom::TimepointTruth truth;
  Pose pose;
  double render_s = 0;
};

struct Acquisition {
  Pose pose;
  double z_from, z_to;       // scanner z range (slice centres)
  double pixel_mm = 2.0, slice_mm = 4.0;
  bool feet_first = false;
  Vec3 fov_centre{0, 0, 0};  // x, y of the field of view's centre (scanner)
  double fov_mm = 400;
};

Ct render(int t, const Acquisition& a, uint64_t seed) {
  const auto t0 = std::chrono::steady_clock::now();
  phantom::CtGrid ct;
  ct.pixel_mm = a.pixel_mm;
  ct.matrix = int(std::ceil(a.fov_mm / a.pixel_mm));
  ct.slice_mm = a.slice_mm;
  ct.z_from_mm = a.z_from;
  ct.z_to_mm = a.z_to;
  ct.centre_mm = a.fov_centre;
  ct.feet_first = a.feet_first;
  phantom::PetGrid pet;  // not used here: one small slice
  pet.matrix = 4;
  pet.z_from_mm = pet.z_to_mm = a.z_from;
  phantom::RenderOptions ro;
  ro.seed = seed;
  const phantom::Rendered r = phantom::render(lesions(), phantom::Physiology{}, t, a.pose, ct, pet, ro);
  Ct out;
  out.image = testing::toImage(r.ct);
  out.truth = r.truth;
  out.pose = a.pose;
  out.render_s = seconds(t0);
  return out;
}

const Ct& baseline() {
  static const Ct ct = render(0, {Pose{}, -170, 130}, 1);
  return ct;
}

}  // namespace

namespace {

// Errors of one follow-up: per lesion, without registration, global alignment, tracked (refined).
struct Errors {
  std::vector<double> none, global, tracked;
  Alignment alignment;
};

// Aligns the follow-up acquired with `a` to the baseline and tracks every lesion's baseline truth
// centre; the reference is the follow-up truth centre, or for a vanished lesion the analytic
// position of its centre in the follow-up (toScanner).
Errors track(const char* name, const Acquisition& a, Point3 alignment_error = {0, 0, 0}) {
  const Ct& b = baseline();
  const Ct f = render(1, a, 2);
  const auto t0 = std::chrono::steady_clock::now();
  Errors e;
  e.alignment = alignRigid(*b.image, *f.image);
  const double align_s = seconds(t0);
  for (int i = 0; i < 3; ++i) e.alignment.translation[i] += alignment_error[i];
  const auto all = lesions();
  std::printf("%s: alignRigid %.2f s, correlation %.3f\n%s", name, align_s, e.alignment.correlation,
              e.alignment.report.c_str());
  for (size_t i = 0; i < all.size(); ++i) {
    const phantom::LesionTruth& truth = f.truth.lesions[i];
    const Vec3 expected = truth.present ? truth.centre_mm : testing::toScanner(f.pose, all[i].centre_mm);
    const Vec3 c0 = b.truth.lesions[i].centre_mm;
    const TrackedSeed s = refineSeed(*b.image, *f.image, e.alignment, c0);
    e.none.push_back(dist(Point3{c0[0], c0[1], c0[2]}, expected));
    e.global.push_back(dist(s.global_mm, expected));
    e.tracked.push_back(dist(s.followup_mm, expected));
    std::printf("  %s%s: error without registration %.1f mm, global %.2f mm, tracked %.2f mm (%s)\n",
                all[i].id.c_str(), truth.present ? "" : " (vanished)", e.none.back(), e.global.back(), e.tracked.back(),
                s.report.c_str());
  }
  return e;
}

void expectTracked(const Errors& e, double min_error_without = 10) {
  EXPECT_GT(e.alignment.correlation, 0.9);
  for (size_t i = 0; i < e.tracked.size(); ++i) {
    EXPECT_LT(e.tracked[i], 3.0) << "lesion " << i;
    if (min_error_without > 0) {
      EXPECT_GT(e.none[i], min_error_without) << "lesion " << i << ": the test needs a moved patient";
    }
  }
}

}  // namespace

TEST(AlignRigid, MapAndInverseRoundTrip) {
  Alignment a;
  a.centre = {10, -20, 30};
  a.angles_rad = {0.05, -0.08, 0.07};
  a.translation = {12, -7, 40};
  const Point3 p{-55, 80, -120};
  const Point3 q = a.map(p);
  const Point3 back = a.inverse(q);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(back[i], p[i], 1e-9);
  EXPECT_NEAR(dist(a.map(a.centre), Vec3{22, -27, 70}), 0, 1e-9);  // the centre only moves by the translation
  const auto m = a.matrix();
  EXPECT_NEAR(m[0] * m[0] + m[3] * m[3] + m[6] * m[6], 1, 1e-12);
}

// Shifts of 50 mm and rotations of 5 degrees about every axis; the follow-up covers another,
// shorter z range (265 mm against 300 mm).
TEST(Tracking, MaxPoseHeadFirst) {
  Acquisition a{Pose{{50, -50, 50}, {5, -5, 5}}, -95, 170};
  a.fov_centre = {50, -50, 0};
  expectTracked(track("max pose, head first", a));
}

// The opposite extreme, acquired feet first on another grid (1.6 mm pixels, 5 mm slices).
TEST(Tracking, MaxPoseFeetFirstOtherGrid) {
  Acquisition a{Pose{{-50, 50, -50}, {-5, 5, -5}}, -205, 90, 1.6, 5.0, true};
  a.fov_centre = {-50, 50, 0};
  expectTracked(track("max pose, feet first", a));
}

// Mixed signs, a finer grid (1.5 mm, 3 mm slices) and a field of view that is not centred on the
// patient.
TEST(Tracking, MixedPoseFinerGrid) {
  Acquisition a{Pose{{-30, -40, 50}, {5, 5, -5}}, -110, 160, 1.5, 3.0};
  a.fov_centre = {-10, -20, 0};
  a.fov_mm = 430;
  expectTracked(track("mixed pose, finer grid", a));
}

// The patient has not moved; only the field of view differs (z range and x, y centre).
TEST(Tracking, FieldOfViewOnly) {
  Acquisition a{Pose{}, -140, 150};
  a.fov_centre = {20, -15, 0};
  a.fov_mm = 440;
  expectTracked(track("field of view only", a), 0);
}

// The local refinement corrects a global alignment that is 7 mm off.
TEST(Tracking, RefineRecoversFromGlobalAlignmentOff) {
  Acquisition a{Pose{{-20, 30, 25}, {-3, 2, 4}}, -150, 150};
  a.fov_centre = {-20, 30, 0};
  const Errors e = track("global alignment 7 mm off", a, {4, -3, 5});
  for (size_t i = 0; i < e.tracked.size(); ++i) {
    EXPECT_GT(e.global[i], 5.0) << "lesion " << i;
    EXPECT_LT(e.tracked[i], 3.0) << "lesion " << i;
  }
}

namespace {
dicom::Image::Pointer copyWithOrigin(const dicom::Image& image, const Point3& shift, float fill) {
  auto out = dicom::Image::New();
  out->SetRegions(image.GetLargestPossibleRegion());
  out->SetSpacing(image.GetSpacing());
  out->SetDirection(image.GetDirection());
  auto o = image.GetOrigin();
  for (int i = 0; i < 3; ++i) o[i] += shift[i];
  out->SetOrigin(o);
  out->Allocate();
  const size_t n = image.GetLargestPossibleRegion().GetNumberOfPixels();
  if (fill > -5000)
    std::fill(out->GetBufferPointer(), out->GetBufferPointer() + n, fill);
  else
    std::copy(image.GetBufferPointer(), image.GetBufferPointer() + n, out->GetBufferPointer());
  return out;
}
}  // namespace

// Scanner coordinates of two sessions can differ by any table offset: the z search spans every
// offset at which the two CTs share enough z range.
TEST(AlignRigid, TableOffsetIsFound) {
  const Ct& b = baseline();
  const auto far = copyWithOrigin(*b.image, {0, 0, 1000}, -10000);
  const Alignment a = alignRigid(*b.image, *far);
  EXPECT_NEAR(a.translation[2], 1000, 0.5);
  EXPECT_NEAR(a.translation[0], 0, 0.5);
  EXPECT_NEAR(a.translation[1], 0, 0.5);
}

// A follow-up that holds none of the baseline's anatomy (pelvis against chest and abdomen).
TEST(AlignRigid, NoCommonAnatomyIsAnError) {
  const Ct& b = baseline();
  const Ct pelvis = render(1, {Pose{}, -440, -260}, 3);
  try {
    const Alignment a = alignRigid(*b.image, *pelvis.image);
    FAIL() << "expected recap::Error, got correlation " << a.correlation << "\n" << a.report;
  } catch (const Error& e) {
    std::printf("%s\n", e.what());
    EXPECT_EQ(e.code(), ErrorCode::BadGeometry);
    EXPECT_NE(std::string(e.what()).find("registration failed"), std::string::npos) << e.what();
  }
}

// A follow-up too short to align.
TEST(AlignRigid, TooShortIsAnError) {
  const Ct& b = baseline();
  const Ct slab = render(1, {Pose{}, 0, 20}, 3);
  try {
    alignRigid(*b.image, *slab.image);
    FAIL() << "expected recap::Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::BadGeometry);
  }
}

TEST(AlignRigid, NoBodyIsAnError) {
  const Ct& b = baseline();
  const auto air = copyWithOrigin(*b.image, {0, 0, 0}, -1000);
  try {
    alignRigid(*b.image, *air);
    FAIL() << "expected recap::Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::BadGeometry);
    EXPECT_NE(std::string(e.what()).find("no body"), std::string::npos) << e.what();
  }
}

TEST(Refine, SeedOutsideBaselineIsAnError) {
  const Ct& b = baseline();
  EXPECT_THROW(refineSeed(*b.image, *b.image, Alignment{}, {0, 0, 500}), Error);
  // A seed mapped outside the follow-up keeps the global mapping.
  Alignment away;
  away.translation = {0, 0, 800};
  const TrackedSeed s = refineSeed(*b.image, *b.image, away, {0, 0, 0});
  EXPECT_FALSE(s.inside_followup);
  EXPECT_FALSE(s.refined);
  EXPECT_NEAR(s.followup_mm[2], 800, 1e-6);
}

}  // namespace recap::registration
