// Segmentation + measurement of every lesion of every bundled preset at every timepoint, at the
// presets' own resolution, against their analytic truth, with the time each lesion takes.
// A benchmark and accuracy report run by hand (not a test): docs/segmentation.md and
// docs/performance.md hold its latest output.
//
//   build/bench/recap_bench_preset_lesions [PRESET ...]
//   RECAP_DUMP=DIR ...   also writes each measured slice to DIR (raw floats, for debugging)
//
// Each timepoint is rendered at the preset's grids (pixel size, slice spacing, pose, head- or
// feet-first), cut to 90 mm of z around the lesion on the same slice lattice, so that the truth's
// acquired slices are the ones measured; the seed is the lesion's true centre (where tracking puts
// it), or where it was for a vanished lesion. Prints a Markdown table and a summary line.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "lesion_scene.h"
#include "phantom_image.h"
#include "recap/measurement/measure.h"
#include "recap/phantom/spec.h"

using namespace recap;  // a program's own source file, not a header

int main(int argc, char** argv) {
  std::vector<std::string> presets(argv + 1, argv + argc);
  if (presets.empty()) presets = phantom::presetNames();
  std::printf("| preset | timepoint | lesion | state (truth) | LDi mm (truth) | SDi mm (truth) | within target | ms |\n");
  std::printf("|---|---|---|---|---|---|---|---|\n");
  int runs = 0, ok = 0;
  std::vector<double> times;
  for (const std::string& name : presets) {
    const phantom::PhantomSpec spec = phantom::parseSpec(phantom::presetYaml(name), name);
    for (size_t t = 0; t < spec.timepoints.size(); ++t) {
      const phantom::TimepointSpec& tp = spec.timepoints[t];
      for (const phantom::Lesion& lesion : spec.lesions) {
        bool seen = false;
        for (size_t u = 0; u <= t; ++u) seen = seen || lesion.states[u].present;
        if (!seen) continue;
        const phantom::Vec3 centre = testing::toScanner(tp.pose, lesion.centre_mm);
        phantom::RenderOptions ro;
        ro.seed = spec.seed + t;
        const phantom::Rendered r = phantom::render(spec.lesions, tp.physiology, int(t), tp.pose,
                                                    testing::cutZ(tp.ct, centre[2], 45), testing::cutZ(tp.pet, centre[2], 45), ro);
        const auto ct = testing::toImage(r.ct), pet = testing::toImage(r.pet);
        const phantom::LesionTruth* truth = nullptr;
        for (const auto& l : r.truth.lesions)
          if (l.id == lesion.id) truth = &l;
        if (!truth) continue;
        const phantom::Vec3 seed = truth->present ? truth->centre_mm : centre;
        const auto start = std::chrono::steady_clock::now();
        const auto seg = segmentation::segmentLesion(*ct, pet.GetPointer(), {seed[0], seed[1], seed[2]});
        const auto m = measurement::measureLesion(seg, pet.GetPointer());
        const double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        times.push_back(ms);
        const char* expected = !truth->present ? "absent" : truth->ldi_mm < 5 ? "too_small" : "measured";
        bool good = std::string(measurement::stateName(m.state)) == expected;
        if (good && truth->present && truth->ldi_mm >= 10)
          good = std::abs(m.ldi_mm - truth->ldi_mm) <= std::max(1.0, 0.05 * truth->ldi_mm) &&
                 std::abs(m.sdi_mm - truth->sdi_mm) <= std::max(1.0, 0.05 * truth->sdi_mm);
        ++runs;
        ok += good;
        if (const char* dump = std::getenv("RECAP_DUMP"); dump && m.slice_index >= 0) {
          // Debugging aid: the measured slice (CT, lesion fraction, mask, truth inside, noise-free
          // PET) as raw floats after two int32 (columns, rows).
          const auto& f = seg.box.frame;
          const long k = m.slice_index - seg.box.offset[2];
          std::ofstream out(std::string(dump) + "/" + name + "-" + tp.label + "-" + lesion.id + ".raw", std::ios::binary);
          const int32_t dims[2] = {int32_t(f.size[0]), int32_t(f.size[1])};
          out.write(reinterpret_cast<const char*>(dims), sizeof dims);
          const auto clean = testing::toImage(r.pet_clean);
          for (long j = 0; j < f.size[1]; ++j)
            for (long i = 0; i < f.size[0]; ++i) {
              const auto p = f.toPhysical(double(i), double(j), double(k));
              const size_t v = (size_t(k) * size_t(f.size[1]) + size_t(j)) * size_t(f.size[0]) + size_t(i);
              const float rec[5] = {segmentation::sampleAt(*ct, p, -1000), seg.fraction[v], float(seg.mask[v]),
                                    float(testing::insideLesion(lesion, int(t), tp.pose, {p[0], p[1], p[2]}, true)),
                                    segmentation::sampleAt(*clean, p, -1)};
              out.write(reinterpret_cast<const char*>(rec), sizeof rec);
            }
        }
        std::printf("| %s | %s | %s | %s (%s) | %.2f (%.2f) | %.2f (%.2f) | %s | %.0f |\n", name.c_str(),
                    tp.label.c_str(), lesion.id.c_str(), measurement::stateName(m.state), expected, m.ldi_mm,
                    truth->ldi_mm, m.sdi_mm, truth->sdi_mm, good ? "yes" : "**no**", ms);
      }
    }
  }
  std::sort(times.begin(), times.end());
  std::printf("\n%d of %d lesion measurements within target; segmentation + measurement per lesion: median %.0f ms, "
              "max %.0f ms\n",
              ok, runs, times.empty() ? 0.0 : times[times.size() / 2], times.empty() ? 0.0 : times.back());
  return 0;
}
