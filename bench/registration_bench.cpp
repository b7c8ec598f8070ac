// Time of registration::alignRigid (and refineSeed per lesion) on a full-size pair: CT 512 x 512 at
// 0.9 mm, 3 mm slices, 500 mm of z, the follow-up moved (shift, rotation) and acquired feet first
// over another z range. A report, not a test: run by hand (docs/registration.md).
#include <chrono>
#include <cmath>
#include <cstdio>

#include "lesion_scene.h"
#include "phantom_image.h"
#include "recap/phantom/model.h"
#include "recap/registration/align.h"

using namespace recap;

namespace {
double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

int main() {
  using testing::makeLesion;
  std::vector<phantom::Lesion> lesions;
  lesions.push_back(makeLesion("L1", phantom::LesionKind::Nodal, {42, 25, -120}, 25, {{34, 26, 24, 12}, {18, 12, 12, 4}}));
  lesions.push_back(makeLesion("L2", phantom::LesionKind::Nodal, {-25, 5, 150}, 70, {{28, 20, 18, 9}, {12, 9, 9, 3}}));
  lesions.push_back(makeLesion("L3", phantom::LesionKind::Extranodal, {-110, 10, -60}, 110, {{24, 18, 18, 8}, {0, 0, 0, -1}}, 35));
  phantom::PetGrid pet;
  pet.matrix = 4;
  phantom::CtGrid ct;  // 512 x 512, 0.9 mm, 3 mm slices
  ct.z_from_mm = -330, ct.z_to_mm = 170;
  phantom::Pose moved{{-40, 35, 45}, {4, -3, 5}};
  auto t0 = std::chrono::steady_clock::now();
  const auto b = phantom::render(lesions, {}, 0, {}, ct, pet, {1, true});
  phantom::CtGrid fct = ct;
  fct.z_from_mm = -280, fct.z_to_mm = 220;
  fct.feet_first = true;
  fct.centre_mm = {-40, 35, 0};
  const auto f = phantom::render(lesions, {}, 1, moved, fct, pet, {2, true});
  const auto bi = testing::toImage(b.ct), fi = testing::toImage(f.ct);
  std::printf("rendered two %dx%dx%d CTs in %.1f s\n", b.ct.cols, b.ct.rows, b.ct.slices, since(t0));
  t0 = std::chrono::steady_clock::now();
  const registration::Alignment a = registration::alignRigid(*bi, *fi);
  std::printf("alignRigid: %.2f s\n%s", since(t0), a.report.c_str());
  for (size_t i = 0; i < lesions.size(); ++i) {
    const auto c0 = b.truth.lesions[i].centre_mm;
    const auto expected = f.truth.lesions[i].present ? f.truth.lesions[i].centre_mm
                                                     : testing::toScanner(moved, lesions[i].centre_mm);
    t0 = std::chrono::steady_clock::now();
    const auto s = registration::refineSeed(*bi, *fi, a, {c0[0], c0[1], c0[2]});
    const double e = std::sqrt(std::pow(s.followup_mm[0] - expected[0], 2) + std::pow(s.followup_mm[1] - expected[1], 2) +
                               std::pow(s.followup_mm[2] - expected[2], 2));
    std::printf("%s: refineSeed %.2f s, tracked centre %.2f mm from truth (%s)\n", lesions[i].id.c_str(), since(t0), e,
                s.report.c_str());
  }
  return 0;
}
