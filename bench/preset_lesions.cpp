// Segmentation + measurement of every lesion of every bundled preset at every timepoint, at the
// presets' own resolution, against their analytic truth, with the time each lesion takes.
// A benchmark and accuracy report run by hand: docs/segmentation.md and docs/performance.md hold
// its latest output; tests/accuracy/preset_lesions_test.cpp asserts the same runs.
//
//   build/bench/recap_bench_preset_lesions [PRESET ...]
//   RECAP_DUMP=DIR ...   also writes each measured slice to DIR (raw floats, for debugging)
//   RECAP_ONLY=TIMEPOINT/LESION ...   one lesion only (e.g. RECAP_ONLY=baseline/L3)
//   RECAP_NO_NOISE=1 ...   renders the CT and PET without noise (a bias apart from the noise's spread)
//   RECAP_SLICES=1 ...   prints, per slice, the measured LDi x SDi beside the truth's on that slice
//   RECAP_OUTLINE=PREFIX ...   with RECAP_SLICES, writes each slice's outline and the truth's
//                              (PREFIX-SLICE.txt: "m"/"t" segments, "M"/"T" calipers, mm in the box)
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

// Debugging aid: per slice of the lesion, the measured LDi x SDi (the fraction's 0.5 outline as
// measureLesion draws it) beside the truth's on that slice (the analytic shape sampled every 0.05 mm).
void printSlices(const testing::PresetLesionContext& c) {
  const auto& seg = c.segmentation;
  if (!seg.found) return;
  const auto& f = seg.box.frame;
  const long nx = f.size[0], ny = f.size[1];
  for (long k = 0; k < f.size[2]; ++k) {
    bool any = false;
    const std::vector<float> field = measurement::sliceField(seg, k, &any);
    const int sub = 16;
    const long tx = nx * sub, ty = ny * sub;
    std::vector<float> truth(size_t(tx) * size_t(ty));
    bool tany = false;
    for (long j = 0; j < ty; ++j)
      for (long i = 0; i < tx; ++i) {
        const auto p = f.toPhysical(double(i) / sub, double(j) / sub, double(k));
        const bool in = testing::insideLesion(c.lesion, c.timepoint, c.pose, {p[0], p[1], p[2]}, true);
        truth[size_t(j * tx + i)] = in ? 1.0f : 0.0f;
        tany = tany || in;
      }
    if (!any && !tany) continue;
    const auto outline = measurement::isoSegments(field.data(), nx, ny, f.spacing[0], f.spacing[1], 0.5);
    const auto truth_outline = measurement::isoSegments(truth.data(), tx, ty, f.spacing[0] / sub, f.spacing[1] / sub, 0.5);
    const auto dm = measurement::diameters(outline), dt = measurement::diameters(truth_outline);
    if (const char* op = std::getenv("RECAP_OUTLINE")) {
      std::FILE* fp = std::fopen((std::string(op) + "-" + std::to_string(k + seg.box.offset[2]) + ".txt").c_str(), "w");
      if (!fp) continue;
      for (const auto& g : outline) std::fprintf(fp, "m %f %f %f %f\n", g.a[0], g.a[1], g.b[0], g.b[1]);
      for (const auto& g : truth_outline) std::fprintf(fp, "t %f %f %f %f\n", g.a[0], g.a[1], g.b[0], g.b[1]);
      std::fprintf(fp, "M %f %f %f %f %f %f %f %f\n", dm.la[0], dm.la[1], dm.lb[0], dm.lb[1], dm.sa[0], dm.sa[1], dm.sb[0], dm.sb[1]);
      std::fprintf(fp, "T %f %f %f %f %f %f %f %f\n", dt.la[0], dt.la[1], dt.lb[0], dt.lb[1], dt.sa[0], dt.sa[1], dt.sb[0], dt.sb[1]);
      std::fclose(fp);
    }
    std::printf("  %s %s slice %ld: measured %.2f x %.2f (%.1f)  truth %.2f x %.2f (%.1f)  err %+.2f %+.2f\n",
                c.timepoint_label.c_str(), c.lesion.id.c_str(), k + seg.box.offset[2], dm.ldi, dm.sdi, dm.ldi * dm.sdi,
                dt.ldi, dt.sdi, dt.ldi * dt.sdi, dm.ldi - dt.ldi, dm.sdi - dt.sdi);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> presets(argv + 1, argv + argc);
  if (presets.empty()) presets = phantom::presetNames();
  const char* dump = std::getenv("RECAP_DUMP");
  std::printf("| preset | timepoint | lesion | state (truth) | LDi mm (truth) | SDi mm (truth) | Dice | within target | ms |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|\n");
  int runs = 0, ok = 0;
  std::vector<double> times;
  for (const std::string& name : presets) {
    auto inspect = [&](const testing::PresetLesionContext& c) {
      if (std::getenv("RECAP_SLICES")) printSlices(c);
      if (dump) dumpSlice(std::string(dump) + "/" + name + "-" + c.timepoint_label + "-" + c.lesion.id + ".raw", c);
    };
    testing::PresetLesionSelection only;  // RECAP_ONLY=TIMEPOINT/LESION: one lesion (debugging)
    if (const char* o = std::getenv("RECAP_ONLY")) {
      const std::string v = o;
      only.timepoint = v.substr(0, v.find('/'));
      only.lesion = v.substr(v.find('/') + 1);
    }
    for (const testing::PresetLesionRun& r : testing::measurePresetLesions(name, inspect, only)) {
      times.push_back(r.ms);
      ++runs;
      ok += r.withinTarget();
      const std::string dice = r.dice < 0 ? "" : std::to_string(r.dice).substr(0, 5);
      std::printf("| %s | %s | %s | %s (%s) | %.2f (%.2f) | %.2f (%.2f) | %s | %s | %.0f |\n", r.preset.c_str(),
                  r.timepoint.c_str(), r.lesion.c_str(), r.state.c_str(), r.expected_state.c_str(), r.ldi_mm,
                  r.truth_ldi_mm, r.sdi_mm, r.truth_sdi_mm, dice.c_str(), r.withinTarget() ? "yes" : "**no**", r.ms);
    }
  }
  std::sort(times.begin(), times.end());
  std::printf("\n%d of %d lesion measurements within target; segmentation + measurement per lesion: median %.0f ms, "
              "max %.0f ms\n",
              ok, runs, times.empty() ? 0.0 : times[times.size() / 2], times.empty() ? 0.0 : times.back());
  return 0;
}
