#include "preset_lesions.h"

#include <chrono>
#include <cmath>
#include <cstdlib>

#include "lesion_scene.h"
#include "phantom_image.h"
#include "recap/phantom/spec.h"

namespace recap::testing {

bool PresetLesionRun::withinTarget() const {
  if (state != expected_state) return false;
  if (expected_state == "absent" || truth_ldi_mm < 10) return true;
  return std::abs(ldi_mm - truth_ldi_mm) <= std::max(1.0, 0.05 * truth_ldi_mm) &&
         std::abs(sdi_mm - truth_sdi_mm) <= std::max(1.0, 0.05 * truth_sdi_mm) &&
         (truth_ldi_mm < 15 || dice >= 0.85);
}

namespace {

// Dice of the mask against the analytic lesion over voxel centres: the segmentation's box, and 10 mm
// around it for the truth (a mask that falls short of the lesion does not hide the rest of it).
double diceAgainstTruth(const segmentation::LesionSegmentation& seg, const phantom::Lesion& lesion, int t,
                        const phantom::Pose& pose) {
  const auto& f = seg.box.frame;
  long margin[3];
  for (int a = 0; a < 3; ++a) margin[a] = long(std::ceil(10.0 / f.spacing[size_t(a)]));
  size_t both = 0, ours = 0, truth = 0;
  for (long k = -margin[2]; k < f.size[2] + margin[2]; ++k)
    for (long j = -margin[1]; j < f.size[1] + margin[1]; ++j)
      for (long i = -margin[0]; i < f.size[0] + margin[0]; ++i) {
        const bool in_box = i >= 0 && j >= 0 && k >= 0 && i < f.size[0] && j < f.size[1] && k < f.size[2];
        const bool in_o = in_box && seg.mask[(size_t(k) * size_t(f.size[1]) + size_t(j)) * size_t(f.size[0]) + size_t(i)];
        const auto p = f.toPhysical(double(i), double(j), double(k));
        const bool in_t = insideLesion(lesion, t, pose, {p[0], p[1], p[2]}, true);
        both += in_t && in_o;
        ours += in_o;
        truth += in_t;
      }
  return ours + truth ? 2.0 * double(both) / double(ours + truth) : 0.0;
}

}  // namespace

std::vector<PresetLesionRun> measurePresetLesions(const std::string& preset,
                                                  const std::function<void(const PresetLesionContext&)>& inspect,
                                                  const PresetLesionSelection& only) {
  std::vector<PresetLesionRun> runs;
  const phantom::PhantomSpec spec = phantom::parseSpec(phantom::presetYaml(preset), preset);
  for (size_t t = 0; t < spec.timepoints.size(); ++t) {
    const phantom::TimepointSpec& tp = spec.timepoints[t];
    if (!only.timepoint.empty() && tp.label != only.timepoint) continue;
    for (const phantom::Lesion& lesion : spec.lesions) {
      if (!only.lesion.empty() && lesion.id != only.lesion) continue;
      bool seen = false;
      for (size_t u = 0; u <= t; ++u) seen = seen || lesion.states[u].present;
      if (!seen) continue;
      // 90 mm of z around the lesion on the grid's own slice lattice: the truth's slices.
      const phantom::Vec3 centre = toScanner(tp.pose, lesion.centre_mm);
      phantom::RenderOptions ro;
      // A noise draw of its own: the noise depends on the slice's index in the rendered volume, so a
      // cut volume is not the draw `recap phantom` writes (spec.seed * 1000 + t over every slice).
      ro.seed = spec.seed + t;
      // RECAP_TEST_SEED=N draws another noise (robustness sweeps); the preset's own draw by default.
      if (only.draw) ro.seed += 1000 * only.draw;
      else if (const char* other = std::getenv("RECAP_TEST_SEED")) ro.seed += 1000 * std::strtoull(other, nullptr, 10);
      // RECAP_NO_NOISE=1 renders without noise (debugging: a bias apart from the noise's spread).
      if (std::getenv("RECAP_NO_NOISE")) ro.noise = false;
      const phantom::Rendered r = phantom::render(spec.lesions, tp.physiology, int(t), tp.pose,
                                                  cutZ(tp.ct, centre[2], 45), cutZ(tp.pet, centre[2], 45), ro);
      const phantom::LesionTruth* truth = nullptr;
      for (const auto& l : r.truth.lesions)
        if (l.id == lesion.id) truth = &l;
      if (!truth) continue;
      const auto ct = toImage(r.ct), pet = toImage(r.pet), clean = toImage(r.pet_clean);
      const phantom::Vec3 seed = truth->present ? truth->centre_mm : centre;
      const auto start = std::chrono::steady_clock::now();
      const auto seg = segmentation::segmentLesion(*ct, pet.GetPointer(), {seed[0], seed[1], seed[2]});
      const auto m = measurement::measureLesion(seg, pet.GetPointer());
      PresetLesionRun run;
      run.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      run.preset = preset;
      run.timepoint = tp.label;
      run.lesion = lesion.id;
      run.state = measurement::stateName(m.state);
      run.expected_state = !truth->present ? "absent" : truth->ldi_mm < 5 ? "too_small" : "measured";
      run.ldi_mm = m.ldi_mm;
      run.sdi_mm = m.sdi_mm;
      run.truth_ldi_mm = truth->ldi_mm;
      run.truth_sdi_mm = truth->sdi_mm;
      if (truth->present && m.state != measurement::LesionState::Absent) {
        const auto on_clean = measurement::measureLesion(seg, clean.GetPointer());
        run.pet = on_clean.pet;
        run.suv_max_clean = on_clean.suv_max;
        run.truth_suv_max = truth->suv_max;
      }
      if (truth->present && truth->ldi_mm >= 15) run.dice = seg.found ? diceAgainstTruth(seg, lesion, int(t), tp.pose) : 0.0;
      runs.push_back(run);
      if (inspect) inspect({r, lesion, int(t), tp.label, tp.pose, seg, m});
    }
  }
  return runs;
}

}  // namespace recap::testing
