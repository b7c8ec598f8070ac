// Private to the phantom module: the analytic shapes the synthetic patient is made of, the pose
// transform, and the entry points shared by render.cpp and truth.cpp.
#pragma once

#include <array>
#include <limits>
#include <vector>

#include "recap/phantom/model.h"

namespace recap::phantom::detail {

// Row-major 3x3 matrix.
using Mat3 = std::array<double, 9>;

inline Vec3 add(const Vec3& a, const Vec3& b) { return {a[0] + b[0], a[1] + b[1], a[2] + b[2]}; }
inline Vec3 sub(const Vec3& a, const Vec3& b) { return {a[0] - b[0], a[1] - b[1], a[2] - b[2]}; }
inline Vec3 scale(const Vec3& a, double s) { return {a[0] * s, a[1] * s, a[2] * s}; }
inline double dot(const Vec3& a, const Vec3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }
inline Vec3 mul(const Mat3& m, const Vec3& v) {
  return {m[0] * v[0] + m[1] * v[1] + m[2] * v[2], m[3] * v[0] + m[4] * v[1] + m[5] * v[2],
          m[6] * v[0] + m[7] * v[1] + m[8] * v[2]};
}
// transpose(m) * v
inline Vec3 mulT(const Mat3& m, const Vec3& v) {
  return {m[0] * v[0] + m[3] * v[1] + m[6] * v[2], m[1] * v[0] + m[4] * v[1] + m[7] * v[2],
          m[2] * v[0] + m[5] * v[1] + m[8] * v[2]};
}
Mat3 mul(const Mat3& a, const Mat3& b);
Mat3 transpose(const Mat3& m);
Mat3 identity();
Mat3 rotX(double deg);
Mat3 rotY(double deg);
Mat3 rotZ(double deg);

// The rigid body -> scanner transform of a pose: p = rotation * q + shift.
struct RigidTransform {
  Mat3 rotation = identity();
  Vec3 shift{0, 0, 0};
  Vec3 toScanner(const Vec3& q) const { return add(mul(rotation, q), shift); }
  Vec3 toBody(const Vec3& p) const { return mulT(rotation, sub(p, shift)); }
};
RigidTransform poseTransform(const Pose& pose);

struct Material {
  double hu = 0;
  double suv = 0;
};

enum class ShapeKind {
  Ellipsoid,         // half = semi-axes along the columns of `axes`
  EllipticCylinder,  // half = (semi-axis a, semi-axis b, half length) along the columns of `axes`
  Capsule,           // segment centre -> end, radius
  RoundedBox         // half extents along the columns of `axes`, corners rounded with radius
};

constexpr double kInf = std::numeric_limits<double>::infinity();

// One analytic solid in body coordinates with its material. Build with the factories below, which
// also fill the bounding box.
struct Shape {
  ShapeKind kind = ShapeKind::Ellipsoid;
  Vec3 centre{0, 0, 0};
  Vec3 half{1, 1, 1};
  Vec3 end{0, 0, 0};
  double radius = 0;
  Mat3 axes = identity();                        // columns: the shape's local axes in body coordinates
  double clip_z_min = -kInf, clip_z_max = kInf;  // optional slab (body z) the shape is cut to
  Material material;
  Vec3 box_min{0, 0, 0}, box_max{0, 0, 0};  // axis-aligned bounding box (body)

  bool inside(const Vec3& q) const { return distanceBound(q) < 0; }
  // A signed lower bound of the distance to the surface: negative inside, and |value| never exceeds
  // the true distance, so a ball of that radius around q lies entirely on one side.
  double distanceBound(const Vec3& q) const;
};

Shape ellipsoid(const Vec3& centre, const Vec3& semi, const Mat3& axes, const Material& m);
Shape ellipticCylinder(double cx, double cy, double a, double b, double z0, double z1, double rot_z_deg,
                       const Material& m);
Shape capsule(const Vec3& p0, const Vec3& p1, double radius, const Material& m);
Shape roundedBox(const Vec3& centre, const Vec3& half, double corner, double rot_z_deg, const Material& m);
Shape clipZ(Shape s, double z_min, double z_max);

// The fixed anatomy in painting order (later shapes override earlier ones).
std::vector<Shape> buildAnatomy(const Physiology& physiology);
// The spleen alone (also part of buildAnatomy); its body-z extent is physiology.spleen_length_mm.
Shape spleenShape(const Physiology& physiology);
// The ellipsoids a lesion is made of at one state (main ellipsoid first); empty when not present.
std::vector<Shape> lesionShapes(const Lesion& lesion, const LesionState& state);

// Reference regions (body coordinates), see anatomy.cpp for the choice.
extern const Vec3 kLiverVoiCentre;
constexpr double kLiverVoiRadius = 15.0;
extern const Vec3 kBloodVoiCentre;  // on the axis of the descending thoracic aorta
constexpr double kBloodVoiRadius = 5.0;
constexpr double kBloodVoiHalfLength = 10.0;  // along the aorta (body z)

// Truth of a timepoint from the analytic shapes; `ct` and `pet_clean` are the rendered volumes (only
// their geometry is used, except SUV statistics which read pet_clean).
TimepointTruth computeTruth(const std::vector<Lesion>& lesions, const Physiology& physiology, int t,
                            const Pose& pose, const Volume& ct, const Volume& pet_clean);

}  // namespace recap::phantom::detail
