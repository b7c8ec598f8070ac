#include "recap/assess/assess.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <thread>

#include "recap/core/error.h"
#include "recap/reference/reference.h"

namespace recap::assess {
namespace {

response::MeasurementState stateOf(measurement::LesionState s) {
  switch (s) {
    case measurement::LesionState::Measured: return response::MeasurementState::Measured;
    case measurement::LesionState::TooSmall: return response::MeasurementState::TooSmall;
    case measurement::LesionState::Absent: return response::MeasurementState::Absent;
  }
  return response::MeasurementState::Absent;
}

LesionOutcome measureAt(const TimepointInput& tp, const std::string& id, const Point3& seed, bool is_new,
                        const Options& o) {
  LesionOutcome out;
  out.id = id;
  out.is_new = is_new;
  out.seed_mm = seed;
  try {
    const auto seg = segmentation::segmentLesion(*tp.ct, tp.pet.GetPointer(), seed, o.segment);
    out.delineation = seg.reason;
    out.measurement = measurement::measureLesion(seg, tp.pet.GetPointer(), o.measure);
    if (seg.found && out.measurement.state != measurement::LesionState::Absent) {
      out.mask_box = seg.box;
      out.mask = seg.mask;
    }
  } catch (const Error& e) {
    throw Error(e.code(), e.file().empty() ? tp.label : e.file(), "lesion " + id + ": " + e.reason());
  }
  return out;
}

// Adds the seconds since construction to `into` when it goes out of scope.
class StageClock {
 public:
  explicit StageClock(double& into) : into_(into), start_(std::chrono::steady_clock::now()) {}
  ~StageClock() { into_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }
  StageClock(const StageClock&) = delete;
  StageClock& operator=(const StageClock&) = delete;

