#include "lesion_scene.h"

#include <cmath>
#include <stdexcept>

#include "phantom_image.h"

namespace recap::testing {
namespace {

using phantom::Vec3;

// p = Rz * Ry * Rx * q + shift (the phantom's pose convention, model.h).
Vec3 rotate(const Vec3& q, const Vec3& deg, bool inverse) {
  const double k = M_PI / 180;
  auto rx = [&](Vec3 v, double a) {
    const double c = std::cos(a * k), s = std::sin(a * k);
    return Vec3{v[0], c * v[1] - s * v[2], s * v[1] + c * v[2]};
  };
  auto ry = [&](Vec3 v, double a) {
    const double c = std::cos(a * k), s = std::sin(a * k);
    return Vec3{c * v[0] + s * v[2], v[1], -s * v[0] + c * v[2]};
  };
  auto rz = [&](Vec3 v, double a) {
    const double c = std::cos(a * k), s = std::sin(a * k);
    return Vec3{c * v[0] - s * v[1], s * v[0] + c * v[1], v[2]};
  };
  if (!inverse) return rz(ry(rx(q, deg[0]), deg[1]), deg[2]);
  return rx(ry(rz(q, -deg[2]), -deg[1]), -deg[0]);
}

}  // namespace

const phantom::LesionTruth& Scene::lesion(const std::string& id) const {
  for (const auto& l : truth.lesions)
    if (l.id == id) return l;
  throw std::runtime_error("no lesion " + id + " in the scene's truth");
}

Scene renderScene(std::vector<phantom::Lesion> lesions, const phantom::Physiology& physiology, int t,
                  const phantom::Pose& pose, const Vec3& focus, const SceneGrids& g, uint64_t seed) {
  Scene s;
  s.lesions = std::move(lesions);
  s.physiology = physiology;
  s.pose = pose;
  const Vec3 centre = rotate(focus, pose.rotation_deg, false);
  Vec3 c{centre[0] + pose.shift_mm[0], centre[1] + pose.shift_mm[1], centre[2] + pose.shift_mm[2]};
  phantom::CtGrid ct;
  ct.pixel_mm = g.ct_pixel_mm;
  ct.matrix = int(std::ceil(2 * g.half_fov_mm / g.ct_pixel_mm));
  ct.slice_mm = g.ct_slice_mm;
  ct.z_from_mm = c[2] - g.half_fov_mm;
  ct.z_to_mm = c[2] + g.half_fov_mm;
  ct.centre_mm = c;
  ct.feet_first = g.feet_first;
  phantom::PetGrid pet;
  pet.pixel_mm = g.pet_pixel_mm;
  pet.matrix = int(std::ceil(2 * g.half_fov_mm / g.pet_pixel_mm));
  pet.slice_mm = g.pet_slice_mm;
  pet.z_from_mm = ct.z_from_mm;
  pet.z_to_mm = ct.z_to_mm;
  pet.centre_mm = c;
  pet.feet_first = g.feet_first;
  phantom::RenderOptions ro;
  ro.seed = seed;
  ro.noise = g.noise;
  const phantom::Rendered r = phantom::render(s.lesions, physiology, t, pose, ct, pet, ro);
  s.ct = toImage(r.ct);
  s.pet = toImage(r.pet);
  s.pet_clean = toImage(r.pet_clean);
  s.truth = r.truth;
  return s;
}

Vec3 toScanner(const phantom::Pose& pose, const Vec3& q) {
  const Vec3 r = rotate(q, pose.rotation_deg, false);
  return {r[0] + pose.shift_mm[0], r[1] + pose.shift_mm[1], r[2] + pose.shift_mm[2]};
}

bool insideEllipsoid(const phantom::Lesion& lesion, int t, const phantom::Pose& pose, const Vec3& p) {
  return insideLesion(lesion, t, pose, p, false);
}

bool insideLesion(const phantom::Lesion& lesion, int t, const phantom::Pose& pose, const Vec3& p, bool lobes) {
  const auto& st = lesion.states.at(size_t(t));
  if (!st.present) return false;
  const Vec3 q = rotate({p[0] - pose.shift_mm[0], p[1] - pose.shift_mm[1], p[2] - pose.shift_mm[2]},
                        pose.rotation_deg, true);
  const Vec3 local = rotate({q[0] - lesion.centre_mm[0], q[1] - lesion.centre_mm[1], q[2] - lesion.centre_mm[2]},
                            {0, 0, lesion.rotation_deg}, true);
  const Vec3 a{st.diameters_mm[0] / 2, st.diameters_mm[1] / 2, st.diameters_mm[2] / 2};
  double f = 0;
  for (int i = 0; i < 3; ++i) f += std::pow(local[i] / a[i], 2);
  if (f <= 1) return true;
  if (!lobes || lesion.shape != phantom::LesionShape::Lobulated) return false;
  // The two lobes of a lobulated lesion, as anatomy.cpp places them in the main ellipsoid's frame.
  struct Lobe {
    Vec3 offset, semi;
    double turn;
  };
  const Lobe lobe_list[] = {{{0.55, 0.40, 0.10}, {0.55, 0.55, 0.70}, 35}, {{-0.45, -0.45, -0.10}, {0.50, 0.50, 0.60}, -30}};
  for (const Lobe& l : lobe_list) {
    const Vec3 c{l.offset[0] * a[0], l.offset[1] * a[1], l.offset[2] * a[2]};
    const Vec3 u = rotate({local[0] - c[0], local[1] - c[1], local[2] - c[2]}, {0, 0, l.turn}, true);
    double g = 0;
    for (int i = 0; i < 3; ++i) g += std::pow(u[i] / (l.semi[i] * a[i]), 2);
    if (g <= 1) return true;
  }
  return false;
}

phantom::Lesion makeLesion(const std::string& id, phantom::LesionKind kind, const Vec3& centre, double rotation_deg,
                           const std::vector<std::array<double, 4>>& states, double hu) {
  phantom::Lesion l;
  l.id = id;
  l.kind = kind;
  l.centre_mm = centre;
  l.rotation_deg = rotation_deg;
  l.hu = hu;
  for (const auto& s : states) {
    phantom::LesionState st;
    st.present = s[3] >= 0;
    st.diameters_mm = {s[0], s[1], s[2]};
    st.suv = s[3] >= 0 ? s[3] : 0;
    l.states.push_back(st);
  }
  return l;
}

}  // namespace recap::testing
