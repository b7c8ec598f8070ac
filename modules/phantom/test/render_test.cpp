// Rendering of the analytic phantom: organ values, grid geometry (head/feet first), pose, partial
// volume, PET blur and noise, determinism. Small grids keep these tests fast.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "recap/core/error.h"
#include "recap/phantom/model.h"

namespace recap::phantom {
namespace {

constexpr double kPi = 3.14159265358979323846;

// 128 x 128 at 2.5 mm, 3 mm slices over [z_from, z_to]; PET 80 x 80 at 4 mm.
CtGrid smallCt(double z_from, double z_to) {
  CtGrid g;
  g.matrix = 128;
  g.pixel_mm = 2.5;
  g.slice_mm = 3;
  g.z_from_mm = z_from;
  g.z_to_mm = z_to;
  return g;
}
PetGrid smallPet(double z_from, double z_to) {
  PetGrid g;
  g.matrix = 80;
  g.pixel_mm = 4;
  g.slice_mm = 3;
  g.z_from_mm = z_from;
  g.z_to_mm = z_to;
  return g;
}

RenderOptions noiseFree() {
  RenderOptions o;
  o.noise = false;
  return o;
}

Rendered renderAt(const std::vector<Lesion>& lesions, const CtGrid& ct, const PetGrid& pet,
                  const RenderOptions& options, const Pose& pose = {}, const Physiology& physiology = {}) {
  return render(lesions, physiology, 0, pose, ct, pet, options);
}

size_t index(const Volume& v, int c, int r, int k) {
  return (static_cast<size_t>(k) * v.rows + r) * v.cols + c;
}

// Voxel indices nearest to a scanner point (HF or FF grids).
std::array<int, 3> nearestVoxel(const Volume& v, const Vec3& p) {
  const double nz = v.orientation[0] * v.orientation[4] - v.orientation[1] * v.orientation[3];
  return {static_cast<int>(std::lround((p[0] - v.origin_mm[0]) / (v.pixel_mm * v.orientation[0]))),
          static_cast<int>(std::lround((p[1] - v.origin_mm[1]) / v.pixel_mm)),
          static_cast<int>(std::lround((p[2] - v.origin_mm[2]) / (v.slice_mm * nz)))};
}

float valueAt(const Volume& v, const Vec3& p) {
  const auto i = nearestVoxel(v, p);
  return v.values[index(v, i[0], i[1], i[2])];
}

// Values of the voxels whose centres lie in the box centre +- half.
std::vector<double> block(const Volume& v, const Vec3& centre, const Vec3& half) {
  std::vector<double> out;
  for (int k = 0; k < v.slices; ++k)
    for (int r = 0; r < v.rows; ++r)
      for (int c = 0; c < v.cols; ++c) {
        const Vec3 p = v.voxelCentre(c, r, k);
        if (std::abs(p[0] - centre[0]) <= half[0] && std::abs(p[1] - centre[1]) <= half[1] &&
            std::abs(p[2] - centre[2]) <= half[2])
          out.push_back(v.values[index(v, c, r, k)]);
      }
  return out;
}

double mean(const std::vector<double>& x) { return std::accumulate(x.begin(), x.end(), 0.0) / x.size(); }
double sd(const std::vector<double>& x) {
  const double m = mean(x);
  double s = 0;
  for (double v : x) s += (v - m) * (v - m);
  return std::sqrt(s / (x.size() - 1));
}

Lesion sphere(const Vec3& centre, double diameter, double hu, double suv) {
  Lesion l;
  l.id = "S";
  l.centre_mm = centre;
  l.hu = hu;
  l.states = {LesionState{true, {diameter, diameter, diameter}, suv}};
  return l;
}

// Points well inside uniform regions (body coordinates, identity pose): liver right lobe, right lung,
// subcutaneous fat at the patient's right flank (edge of the 320 mm field of view), muscle wall, bladder.
const Vec3 kLiver{-75, -5, -35}, kLung{-75, 0, 150}, kFat{-158.75, 0, -35}, kMuscle{-148.75, 0, -35};

TEST(Render, UniformRegionsHaveTheirValuesWithoutNoise) {
  const Rendered out = renderAt({}, smallCt(-60, 165), smallPet(-60, 165), noiseFree());
  for (double v : block(out.ct, kLiver, {10, 10, 10})) ASSERT_NEAR(v, 60, 1e-4);
  for (double v : block(out.ct, kLung, {10, 10, 10})) ASSERT_NEAR(v, -850, 1e-4);
  EXPECT_NEAR(valueAt(out.ct, kFat), -100, 1e-4);
  EXPECT_NEAR(valueAt(out.ct, kMuscle), 50, 1e-4);
  EXPECT_NEAR(valueAt(out.ct, {0, -140, 0}), -1000, 1e-4);  // air in front of the patient
  const Physiology phys;
  for (double v : block(out.pet_clean, kLiver, {10, 10, 10})) ASSERT_NEAR(v, phys.liver_suv, 1e-4);
  for (double v : block(out.pet_clean, kLung, {10, 10, 10})) ASSERT_NEAR(v, 0.4, 1e-4);
  EXPECT_NEAR(out.truth.liver_suv_mean, phys.liver_suv, 1e-4);
}

TEST(Render, PhysiologyDrivesOrganUptake) {
  Physiology phys;
  phys.liver_suv = 3.1;
  phys.blood_pool_suv = 2.4;
  const Rendered out = renderAt({}, smallCt(100, 160), smallPet(100, 200), noiseFree(), {}, phys);
  EXPECT_NEAR(valueAt(out.pet_clean, {15, 25, 150}), 2.4, 0.1);  // descending aorta axis
  EXPECT_NEAR(out.truth.blood_pool_suv_mean, 2.4, 0.1);
  EXPECT_TRUE(std::isnan(out.truth.liver_suv_mean)) << out.truth.liver_suv_mean;  // the liver VOI lies outside this PET range
}

TEST(Render, UniformRegionsWithNoiseAverageToTheirValues) {
  CtGrid ct = smallCt(-60, -10);
  const Rendered out = renderAt({}, ct, smallPet(-60, -10), RenderOptions{});
  const std::vector<double> liver = block(out.ct, kLiver, {12, 12, 12});
  ASSERT_GT(liver.size(), 500u);
  EXPECT_NEAR(mean(liver), 60, 4 * ct.noise_hu / std::sqrt(liver.size()));
  EXPECT_NEAR(sd(liver), ct.noise_hu, 0.1 * ct.noise_hu);
}

TEST(Render, FeetFirstGivesTheSameValueAtTheSameScannerPoint) {
  const Lesion l = sphere({-70, -10, -40}, 17, 160, 9);
  CtGrid hf = smallCt(-70, -10), ff = hf;
  ff.feet_first = true;
  PetGrid phf = smallPet(-70, -10), pff = phf;
  pff.feet_first = true;
  const Rendered a = renderAt({l}, hf, phf, noiseFree()), b = renderAt({l}, ff, pff, noiseFree());
  ASSERT_EQ(a.ct.slices, b.ct.slices);
  EXPECT_EQ(b.ct.orientation, (std::array<double, 6>{-1, 0, 0, 0, 1, 0}));
  EXPECT_NEAR(b.ct.voxelCentre(0, 0, 0)[2], -10, 1e-9);  // feet first: slice 0 at the top
  EXPECT_NEAR(b.ct.voxelCentre(0, 0, 1)[2], -13, 1e-9);
  const int n = a.ct.cols, s = a.ct.slices;
  for (int k = 0; k < s; ++k)
    for (int r = 0; r < n; ++r)
      for (int c = 0; c < n; ++c) {
        const Vec3 pa = a.ct.voxelCentre(c, r, k), pb = b.ct.voxelCentre(n - 1 - c, r, s - 1 - k);
        for (int i = 0; i < 3; ++i) ASSERT_NEAR(pa[i], pb[i], 1e-9);
        ASSERT_NEAR(a.ct.values[index(a.ct, c, r, k)], b.ct.values[index(b.ct, n - 1 - c, r, s - 1 - k)],
                    1e-3);
      }
  const Volume &pa = a.pet_clean, &pb = b.pet_clean;
  for (int k = 0; k < pa.slices; ++k)
    for (int c = 0; c < pa.cols; ++c)
      ASSERT_NEAR(pa.values[index(pa, c, 40, k)],
                  pb.values[index(pb, pa.cols - 1 - c, 40, pa.slices - 1 - k)], 1e-4);
}

TEST(Render, PoseShiftMovesTheAnatomyByExactlyTheShift) {
  Pose pose;
  pose.shift_mm = {10, -5, 6};  // 4 and -2 pixels, 2 slices
  const Rendered a = renderAt({}, smallCt(-70, -10), smallPet(-70, -10), noiseFree());
  const Rendered b = renderAt({}, smallCt(-70, -10), smallPet(-70, -10), noiseFree(), pose);
  const Volume &va = a.ct, &vb = b.ct;
  int compared = 0, differing = 0;
  for (int k = 2; k < vb.slices; ++k)
    for (int r = 0; r + 2 < vb.rows; ++r)
      for (int c = 4; c < vb.cols; ++c) {
        const float shifted = vb.values[index(vb, c, r, k)];
        ASSERT_NEAR(shifted, va.values[index(va, c - 4, r + 2, k - 2)], 1e-3) << c << " " << r << " " << k;
        differing += std::abs(shifted - va.values[index(va, c, r, k)]) > 1;
        ++compared;
      }
  EXPECT_GT(differing, compared / 50);  // the shift did change the image
  const Vec3 liver = b.truth.liver_sphere_centre_mm;
  EXPECT_NEAR(liver[0], kLiver[0] + 10, 1e-9);
  EXPECT_NEAR(liver[1], kLiver[1] - 5, 1e-9);
  EXPECT_NEAR(liver[2], kLiver[2] + 6, 1e-9);
}

TEST(Render, PoseRotationMovesTheLiver) {
  Pose pose;
  pose.rotation_deg = {0, 0, 90};  // body +x -> scanner +y
  const Rendered out = renderAt({}, smallCt(-50, -20), smallPet(-50, -20), noiseFree(), pose);
  const Vec3 liver{5, -75, -35};  // R (-75, -5, -35)
  EXPECT_NEAR(valueAt(out.ct, liver), 60, 1e-4);
  EXPECT_NEAR(valueAt(out.ct, kLiver), 400, 1e-4);  // body (-5, 75, -35): vertebral marrow
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(out.truth.liver_sphere_centre_mm[i], liver[i], 1e-9);
}

// Sum of (value - background) * voxel volume over a block around a lesion.
double amount(const Volume& v, const Vec3& centre, double half, double background) {
  double s = 0;
  for (double x : block(v, centre, {half, half, half})) s += x - background;
  return s * v.pixel_mm * v.pixel_mm * v.slice_mm;
}

TEST(Render, PartialVolumeKeepsTheAmountOfASphere) {
  const Vec3 c{-71.3, -8.7, -38.9};  // off the voxel grid
  const double d = 17, volume = kPi / 6 * d * d * d;
  const Rendered out = renderAt({sphere(c, d, 160, 9)}, smallCt(-70, -10), smallPet(-70, -10), noiseFree());
  EXPECT_NEAR(amount(out.ct, c, 14, 60) / (volume * 100), 1.0, 0.02);
  const double liver = Physiology{}.liver_suv;
  EXPECT_NEAR(amount(out.pet_clean, c, 24, liver) / (volume * (9 - liver)), 1.0, 0.02);
  int partial = 0;  // boundary voxels take intermediate values
  for (double v : block(out.ct, c, {14, 14, 14})) partial += v > 61 && v < 159;
  EXPECT_GT(partial, 20);
}

// Variance along one axis of the activity above background in a 40 mm box around c.
double profileVariance(const Volume& v, const Vec3& c, int axis, double background) {
  double m0 = 0, m1 = 0, m2 = 0;
  for (int k = 0; k < v.slices; ++k)
    for (int r = 0; r < v.rows; ++r)
      for (int col = 0; col < v.cols; ++col) {
        const Vec3 p = v.voxelCentre(col, r, k);
        if (std::abs(p[0] - c[0]) > 20 || std::abs(p[1] - c[1]) > 20 || std::abs(p[2] - c[2]) > 20) continue;
        const double w = v.values[index(v, col, r, k)] - background;
        m0 += w;
        m1 += w * p[axis];
        m2 += w * p[axis] * p[axis];
      }
  return m2 / m0 - (m1 / m0) * (m1 / m0);
}

TEST(Render, PetBlurConservesActivityAndHasTheRequestedWidth) {
  const Vec3 c{-70, -10, -40};
  PetGrid sharp = smallPet(-70, -10);
  sharp.matrix = 160;
  sharp.pixel_mm = 2;
  sharp.slice_mm = 2;
  sharp.fwhm_mm = 0;
  PetGrid blurred = sharp;
  blurred.fwhm_mm = 8;
  const Lesion hot = sphere(c, 2, 40, 100);
  const Rendered a = renderAt({hot}, smallCt(-40, -40), sharp, noiseFree());
  const Rendered b = renderAt({hot}, smallCt(-40, -40), blurred, noiseFree());
  const double liver = Physiology{}.liver_suv;
  const double before = amount(a.pet_clean, c, 20, liver), after = amount(b.pet_clean, c, 20, liver);
  EXPECT_NEAR(after / before, 1.0, 0.01);
  EXPECT_LT(b.truth.lesions[0].suv_max, 0.2 * 100);  // a 2 mm sphere is smeared out
  // The blur adds the PSF variance to the activity profile along each axis.
  const double sigma = 8 / 2.3548200450309493;
  for (int axis : {0, 2}) {
    const double added =
        profileVariance(b.pet_clean, c, axis, liver) - profileVariance(a.pet_clean, c, axis, liver);
    EXPECT_NEAR(added / (sigma * sigma), 1.0, 0.03) << "axis " << axis;
  }
  // A large uniform region keeps its value in its interior.
  for (double x : block(b.pet_clean, {-90, 10, -25}, {8, 8, 8})) ASSERT_NEAR(x, liver, 1e-4);
}

TEST(Render, NoiseHasTheRequestedLevel) {
  CtGrid ct = smallCt(-60, -10);
  ct.noise_hu = 20;
  PetGrid pet = smallPet(-60, -10);
  pet.noise_cv = 0.15;
  const Rendered noisy = renderAt({}, ct, pet, RenderOptions{});
  const Rendered clean = renderAt({}, ct, pet, noiseFree());
  std::vector<double> ct_diff, pet_ratio;
  for (size_t i = 0; i < noisy.ct.values.size(); ++i)
    ct_diff.push_back(noisy.ct.values[i] - clean.ct.values[i]);
  EXPECT_NEAR(sd(ct_diff), 20, 2);
  EXPECT_NEAR(mean(ct_diff), 0, 0.5);
  const double liver = Physiology{}.liver_suv;
  for (double x : block(noisy.pet, kLiver, {16, 16, 16})) pet_ratio.push_back((x - liver) / std::sqrt(liver));
  EXPECT_NEAR(sd(pet_ratio), 0.15, 0.015);
  EXPECT_EQ(clean.pet.values, clean.pet_clean.values);
  EXPECT_EQ(noisy.pet_clean.values, clean.pet_clean.values);
  for (float x : noisy.pet.values) ASSERT_GE(x, 0.0f);
}

TEST(Render, IsDeterministicForASeed) {
  RenderOptions one, again, other;
  one.seed = again.seed = 7;
  other.seed = 8;
  const CtGrid ct = smallCt(-40, -28);
  const PetGrid pet = smallPet(-40, -28);
  const Rendered a = renderAt({}, ct, pet, one), b = renderAt({}, ct, pet, again),
                 c = renderAt({}, ct, pet, other);
  EXPECT_EQ(a.ct.values, b.ct.values);
  EXPECT_EQ(a.pet.values, b.pet.values);
  EXPECT_NE(a.ct.values, c.ct.values);
  EXPECT_NE(a.pet.values, c.pet.values);
}

TEST(Render, GridGeometryFollowsTheRequest) {
  CtGrid ct = smallCt(-30, 0);
  ct.centre_mm = {10, -20, 0};
  const Rendered out = renderAt({}, ct, smallPet(-30, 0), noiseFree());
  EXPECT_EQ(out.ct.cols, 128);
  EXPECT_EQ(out.ct.rows, 128);
  EXPECT_EQ(out.ct.slices, 11);
  EXPECT_EQ(out.ct.values.size(), 128u * 128u * 11u);
  const Vec3 first = out.ct.voxelCentre(0, 0, 0), last = out.ct.voxelCentre(127, 127, 10);
  EXPECT_NEAR((first[0] + last[0]) / 2, 10, 1e-9);
  EXPECT_NEAR((first[1] + last[1]) / 2, -20, 1e-9);
  EXPECT_NEAR(first[2], -30, 1e-9);
  EXPECT_NEAR(last[2], 0, 1e-9);
  EXPECT_NEAR(last[0] - first[0], 127 * 2.5, 1e-9);
}

TEST(Render, RejectsInvalidRequests) {
  const Lesion l = sphere({0, 0, 0}, 10, 40, 5);
  EXPECT_THROW(render({l}, {}, 1, {}, smallCt(0, 10), smallPet(0, 10), noiseFree()), Error);
  EXPECT_THROW(render({l}, {}, -1, {}, smallCt(0, 10), smallPet(0, 10), noiseFree()), Error);
  CtGrid empty = smallCt(0, 10);
  empty.matrix = 0;
  EXPECT_THROW(render({l}, {}, 0, {}, empty, smallPet(0, 10), noiseFree()), Error);
  EXPECT_THROW(render({l}, {}, 0, {}, smallCt(10, 0), smallPet(0, 10), noiseFree()), Error);
  PetGrid bad = smallPet(0, 10);
  bad.pixel_mm = 0;
  EXPECT_THROW(render({l}, {}, 0, {}, smallCt(0, 10), bad, noiseFree()), Error);
}

}  // namespace
}  // namespace recap::phantom
