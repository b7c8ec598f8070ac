// Small nodes on thick CT slices at every height against the slice lattice: segmentation and
// measurement against the analytic truth (LDi and SDi of the largest section through an acquired
// slice's centre). A node 10-16 mm across and 7-10 mm long in z on 5 mm slices lies on one or two
// slices, and where its equator falls within a slab decides what that slab's partial volume shows:
// the presets hold one such node (cr fu1 L1) at one height; this sweeps the height in steps of a tenth
// of a slice. A report run by hand (docs/segmentation.md holds its latest output), not a test.
//
//   build/bench/recap_bench_short_nodes [SLICE_MM [SEEDS [PIXEL_MM [STEPS]]]]   (defaults 5, 3, 0.9, 10:
//   heights every tenth of a slice)
//   RECAP_NO_NOISE=1 ...   renders the CT and PET without noise
//   RECAP_SIZE=N, RECAP_HEIGHT=MM ...   one size (1-6) or one height only (debugging)
//
// Prints one line per node (size, height, seed, truth, measured, errors) and a summary: the nodes
// of 10 mm and more, how many are within max(1 mm, 5 %) on both diameters, and the LDi's error by
// height.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <vector>

#include "lesion_scene.h"
#include "recap/measurement/measure.h"

using namespace recap;  // a program's own source file, not a header

namespace {

struct Size {
  double ldi, sdi, z;  // diameters, mm
};

// Ellipsoids as the phantom's nodes are: the third diameter along z, equal to, shorter or longer
// than the short one.
const Size kSizes[] = {{12, 8, 8}, {11, 8, 7}, {13, 9, 9}, {14, 10, 8}, {12, 9, 10}, {16, 11, 9}};

struct Stats {
  int n = 0;
  double sum = 0, sum2 = 0;
  void add(double x) {
    ++n;
    sum += x;
    sum2 += x * x;
  }
  double mean() const { return n ? sum / n : 0; }
  double sd() const { return n ? std::sqrt(std::max(0.0, sum2 / n - mean() * mean())) : 0; }
};

}  // namespace

int main(int argc, char** argv) {
  const double slice = argc > 1 ? std::atof(argv[1]) : 5.0;
  const int seeds = argc > 2 ? std::atoi(argv[2]) : 3;
  const double pixel = argc > 3 ? std::atof(argv[3]) : 0.9;
  const int steps = argc > 4 ? std::atoi(argv[4]) : 10;
  if (!(slice > 0) || seeds < 1 || !(pixel > 0) || steps < 1) {
    std::fprintf(stderr, "usage: %s [SLICE_MM [SEEDS [PIXEL_MM [STEPS]]]]\n", argv[0]);
    return 2;
  }
  const phantom::Vec3 focus{-40, -40, -120};  // in the fat beside the psoas; the grids stay put
  std::printf("size height seed truth_ldi truth_sdi ldi sdi err_ldi err_sdi\n");
  int considered = 0, within = 0;
  Stats ldi, sdi;
  std::map<int, Stats> by_height;
  for (int si = 0; si < int(std::size(kSizes)); ++si) {
    const Size& z = kSizes[si];
    if (const char* only = std::getenv("RECAP_SIZE"); only && std::atoi(only) != si + 1) continue;
    for (int step = 0; step < steps; ++step) {
      const double height = slice * step / steps;
      if (const char* h = std::getenv("RECAP_HEIGHT"); h && std::abs(std::atof(h) - height) > 1e-6) continue;
      for (int s = 1; s <= seeds; ++s) {
        const phantom::Vec3 centre{focus[0], focus[1], focus[2] + height};
        const double rotation = 17.0 * (si + 1) + 11 * height + 7 * s;
        const phantom::Lesion lesion = testing::makeLesion("L1", phantom::LesionKind::Nodal, centre, rotation,
                                                           {{z.ldi, z.sdi, z.z, 6}}, 40);
        testing::SceneGrids g;
        g.ct_pixel_mm = pixel;
        g.ct_slice_mm = slice;
        g.half_fov_mm = 45;
        g.noise = std::getenv("RECAP_NO_NOISE") == nullptr;
        const testing::Scene sc = testing::renderScene({lesion}, {}, 0, {}, focus, g, uint64_t(s));
        const phantom::LesionTruth& t = sc.lesion("L1");
        if (!t.present) continue;
        const auto seg = segmentation::segmentLesion(*sc.ct, sc.pet.GetPointer(),
                                                     {t.centre_mm[0], t.centre_mm[1], t.centre_mm[2]});
        const auto m = seg.found ? measurement::measureLesion(seg, sc.pet.GetPointer()) : measurement::LesionMeasurement{};
        const double el = m.ldi_mm - t.ldi_mm, es = m.sdi_mm - t.sdi_mm;
        std::printf("%d %.2f %d %.2f %.2f %.2f %.2f %+.2f %+.2f%s\n", si + 1, height, s, t.ldi_mm, t.sdi_mm, m.ldi_mm,
                    m.sdi_mm, el, es, seg.found ? "" : " not-found");
        std::fflush(stdout);
        if (t.ldi_mm < 10) continue;
        ++considered;
        within += seg.found && std::abs(el) <= std::max(1.0, 0.05 * t.ldi_mm) &&
                  std::abs(es) <= std::max(1.0, 0.05 * t.sdi_mm);
        ldi.add(el);
        sdi.add(es);
        by_height[step].add(el);
      }
    }
  }
  std::printf("\n%d of %d nodes of 10 mm and more within target (%.2f mm slices, %.2f mm pixels, %d seeds)\n", within,
              considered, slice, pixel, seeds);
  std::printf("LDi error %+.2f / %.2f mm (mean / sd), SDi error %+.2f / %.2f mm\n", ldi.mean(), ldi.sd(), sdi.mean(),
              sdi.sd());
  std::printf("LDi error by height (fraction of a slice):");
  for (const auto& [step, st] : by_height) std::printf(" %.2f: %+.2f", double(step) / steps, st.mean());
  std::printf("\n");
  return 0;
}