 private:
  double& into_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace

Assessment assessPatient(const PatientInput& in, const response::CriteriaProfile& profile, const Options& o) {
  if (in.timepoints.empty()) throw Error(ErrorCode::CaseFile, in.patient_id, "no timepoints to assess");
  for (const TimepointInput& tp : in.timepoints)
    for (const auto& [id, d] : tp.reviewer_diameters)
      if (std::none_of(in.targets.begin(), in.targets.end(), [&](const LesionSeed& s) { return s.id == id; }))
        throw Error(ErrorCode::CaseFile, tp.label, "reviewer LDi/SDi for " + id + ", which is not a target lesion");
  Assessment a;
  a.case_data.patient_id = in.patient_id;
  for (const LesionSeed& t : in.targets) a.case_data.targets.push_back({t.id, t.kind});
  const TimepointInput& baseline = in.timepoints.front();
  for (size_t t = 0; t < in.timepoints.size(); ++t) {
    const TimepointInput& tp = in.timepoints[t];
    if (!tp.ct) throw Error(ErrorCode::NoInput, tp.label, "no CT for this timepoint");
    TimepointOutcome out;
    out.label = tp.label;
    if (t > 0) {
      StageClock clock(a.stage_seconds.alignment);
      out.alignment = registration::alignRigid(*baseline.ct, *tp.ct, o.align);
    }
    {
      // Every lesion of this timepoint (targets tracked from the baseline, then new lesions) is
      // independent of the others: they run on the machine's cores, each result in its own slot, so
      // the outcome does not depend on the order they finish in.
      StageClock clock(a.stage_seconds.lesions);
      const size_t n_targets = in.targets.size(), n = n_targets + tp.new_lesions.size();
      std::vector<LesionOutcome> results(n);
      std::vector<double> refine_seconds(n, 0.0);
      std::vector<std::exception_ptr> errors(n);
      std::atomic<size_t> next{0};
      auto work = [&] {
        for (size_t i = next++; i < n; i = next++) {
          try {
            if (i < n_targets) {
              const LesionSeed& target = in.targets[i];
              Point3 seed = target.seed_mm;
              std::optional<registration::TrackedSeed> tracked;
              if (t > 0) {
                StageClock refine_clock(refine_seconds[i]);
                tracked = registration::refineSeed(*baseline.ct, *tp.ct, *out.alignment, target.seed_mm, o.refine);
                seed = tracked->followup_mm;
              }
              results[i] = measureAt(tp, target.id, seed, false, o);
              results[i].tracking = tracked;
            } else {
              const LesionSeed& nl = tp.new_lesions[i - n_targets];
              results[i] = measureAt(tp, nl.id, nl.seed_mm, true, o);
            }
          } catch (...) {
            errors[i] = std::current_exception();
          }
        }
      };
      const size_t threads = std::min<size_t>(n, std::max(1u, std::thread::hardware_concurrency()));
      std::vector<std::thread> pool;
      for (size_t k = 1; k < threads; ++k) pool.emplace_back(work);
      work();
      for (std::thread& th : pool) th.join();
      for (const std::exception_ptr& e : errors)
        if (e) std::rethrow_exception(e);  // the first lesion's error, whichever thread met it
      for (double sec : refine_seconds) a.stage_seconds.tracking += sec;
      for (LesionOutcome& l : results) out.lesions.push_back(std::move(l));
    }
    {
      StageClock clock(a.stage_seconds.references);
      if (tp.pet) out.references = reference::findReferenceRegions(tp.ct, tp.pet, tp.reference_overrides);
      else if (tp.reference_overrides.spleen_length_mm) {
        out.references.spleen.found = true;
        out.references.spleen.source = reference::kSourceGiven;
        out.references.spleen.length_mm = *tp.reference_overrides.spleen_length_mm;
      }
    }

    // What the response engine reads.
    response::Timepoint rt;
    rt.label = tp.label;
    rt.days_from_baseline = tp.days_from_baseline;
    std::optional<double> hottest, hottest_peak;
    for (size_t i = 0; i < out.lesions.size(); ++i) {
      const LesionOutcome& l = out.lesions[i];
      const measurement::LesionMeasurement& m = l.measurement;
      if (m.pet && m.state != measurement::LesionState::Absent && (!hottest || m.suv_max > *hottest)) {
        hottest = m.suv_max;
        hottest_peak = m.suv_peak;
      }
      if (!l.is_new) {
        response::LesionMeasurement lm;
        lm.lesion_id = l.id;
        lm.state = stateOf(m.state);
        if (lm.state == response::MeasurementState::Measured) lm.measured = response::Diameters{m.ldi_mm, m.sdi_mm};
        if (m.pet) lm.suv_max = m.suv_max;
        if (auto o = tp.reviewer_diameters.find(l.id); o != tp.reviewer_diameters.end()) lm.reviewer_override = o->second;
        rt.targets.push_back(lm);
      } else if (m.state != measurement::LesionState::Absent) {
        const LesionSeed& seed = tp.new_lesions[i - in.targets.size()];
        rt.new_lesions.push_back({l.id, seed.kind, {m.ldi_mm, m.sdi_mm}, m.pet});
      }
    }
    if (out.references.spleen.found) rt.spleen_length_mm = out.references.spleen.length_mm;
    if (tp.pet) {
      response::PetReading pet;
      pet.hottest_suv_max = hottest;
      pet.hottest_suv_peak = hottest_peak;
      if (out.references.liver.found) {
        pet.liver_suv_mean = out.references.liver.suv_mean;
        pet.liver_suv_max = out.references.liver.suv_max;
      }
      if (out.references.blood_pool.found) pet.blood_pool_suv_mean = out.references.blood_pool.suv_mean;
      rt.pet = pet;
    }
    a.case_data.timepoints.push_back(std::move(rt));
    a.timepoints.push_back(std::move(out));
  }
  {
    StageClock clock(a.stage_seconds.response);
    a.result = response::assess(a.case_data, profile);
  }
  return a;
}

}  // namespace recap::assess
