// The analytic anatomy of the synthetic patient: shapes, their distance bounds, the organ layout and
// the lesions. Body coordinates, LPS millimetres (+x patient left, +y posterior, +z superior).
#include "anatomy.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "recap/core/error.h"

namespace recap::phantom::detail {

namespace {

constexpr double kPi = 3.14159265358979323846;

double norm(const Vec3& v) { return std::sqrt(dot(v, v)); }

// Bounding box of the shape before the z clip.
void boundingBox(const Shape& s, Vec3& lo, Vec3& hi) {
  const Mat3& a = s.axes;
  for (int i = 0; i < 3; ++i) {
    double ext = 0;
    switch (s.kind) {
      case ShapeKind::Ellipsoid:
        ext = std::sqrt(std::pow(a[3 * i] * s.half[0], 2) + std::pow(a[3 * i + 1] * s.half[1], 2) +
                        std::pow(a[3 * i + 2] * s.half[2], 2));
        break;
      case ShapeKind::EllipticCylinder:
        ext = std::sqrt(std::pow(a[3 * i] * s.half[0], 2) + std::pow(a[3 * i + 1] * s.half[1], 2)) +
              std::abs(a[3 * i + 2]) * s.half[2];
        break;
      case ShapeKind::RoundedBox:
        ext = std::abs(a[3 * i]) * s.half[0] + std::abs(a[3 * i + 1]) * s.half[1] +
              std::abs(a[3 * i + 2]) * s.half[2];
        break;
      case ShapeKind::Capsule:
        lo[i] = std::min(s.centre[i], s.end[i]) - s.radius;
        hi[i] = std::max(s.centre[i], s.end[i]) + s.radius;
        continue;
    }
    lo[i] = s.centre[i] - ext;
    hi[i] = s.centre[i] + ext;
  }
}

Shape finish(Shape s) {
  boundingBox(s, s.box_min, s.box_max);
  s.box_min[2] = std::max(s.box_min[2], s.clip_z_min);
  s.box_max[2] = std::min(s.box_max[2], s.clip_z_max);
  return s;
}

double ellipsoidBound(const Shape& s, const Vec3& q) {
  const Vec3 u = mulT(s.axes, sub(q, s.centre));
  const double r = std::sqrt(std::pow(u[0] / s.half[0], 2) + std::pow(u[1] / s.half[1], 2) +
                             std::pow(u[2] / s.half[2], 2));
  // The map from the unit sphere to the ellipsoid stretches distances by at least the smallest
  // semi-axis, so |r - 1| * min(semi-axes) never exceeds the true distance.
  return (r - 1) * std::min({s.half[0], s.half[1], s.half[2]});
}

double cylinderBound(const Shape& s, const Vec3& q) {
  const Vec3 u = mulT(s.axes, sub(q, s.centre));
  const double r = std::sqrt(std::pow(u[0] / s.half[0], 2) + std::pow(u[1] / s.half[1], 2));
  const double radial = (r - 1) * std::min(s.half[0], s.half[1]);
  return std::max(radial, std::abs(u[2]) - s.half[2]);
}

double capsuleBound(const Shape& s, const Vec3& q) {
  const Vec3 d = sub(s.end, s.centre);
  const double len2 = dot(d, d);
  const double t = len2 > 0 ? std::clamp(dot(sub(q, s.centre), d) / len2, 0.0, 1.0) : 0.0;
  return norm(sub(q, add(s.centre, scale(d, t)))) - s.radius;
}

double roundedBoxBound(const Shape& s, const Vec3& q) {
  const Vec3 u = mulT(s.axes, sub(q, s.centre));
  Vec3 e{};
  for (int i = 0; i < 3; ++i) e[i] = std::abs(u[i]) - (s.half[i] - s.radius);
  const Vec3 outside{std::max(e[0], 0.0), std::max(e[1], 0.0), std::max(e[2], 0.0)};
  return norm(outside) + std::min(std::max({e[0], e[1], e[2]}), 0.0) - s.radius;
}

}  // namespace

Mat3 mul(const Mat3& a, const Mat3& b) {
  Mat3 m{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      m[3 * i + j] = a[3 * i] * b[j] + a[3 * i + 1] * b[3 + j] + a[3 * i + 2] * b[6 + j];
  return m;
}

Mat3 transpose(const Mat3& m) { return {m[0], m[3], m[6], m[1], m[4], m[7], m[2], m[5], m[8]}; }
Mat3 identity() { return {1, 0, 0, 0, 1, 0, 0, 0, 1}; }

Mat3 rotX(double deg) {
  const double c = std::cos(deg * kPi / 180), s = std::sin(deg * kPi / 180);
  return {1, 0, 0, 0, c, -s, 0, s, c};
}
Mat3 rotY(double deg) {
  const double c = std::cos(deg * kPi / 180), s = std::sin(deg * kPi / 180);
  return {c, 0, s, 0, 1, 0, -s, 0, c};
}
Mat3 rotZ(double deg) {
  const double c = std::cos(deg * kPi / 180), s = std::sin(deg * kPi / 180);
  return {c, -s, 0, s, c, 0, 0, 0, 1};
}

RigidTransform poseTransform(const Pose& pose) {
  RigidTransform t;
  t.rotation = mul(rotZ(pose.rotation_deg[2]), mul(rotY(pose.rotation_deg[1]), rotX(pose.rotation_deg[0])));
  t.shift = pose.shift_mm;
  return t;
}

double Shape::distanceBound(const Vec3& q) const {
  double d = 0;
  switch (kind) {
    case ShapeKind::Ellipsoid: d = ellipsoidBound(*this, q); break;
    case ShapeKind::EllipticCylinder: d = cylinderBound(*this, q); break;
    case ShapeKind::Capsule: d = capsuleBound(*this, q); break;
    case ShapeKind::RoundedBox: d = roundedBoxBound(*this, q); break;
  }
  return std::max({d, clip_z_min - q[2], q[2] - clip_z_max});
}

Shape ellipsoid(const Vec3& centre, const Vec3& semi, const Mat3& axes, const Material& m) {
  Shape s;
  s.kind = ShapeKind::Ellipsoid;
  s.centre = centre;
  s.half = semi;
  s.axes = axes;
  s.material = m;
  return finish(s);
}

Shape ellipticCylinder(double cx, double cy, double a, double b, double z0, double z1, double rot_z_deg,
                       const Material& m) {
  Shape s;
  s.kind = ShapeKind::EllipticCylinder;
  s.centre = {cx, cy, (z0 + z1) / 2};
  s.half = {a, b, (z1 - z0) / 2};
  s.axes = rotZ(rot_z_deg);
  s.material = m;
  return finish(s);
}

Shape capsule(const Vec3& p0, const Vec3& p1, double radius, const Material& m) {
  Shape s;
  s.kind = ShapeKind::Capsule;
  s.centre = p0;
  s.end = p1;
  s.radius = radius;
  s.material = m;
  return finish(s);
}

Shape roundedBox(const Vec3& centre, const Vec3& half, double corner, double rot_z_deg, const Material& m) {
  Shape s;
  s.kind = ShapeKind::RoundedBox;
  s.centre = centre;
  s.half = half;
  s.radius = std::min({corner, half[0], half[1], half[2]});
  s.axes = rotZ(rot_z_deg);
  s.material = m;
  return finish(s);
}

Shape clipZ(Shape s, double z_min, double z_max) {
  s.clip_z_min = z_min;
  s.clip_z_max = z_max;
  return finish(s);
}

// ---------------------------------------------------------------------------------------------------
// Reference regions.
// Liver: a 3 cm sphere centred at body (-75, -5, -35), 15 mm to the patient's right of the centre of
// the right-lobe ellipsoid (-60, 0, -35) (semi-axes 75 x 80 x 75): at least 55 mm from the liver
// surface, about 58 mm from the intrahepatic vena cava axis (-22, 20) and far from every other organ,
// so its edge is > 40 mm from any boundary and the blurred PET is exactly liver_suv inside it.
const Vec3 kLiverVoiCentre{-75, -5, -35};
// Blood pool: a cylinder of 10 mm diameter and 20 mm length on the axis of the descending thoracic
// aorta (x=+15, y=+25, radius 12 mm) at the level z=+150, between the arch and the heart.
const Vec3 kBloodVoiCentre{15, 25, 150};

// ---------------------------------------------------------------------------------------------------
// The spleen: an ellipsoid tilted 20 deg in the sagittal plane (upper pole posterior, lower pole
// anterior) and turned 35 deg in the axial plane along the left posterolateral wall. Its upper pole
// stays at z=+20; a longer spleen (splenomegaly) grows downwards and forwards and a little thicker.
Shape spleenShape(const Physiology& physiology) {
  const double length = physiology.spleen_length_mm;
  if (!(length > 0) || length > 400)
    throw Error(ErrorCode::Internal, "",
                "spleen length must be in (0, 400] mm, got " + std::to_string(length));
  const double s = std::clamp(std::sqrt(length / 110.0), 0.6, 1.4);
  const double a1 = 22 * s, a2 = 40 * s;  // thickness, in-plane width (semi-axes)
  double tilt = 20;
  if (a2 * std::sin(tilt * kPi / 180) > 0.9 * length / 2) tilt = 0;  // tiny spleen: no tilt
  const double st = std::sin(tilt * kPi / 180), ct = std::cos(tilt * kPi / 180);
  // Body-z extent of the ellipsoid is 2 sqrt(a2^2 sin^2 + a3^2 cos^2) = length.
  const double a3 = std::sqrt(length * length / 4 - a2 * a2 * st * st) / ct;
  const double top = 20;
  const Vec3 centre{88, 40 - 0.25 * (length - 110), top - length / 2};
  Material m{50, physiology.spleen_suv};
  return ellipsoid(centre, {a1, a2, a3}, mul(rotZ(35), rotX(tilt)), m);
}

namespace {

const Material kFat{-100, 0.3};
const Material kVisceralFat{-90, 0.35};
const Material kMuscle{50, 0.8};
const Material kLung{-850, 0.4};
const Material kKidney{35, 3.0};
const Material kCortical{800, 1.5};
const Material kCancellous{400, 1.5};
const Material kPosteriorArch{600, 1.0};
const Material kPelvicBone{500, 1.3};
const Material kCsf{15, 0.3};
const Material kBowel{30, 1.3};
const Material kGas{-900, 0.0};
const Material kBladder{10, 15.0};
const Material kStomach{25, 1.5};

// Outline, subcutaneous fat, muscle wall, visceral fat filling the chest and abdominal cavity
// (nodes are delineated against it, as in the retroperitoneum), back muscles.
void addTrunk(std::vector<Shape>& s) {
  s.push_back(ellipticCylinder(0, 0, 170, 120, -440, 280, 0, kFat));         // 15 mm subcutaneous fat
  s.push_back(ellipticCylinder(0, 0, 155, 105, -440, 280, 0, kMuscle));      // 12 mm muscle wall
  s.push_back(ellipticCylinder(0, 0, 143, 93, -440, 280, 0, kVisceralFat));  // body cavity
  for (double x : {-34.0, 34.0})                                             // paraspinal muscles
    s.push_back(ellipticCylinder(x, 92, 24, 17, -360, 250, 0, kMuscle));
  s.push_back(roundedBox({0, -98, 140}, {14, 6, 80}, 3, 0, kPosteriorArch));  // sternum
}

void addChest(std::vector<Shape>& s, const Physiology& p) {
  const Material blood_heart{40, p.blood_pool_suv};
  s.push_back(clipZ(ellipsoid({-75, 0, 60}, {58, 70, 185}, identity(), kLung), 30, kInf));  // right lung
  s.push_back(clipZ(ellipsoid({75, 5, 60}, {55, 68, 185}, identity(), kLung), 30, kInf));   // left lung
  s.push_back(ellipsoid({15, -30, 90}, {58, 45, 50}, rotZ(-30), blood_heart));              // heart
}

// Great vessels, painted over the organs they run through or touch (the intrahepatic vena cava).
void addVessels(std::vector<Shape>& s, const Physiology& p) {
  const Material blood{45, p.blood_pool_suv};
  s.push_back(capsule({5, -20, 110}, {5, -15, 200}, 14, blood));    // ascending aorta
  s.push_back(capsule({5, -15, 200}, {15, 25, 205}, 12, blood));    // arch
  s.push_back(capsule({15, 25, 205}, {15, 25, -250}, 12, blood));   // descending aorta to the bifurcation
  s.push_back(capsule({-22, 20, -260}, {-22, 15, 60}, 11, blood));  // inferior vena cava
  s.push_back(capsule({-10, -5, 215}, {-10, -18, 150}, 9, blood));  // superior vena cava
  for (double side : {-1.0, 1.0}) {
    s.push_back(capsule({15, 25, -250}, {15 + side * 58, 10, -390}, 7, blood));   // iliac arteries
    s.push_back(capsule({-22, 20, -260}, {-5 + side * 55, 25, -390}, 8, blood));  // iliac veins
  }
}

void addAbdomen(std::vector<Shape>& s, const Physiology& p) {
  // Colon and small-bowel loops with a few gas pockets (anterior, non-dependent).
  s.push_back(capsule({-95, -10, -300}, {-95, -20, -150}, 20, kBowel));  // ascending colon
  s.push_back(capsule({-95, -20, -150}, {90, -40, -145}, 18, kBowel));   // transverse colon
  s.push_back(capsule({90, -40, -145}, {95, -5, -300}, 18, kBowel));     // descending colon
  const Vec3 loop[] = {{-70, -40, -200}, {60, -45, -205},  {55, -20, -250},
                       {-60, -30, -255}, {-50, -55, -300}, {45, -50, -310}};
  for (size_t i = 0; i + 1 < std::size(loop); ++i) s.push_back(capsule(loop[i], loop[i + 1], 13, kBowel));
  s.push_back(ellipsoid({-95, -28, -220}, {9, 8, 12}, identity(), kGas));
  s.push_back(ellipsoid({0, -50, -146}, {12, 7, 9}, identity(), kGas));
  s.push_back(ellipsoid({20, -52, -205}, {6, 5, 6}, identity(), kGas));
  s.push_back(ellipsoid({-5, -60, -303}, {6, 5, 6}, identity(), kGas));
  // Stomach with its air cap, under the left lobe of the liver.
  s.push_back(ellipsoid({60, -40, -30}, {42, 32, 40}, rotZ(30), kStomach));
  s.push_back(ellipsoid({60, -60, -8}, {18, 10, 10}, rotZ(30), kGas));
  // Liver: a big right lobe and a smaller left lobe crossing the midline anteriorly.
  const Material liver{60, p.liver_suv};
  s.push_back(ellipsoid({-60, 0, -35}, {75, 80, 75}, identity(), liver));
  s.push_back(ellipsoid({10, -45, 0}, {55, 30, 35}, rotZ(-10), liver));
  s.push_back(spleenShape(p));
  // Psoas muscles and kidneys beside the spine.
  for (double side : {-1.0, 1.0}) {
    s.push_back(capsule({side * 38, 52, -100}, {side * 62, 30, -330}, 18, kMuscle));
    s.push_back(ellipsoid({side * 75, 55, -150}, {25, 20, 55}, rotZ(side * 25), kKidney));
  }
}

void addSpineAndPelvis(std::vector<Shape>& s) {
  s.push_back(ellipticCylinder(0, 70, 20, 20, -340, 250, 0, kCortical));        // vertebral bodies: cortex
  s.push_back(ellipticCylinder(0, 70, 17.5, 17.5, -338, 248, 0, kCancellous));  // and marrow
  s.push_back(roundedBox({0, 102, -45}, {18, 12, 295}, 4, 0, kPosteriorArch));  // posterior arches
  s.push_back(ellipticCylinder(0, 100, 8, 7, -340, 250, 0, kCsf));              // spinal canal
  s.push_back(roundedBox({0, 90, -330}, {45, 16, 40}, 5, 0, kPelvicBone));      // sacrum
  for (double side : {-1.0, 1.0}) {
    s.push_back(roundedBox({side * 105, 30, -300}, {10, 45, 45}, 5, side * -30, kPelvicBone));  // iliac wing
    s.push_back(ellipsoid({side * 90, -10, -395}, {24, 24, 24}, identity(), kPelvicBone));  // femoral head
  }
}

void addPelvis(std::vector<Shape>& s) {
  s.push_back(capsule({0, 50, -355}, {0, 45, -430}, 15, kBowel));  // rectum, below the spine
  s.push_back(ellipsoid({0, -45, -370}, {45, 35, 35}, identity(), kBladder));
}

}  // namespace

std::vector<Shape> buildAnatomy(const Physiology& physiology) {
  std::vector<Shape> shapes;
  addTrunk(shapes);
  addChest(shapes, physiology);
  addAbdomen(shapes, physiology);
  addSpineAndPelvis(shapes);
  addPelvis(shapes);
  addVessels(shapes, physiology);
  return shapes;
}

// A lesion's main ellipsoid has semi-axes a = diameters / 2 along (rotation_deg in the axial plane,
// its perpendicular, z). A lobulated lesion adds two lobes placed in the main ellipsoid's scaled frame
// (so they follow its size): lobe A centred at (0.55 a1, 0.40 a2, 0.10 a3) with semi-axes
// (0.55 a1, 0.55 a2, 0.70 a3) turned +35 deg, lobe B at (-0.45 a1, -0.45 a2, -0.10 a3) with semi-axes
// (0.50 a1, 0.50 a2, 0.60 a3) turned -30 deg. Both overlap the main ellipsoid and bulge out of it.
std::vector<Shape> lesionShapes(const Lesion& lesion, const LesionState& state) {
  if (!state.present) return {};
  const Vec3 a = scale(state.diameters_mm, 0.5);
  if (!(a[0] > 0 && a[1] > 0 && a[2] > 0))
    throw Error(ErrorCode::Internal, "", "lesion " + lesion.id + ": diameters must be positive");
  const Material m{lesion.hu, state.suv};
  const Mat3 axes = rotZ(lesion.rotation_deg);
  std::vector<Shape> shapes{ellipsoid(lesion.centre_mm, a, axes, m)};
  if (lesion.shape == LesionShape::Lobulated) {
    struct Lobe {
      Vec3 offset, semi;
      double turn;
    };
    const Lobe lobes[] = {{{0.55, 0.40, 0.10}, {0.55, 0.55, 0.70}, 35},
                          {{-0.45, -0.45, -0.10}, {0.50, 0.50, 0.60}, -30}};
    for (const Lobe& lobe : lobes) {
      const Vec3 local{lobe.offset[0] * a[0], lobe.offset[1] * a[1], lobe.offset[2] * a[2]};
      const Vec3 semi{lobe.semi[0] * a[0], lobe.semi[1] * a[1], lobe.semi[2] * a[2]};
      shapes.push_back(
          ellipsoid(add(lesion.centre_mm, mul(axes, local)), semi, mul(axes, rotZ(lobe.turn)), m));
    }
  }
  return shapes;
}

}  // namespace recap::phantom::detail
