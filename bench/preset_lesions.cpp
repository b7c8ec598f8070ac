// Segmentation + measurement of every lesion of every bundled preset at every timepoint, at the
// presets' own resolution, against their analytic truth, with the time each lesion takes.
// A benchmark and accuracy report run by hand: docs/segmentation.md and docs/performance.md hold
// its latest output; tests/accuracy/preset_lesions_test.cpp asserts the same runs.
//
//   build/bench/recap_bench_preset_lesions [PRESET ...]
//   RECAP_DUMP=DIR ...   also writes each measured slice to DIR (raw floats, for debugging)
//
// The runs themselves (grids, poses, seeds) are tests/support/preset_lesions.h. Prints a Markdown
// table and a summary line.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "lesion_scene.h"
#include "phantom_image.h"
#include "preset_lesions.h"
#include "recap/phantom/spec.h"

using namespace recap;  // a program's own source file, not a header

namespace {

// Debugging aid: the measured slice (CT, lesion fraction, mask, truth inside, noise-free PET) as
// raw floats after two int32 (columns, rows).
void dumpSlice(const std::string& path, const testing::PresetLesionContext& c) {
  const auto& seg = c.segmentation;
  if (c.measurement.slice_index < 0) return;
  const auto& f = seg.box.frame;
  const long k = c.measurement.slice_index - seg.box.offset[2];
  const auto ct = testing::toImage(c.rendered.ct), clean = testing::toImage(c.rendered.pet_clean);
  std::ofstream out(path, std::ios::binary);
  const int32_t dims[2] = {int32_t(f.size[0]), int32_t(f.size[1])};
  out.write(reinterpret_cast<const char*>(dims), sizeof dims);
  for (long j = 0; j < f.size[1]; ++j)
    for (long i = 0; i < f.size[0]; ++i) {
      const auto p = f.toPhysical(double(i), double(j), double(k));
      const size_t v = (size_t(k) * size_t(f.size[1]) + size_t(j)) * size_t(f.size[0]) + size_t(i);
      const float rec[5] = {segmentation::sampleAt(*ct, p, -1000), seg.fraction[v], float(seg.mask[v]),
                            float(testing::insideLesion(c.lesion, c.timepoint, c.pose, {p[0], p[1], p[2]}, true)),
                            segmentation::sampleAt(*clean, p, -1)};
      out.write(reinterpret_cast<const char*>(rec), sizeof rec);
    }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> presets(argv + 1, argv + argc);
  if (presets.empty()) presets = phantom::presetNames();
  const char* dump = std::getenv("RECAP_DUMP");
  std::printf("| preset | timepoint | lesion | state (truth) | LDi mm (truth) | SDi mm (truth) | within target | ms |\n");
  std::printf("|---|---|---|---|---|---|---|---|\n");
  int runs = 0, ok = 0;
  std::vector<double> times;
  for (const std::string& name : presets) {
    auto inspect = [&](const testing::PresetLesionContext& c) {
      if (dump) dumpSlice(std::string(dump) + "/" + name + "-" + c.timepoint_label + "-" + c.lesion.id + ".raw", c);
    };
    for (const testing::PresetLesionRun& r : testing::measurePresetLesions(name, inspect)) {
      times.push_back(r.ms);
      ++runs;
      ok += r.withinTarget();
      std::printf("| %s | %s | %s | %s (%s) | %.2f (%.2f) | %.2f (%.2f) | %s | %.0f |\n", r.preset.c_str(),
                  r.timepoint.c_str(), r.lesion.c_str(), r.state.c_str(), r.expected_state.c_str(), r.ldi_mm,
                  r.truth_ldi_mm, r.sdi_mm, r.truth_sdi_mm, r.withinTarget() ? "yes" : "**no**", r.ms);
    }
  }
  std::sort(times.begin(), times.end());
  std::printf("\n%d of %d lesion measurements within target; segmentation + measurement per lesion: median %.0f ms, "
              "max %.0f ms\n",
              ok, runs, times.empty() ? 0.0 : times[times.size() / 2], times.empty() ? 0.0 : times.back());
  return 0;
}
