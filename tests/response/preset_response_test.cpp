// End to end on every bundled preset, rendered at its own grids and poses (follow-ups moved by up
// to 50 mm and 5 degrees, other fields of view): the baseline targets are tracked into each
// follow-up and must land within 3 mm of the lesion's true centre (or of where it was, once
// vanished); new lesions are measured where a reviewer marks them; and every timepoint must reach
// the Lugano CT response and the Deauville score that the preset states, written from the rules.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>

#include "lesion_scene.h"
#include "preset_names.h"
#include "phantom_image.h"
#include "recap/assess/assess.h"
#include "recap/phantom/spec.h"

namespace recap {
namespace {

double distance(const std::array<double, 3>& a, const std::array<double, 3>& b) {
  return std::sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
}

response::LesionKind kindOf(phantom::LesionKind k) {
  return k == phantom::LesionKind::Nodal ? response::LesionKind::Nodal : response::LesionKind::Extranodal;
}

class PresetResponse : public ::testing::TestWithParam<std::string> {};

TEST_P(PresetResponse, TrackedLesionsAndResponsesMatchThePreset) {
  const auto start = std::chrono::steady_clock::now();
  const phantom::PhantomSpec spec = phantom::parseSpec(phantom::presetYaml(GetParam()), GetParam());
  std::vector<phantom::TimepointTruth> truth;
  assess::PatientInput input;
  input.patient_id = spec.patient.id;
  for (size_t t = 0; t < spec.timepoints.size(); ++t) {
    const phantom::TimepointSpec& tp = spec.timepoints[t];
    phantom::RenderOptions ro;
    ro.seed = spec.seed + t;
    const phantom::Rendered r = phantom::render(spec.lesions, tp.physiology, int(t), tp.pose, tp.ct, tp.pet, ro);
    truth.push_back(r.truth);
    assess::TimepointInput in;
    in.label = tp.label;
    in.ct = testing::toImage(r.ct);
    in.pet = testing::toImage(r.pet);
    for (size_t i = 0; i < spec.lesions.size(); ++i) {
      const phantom::Lesion& l = spec.lesions[i];
      if (t == 0 && l.states[0].present)
        input.targets.push_back({l.id, kindOf(l.kind), r.truth.lesions[i].centre_mm});
      // A lesion absent at baseline, present now: the reviewer marks it at its centre.
      if (t > 0 && !l.states[0].present && l.states[t].present)
        in.new_lesions.push_back({l.id, kindOf(l.kind), r.truth.lesions[i].centre_mm});
    }
    input.timepoints.push_back(std::move(in));
  }
  const assess::Assessment a = assess::assessPatient(input, response::lugano2014Profile());

  for (size_t t = 0; t < spec.timepoints.size(); ++t) {
    const phantom::TimepointSpec& tp = spec.timepoints[t];
    const auto& res = a.result.timepoints[t];
    SCOPED_TRACE(GetParam() + " " + tp.label);
    // Tracking: every target within 3 mm of its true centre, or of where it was.
    if (t > 0)
      for (const auto& lesion : a.timepoints[t].lesions) {
        if (lesion.is_new) continue;
        size_t i = 0;
        while (spec.lesions[i].id != lesion.id) ++i;
        const auto& lt = truth[t].lesions[i];
        const auto where = lt.present ? lt.centre_mm : testing::toScanner(tp.pose, spec.lesions[i].centre_mm);
        EXPECT_LE(distance(lesion.seed_mm, {where[0], where[1], where[2]}), 3.0)
            << lesion.id << ": " << (lesion.tracking ? lesion.tracking->report : "");
      }
    std::string lesions;
    for (const auto& l : a.timepoints[t].lesions)
      lesions += " " + l.id + " " + measurement::stateName(l.measurement.state) + " " +
                 std::to_string(l.measurement.ldi_mm).substr(0, 5) + "x" + std::to_string(l.measurement.sdi_mm).substr(0, 5);
    const std::string ct = res.ct.category ? response::toString(*res.ct.category) : "-";
    const int ds = res.pet && res.pet->deauville ? *res.pet->deauville : 0;
    std::printf("%-14s %-9s CT %-3s (expected %-3s)  Deauville %d (expected %d) %s\n", GetParam().c_str(),
                tp.label.c_str(), ct.c_str(), tp.expected.ct_response.empty() ? "-" : tp.expected.ct_response.c_str(),
                ds, tp.expected.deauville, lesions.c_str());
    std::string reasons;
    for (const auto& r : res.ct.reasons) reasons += r.text + "; ";
    if (!tp.expected.ct_response.empty()) {
      EXPECT_EQ(ct, tp.expected.ct_response) << reasons;
    }
    if (tp.expected.deauville) {
      EXPECT_EQ(ds, tp.expected.deauville);
    }
  }
  std::printf("%-14s %.0f s\n", GetParam().c_str(),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

INSTANTIATE_TEST_SUITE_P(Presets, PresetResponse, ::testing::ValuesIn(phantom::presetNames()),
                         testing::presetTestName);

}  // namespace
}  // namespace recap
