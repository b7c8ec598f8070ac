#include "recap/assess/assess.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <thread>

#include "recap/core/error.h"
#include "recap/core/threads.h"
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

// Runs tasks[0..n) on the machine's cores; each task's exception is kept in its own slot.
void runTasks(const std::vector<std::function<void()>>& tasks, std::vector<std::exception_ptr>& errors) {
  errors.assign(tasks.size(), nullptr);
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < tasks.size(); i = next++) {
      try {
        tasks[i]();
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
  const size_t threads = std::min<size_t>(tasks.size(), workerThreads());
  std::vector<std::thread> pool;
  for (size_t k = 1; k < threads; ++k) pool.emplace_back(work);
  work();
  for (std::thread& th : pool) th.join();
}

}  // namespace

Assessment assessPatient(const PatientInput& in, const response::CriteriaProfile& profile, const Options& o) {
  if (in.timepoints.empty()) throw Error(ErrorCode::CaseFile, in.patient_id, "no timepoints to assess");
  for (const TimepointInput& tp : in.timepoints)
    for (const auto& [id, d] : tp.reviewer_diameters)
      if (std::none_of(in.targets.begin(), in.targets.end(), [&](const LesionSeed& s) { return s.id == id; }))
        throw Error(ErrorCode::CaseFile, tp.label, "reviewer LDi/SDi for " + id + ", which is not a target lesion");
  for (const TimepointInput& tp : in.timepoints)
    if (!tp.ct) throw Error(ErrorCode::NoInput, tp.label, "no CT for this timepoint");
  Assessment a;
  a.case_data.patient_id = in.patient_id;
  for (const LesionSeed& t : in.targets) a.case_data.targets.push_back({t.id, t.kind});
  const TimepointInput& baseline = in.timepoints.front();
  const size_t n_tp = in.timepoints.size(), n_targets = in.targets.size();
  std::vector<TimepointOutcome> outs(n_tp);
  for (size_t t = 0; t < n_tp; ++t) {
    outs[t].label = in.timepoints[t].label;
    outs[t].lesions.resize(n_targets + in.timepoints[t].new_lesions.size());
  }

  // The work is a set of independent tasks run on the cores, each result in its own slot so that
  // the outcome does not depend on the order they finish in. First: the alignment of each
  // follow-up (the longest), the baseline's lesions, and every timepoint's reference regions.
  // Then: the follow-ups' lesions, which need their timepoint's alignment. Errors are raised
  // afterwards in the order a sequential run would meet them.
  std::vector<double> align_s(n_tp, 0), refs_s(n_tp, 0);
  std::vector<std::vector<double>> lesion_s(n_tp), refine_s(n_tp);
  std::vector<std::exception_ptr> align_err(n_tp), refs_err(n_tp);
  std::vector<std::vector<std::exception_ptr>> lesion_err(n_tp);
  auto lesionTask = [&](size_t t, size_t i) {
    return [&, t, i] {
      StageClock clock(lesion_s[t][i]);
      const TimepointInput& tp = in.timepoints[t];
      LesionOutcome& result = outs[t].lesions[i];
      if (i < n_targets) {
        const LesionSeed& target = in.targets[i];
        Point3 seed = target.seed_mm;
        std::optional<registration::TrackedSeed> tracked;
        if (t > 0) {
          StageClock refine_clock(refine_s[t][i]);
          tracked = registration::refineSeed(*baseline.ct, *tp.ct, *outs[t].alignment, target.seed_mm, o.refine);
          seed = tracked->followup_mm;
        }
        result = measureAt(tp, target.id, seed, false, o);
        result.tracking = tracked;
      } else {
        const LesionSeed& nl = tp.new_lesions[i - n_targets];
        result = measureAt(tp, nl.id, nl.seed_mm, true, o);
      }
    };
  };
  std::vector<std::function<void()>> first, second;
  std::vector<std::pair<size_t, size_t>> first_lesions, second_lesions;  // (timepoint, lesion) of the tasks
  for (size_t t = 0; t < n_tp; ++t) {
    lesion_s[t].assign(outs[t].lesions.size(), 0);
    refine_s[t].assign(outs[t].lesions.size(), 0);
    lesion_err[t].assign(outs[t].lesions.size(), nullptr);
  }
  for (size_t t = 1; t < n_tp; ++t)
    first.push_back([&, t] {
      StageClock clock(align_s[t]);
      try {
        outs[t].alignment = registration::alignRigid(*baseline.ct, *in.timepoints[t].ct, o.align);
      } catch (...) {
        align_err[t] = std::current_exception();
      }
    });
  for (size_t i = 0; i < outs[0].lesions.size(); ++i) {
    first.push_back(lesionTask(0, i));
    first_lesions.push_back({0, i});
  }
  for (size_t t = 0; t < n_tp; ++t)
    first.push_back([&, t] {
      StageClock clock(refs_s[t]);
      try {
        const TimepointInput& tp = in.timepoints[t];
        if (tp.pet) {
          outs[t].references = reference::findReferenceRegions(tp.ct, tp.pet, tp.reference_overrides);
        } else if (tp.reference_overrides.spleen_length_mm) {
          outs[t].references.spleen.found = true;
          outs[t].references.spleen.source = reference::kSourceGiven;
          outs[t].references.spleen.length_mm = *tp.reference_overrides.spleen_length_mm;
        }
      } catch (...) {
        refs_err[t] = std::current_exception();
      }
    });
  const auto wall_start = std::chrono::steady_clock::now();
  std::vector<std::exception_ptr> first_err, second_err;
  runTasks(first, first_err);
  // Lesion task errors land in their (timepoint, lesion) slot; the other tasks caught their own.
  for (size_t k = 0; k < first_lesions.size(); ++k)
    lesion_err[first_lesions[k].first][first_lesions[k].second] = first_err[n_tp - 1 + k];
  for (size_t t = 1; t < n_tp; ++t) {
    if (align_err[t]) continue;  // its lesions cannot be tracked; the alignment's error is raised below
    for (size_t i = 0; i < outs[t].lesions.size(); ++i) {
      second.push_back(lesionTask(t, i));
      second_lesions.push_back({t, i});
    }
  }
  runTasks(second, second_err);
  for (size_t k = 0; k < second_lesions.size(); ++k)
    lesion_err[second_lesions[k].first][second_lesions[k].second] = second_err[k];
  a.stage_seconds.parallel_wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  for (size_t t = 0; t < n_tp; ++t) {
    if (align_err[t]) std::rethrow_exception(align_err[t]);
    for (const std::exception_ptr& e : lesion_err[t])
      if (e) std::rethrow_exception(e);  // the first lesion's error
    if (refs_err[t]) std::rethrow_exception(refs_err[t]);
    a.stage_seconds.alignment += align_s[t];
    a.stage_seconds.references += refs_s[t];
    for (size_t i = 0; i < lesion_s[t].size(); ++i) {
      a.stage_seconds.lesions += lesion_s[t][i];
      a.stage_seconds.tracking += refine_s[t][i];
    }
  }

  for (size_t t = 0; t < n_tp; ++t) {
    const TimepointInput& tp = in.timepoints[t];
    TimepointOutcome& out = outs[t];

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
