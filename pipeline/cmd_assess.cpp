// recap assess CASE.yaml --out DIR: one patient, all timepoints. Reads the case file, indexes each
// timepoint's folder, loads its selected CT (HU) and PET (SUVbw), runs assess::assessPatient
// (tracking, segmentation, measurement, reference regions, response) and writes assessment.json,
// lesions.csv and report.html (docs/formats.md), with a per-timepoint summary on stdout.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "assess_dicom.h"
#include "commands.h"
#include "recap/assess/assess.h"
#include "recap/casefile/casefile.h"
#include "recap/core/error.h"
#include "recap/core/files.h"
#include "recap/core/text.h"
#include "recap/dicom/index.h"
#include "recap/dicom/volume.h"
#include "recap/report/report.h"

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;  // fields in the documented order

namespace recap::cli {

namespace {

struct AssessOptions {
  std::string case_file;
  std::string out;
  bool force = false;
  bool dicom_out = false;
};

// Values in the outputs are rounded to 4 decimals: far below any measurement's precision, and
// short to read.
double r4(double v) { return std::round(v * 1e4) / 1e4; }
json num(double v) { return r4(v); }
template <typename T>
json opt(const std::optional<T>& v) {
  return v ? json(r4(double(*v))) : json(nullptr);
}
json point(const std::array<double, 3>& p) { return json::array({r4(p[0]), r4(p[1]), r4(p[2])}); }

// "20240115" -> "2024-01-15" (other forms are kept as they are).
std::string isoDate(const std::string& d) {
  if (d.size() == 8 && d.find_first_not_of("0123456789") == std::string::npos)
    return d.substr(0, 4) + "-" + d.substr(4, 2) + "-" + d.substr(6, 2);
  return d;
}

double secondsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

struct LoadedTimepoint {
  std::string date;  // DICOM StudyDate
  std::string patient_id;
  dicom::Image::Pointer ct, pet;
  dicom::Series ct_series;     // the CT's headers (SOP Instance UIDs, planes) and slice order, for
  dicom::Geometry ct_geometry; // the DICOM SR and SEG and for targets read from an SR
};

LoadedTimepoint loadTimepoint(const casefile::CaseFile& c, size_t t) {
  const casefile::Timepoint& tp = c.timepoints[t];
  const std::string where = "timepoints[" + std::to_string(t) + "] (" + tp.label + ")";
  spdlog::info("{}: indexing {}", tp.label, tp.dicom.string());
  const dicom::Index index = dicom::indexPath(tp.dicom);
  if (index.dicom_instances == 0)
    throw Error(ErrorCode::NoInput, tp.dicom.string(), where + ": no DICOM files found (" +
                                                           std::to_string(index.files_seen) + " files looked at)");
  std::vector<const dicom::Study*> with_ct;
  for (const auto& st : index.studies)
    if (st.selected_ct) with_ct.push_back(&st);
  if (with_ct.empty()) throw Error(ErrorCode::NoInput, tp.dicom.string(), where + ": no usable CT volume in this folder");
  if (with_ct.size() > 1)
    throw Error(ErrorCode::CaseFile, tp.dicom.string(),
                where + ": " + std::to_string(with_ct.size()) +
                    " studies with a CT in this folder; give each timepoint a folder with one study");
  const dicom::Study& st = *with_ct.front();
  LoadedTimepoint out;
  out.date = st.date;
  out.patient_id = st.patient_id;
  const dicom::Series& ct = st.series[*st.selected_ct];
  // PET and CT are overlaid by their patient coordinates, which only holds within one frame of
  // reference: a PET from another one would put every SUV in the wrong place, silently.
  if (st.selected_pet) {
    const dicom::Series& pet = st.series[*st.selected_pet];
    const std::string &pet_for = pet.first().frame_of_reference_uid, &ct_for = ct.first().frame_of_reference_uid;
    if (!pet_for.empty() && !ct_for.empty() && pet_for != ct_for)
      throw Error(ErrorCode::MissingMetadata, tp.dicom.string(),
                  where + ": the PET " + pet.label() + " is in frame of reference " + pet_for + ", the CT " + ct.label() +
                      " in " + ct_for + ": PET and CT cannot be overlaid");
  }
  spdlog::info("{}: loading CT {} ({})", tp.label, ct.label(), st.ct_selection_reason);
  dicom::Volume ct_volume = dicom::loadVolume(ct);
  out.ct = ct_volume.image;
  out.ct_series = ct;
  out.ct_geometry = std::move(ct_volume.geometry);
  if (st.selected_pet) {
    const dicom::Series& pet = st.series[*st.selected_pet];
    spdlog::info("{}: loading PET {} in SUVbw ({})", tp.label, pet.label(), st.pet_selection_reason);
    dicom::LoadOptions lo;
    lo.pet_units = dicom::PetUnits::SuvBw;
    out.pet = dicom::loadVolume(pet, lo).image;
  } else {
    spdlog::warn("{}: no PET volume in {}; the timepoint is read on CT only", tp.label, tp.dicom.string());
  }
  return out;
}

// A seed in air (every voxel around it below -900 HU: outside the body or in the lungs' airways)
// cannot be on a lesion: a mistyped coordinate or a sign flipped between LPS and RAS. Refused by
// name before the analysis instead of ending as "not measured". Seeds outside the volume are left
// to the assessment, which names the volume's extent.
void checkSeedsNotInAir(const casefile::CaseFile& c, size_t t, const dicom::Image& ct) {
  auto check = [&](const casefile::Lesion& l, const std::string& path) {
    dicom::Image::PointType p;
    for (unsigned i = 0; i < 3; ++i) p[i] = l.seed_mm[i];
    const auto centre = ct.TransformPhysicalPointToIndex(p);
    const auto region = ct.GetLargestPossibleRegion();
    if (!region.IsInside(centre)) return;
    float highest = -1e30f;
    dicom::Image::IndexType q;
    for (long dz = -1; dz <= 1; ++dz)
      for (long dy = -1; dy <= 1; ++dy)
        for (long dx = -1; dx <= 1; ++dx) {
          q[0] = centre[0] + dx, q[1] = centre[1] + dy, q[2] = centre[2] + dz;
          if (region.IsInside(q)) highest = std::max(highest, ct.GetPixel(q));
        }
    if (highest < -900.0f)
      throw Error(ErrorCode::CaseFile, c.source.string(),
                  path + " (" + l.id + "): the seed (" + fixed(l.seed_mm[0], 1) + ", " + fixed(l.seed_mm[1], 1) +
                      ", " + fixed(l.seed_mm[2], 1) + ") mm is in air on the " + c.timepoints[t].label + " CT (" +
                      fixed(highest, 0) + " HU at most around it): place it on the lesion");
  };
  if (t == 0)
    for (size_t i = 0; i < c.targets.size(); ++i) check(c.targets[i], "target_lesions[" + std::to_string(i) + "]");
  const auto& news = c.timepoints[t].new_lesions;
  for (size_t i = 0; i < news.size(); ++i)
    check(news[i], "timepoints[" + std::to_string(t) + "].new_lesions[" + std::to_string(i) + "]");
}

assess::LesionSeed seedOf(const casefile::Lesion& l) { return {l.id, l.kind, l.seed_mm}; }

json reasons(const std::vector<response::Reason>& rs, json& into) {
  for (const auto& r : rs) into.push_back({{"rule", r.rule}, {"subject", r.subject}, {"text", r.text}});
  return into;
}

json lesionJson(const assess::LesionOutcome& l, response::LesionKind kind, const response::LesionResult* used) {
  const measurement::LesionMeasurement& m = l.measurement;
  const bool has_slice = m.state != measurement::LesionState::Absent && m.slice_index >= 0;
  json j;
  j["id"] = l.id;
  j["kind"] = response::toString(kind);
  j["status"] = measurement::stateName(m.state);
  // A reviewer's override replaces recap's diameters (and so the PPD) in the response.
  const bool overridden = used && used->overridden;
  j["ldi_mm"] = num(overridden ? used->ldi_mm : m.ldi_mm);
  j["sdi_mm"] = num(overridden ? used->sdi_mm : m.sdi_mm);
  j["ppd_mm2"] = num(used ? used->ppd_mm2 : m.ppd_for_spd_mm2);
  j["suv_max"] = m.pet ? json(r4(m.suv_max)) : json(nullptr);
  j["suv_peak"] = m.pet ? json(r4(m.suv_peak)) : json(nullptr);
  j["centre_mm"] = point(l.seed_mm);
  j["slice_index"] = has_slice ? json(m.slice_index) : json(nullptr);
  j["slice_z_mm"] = has_slice ? json(r4(m.slice_z_mm)) : json(nullptr);
  const bool has_ldi = m.state == measurement::LesionState::Measured || m.state == measurement::LesionState::TooSmall;
  j["ldi_ends_mm"] = has_ldi && m.ldi_mm > 0 ? json::array({point(m.ldi.a), point(m.ldi.b)}) : json(nullptr);
  j["sdi_ends_mm"] = has_ldi && m.sdi_mm > 0 ? json::array({point(m.sdi.a), point(m.sdi.b)}) : json(nullptr);
  j["new"] = l.is_new;
  return j;
}

json assessmentJson(const casefile::CaseFile& c, const std::vector<LoadedTimepoint>& loaded, const assess::Assessment& a) {
  json j;
  j["patient_id"] = c.patient_id;
  j["criteria"] = {{"name", a.result.profile_name}, {"version", a.result.profile_version}};
  j["timepoints"] = json::array();
  for (size_t t = 0; t < a.timepoints.size(); ++t) {
    const assess::TimepointOutcome& tp = a.timepoints[t];
    const response::TimepointResult& r = a.result.timepoints[t];
    json o;
    o["label"] = tp.label;
    o["date"] = isoDate(loaded[t].date);
    o["ct_response"] = r.ct.category ? json(response::toString(*r.ct.category)) : json(nullptr);
    json rs = json::array();
    reasons(r.ct.reasons, rs);
    if (r.pet) reasons(r.pet->reasons, rs);
    o["response_reasons"] = rs;
    o["deauville"] = r.pet && r.pet->deauville ? json(*r.pet->deauville) : json(nullptr);
    o["qpet"] = r.pet ? opt(r.pet->qpet) : json(nullptr);
    o["pet_response"] = r.pet && r.pet->metabolic ? json(response::toString(*r.pet->metabolic)) : json(nullptr);
    const auto& ref = tp.references;
    o["liver_suv_mean"] = ref.liver.found ? json(r4(ref.liver.suv_mean)) : json(nullptr);
    o["liver_suv_max"] = ref.liver.found ? json(r4(ref.liver.suv_max)) : json(nullptr);
    o["blood_pool_suv_mean"] = ref.blood_pool.found ? json(r4(ref.blood_pool.suv_mean)) : json(nullptr);
    o["spleen_length_mm"] = opt(r.ct.spleen_length_mm);
    o["spd_mm2"] = num(r.ct.spd_mm2);
    o["spd_change_from_baseline_pct"] = opt(r.ct.spd_change_from_baseline_pct);
    o["spd_change_from_nadir_pct"] = opt(r.ct.spd_change_from_nadir_pct);
    o["lesions"] = json::array();
    for (size_t i = 0; i < tp.lesions.size(); ++i) {
      const assess::LesionOutcome& l = tp.lesions[i];
      if (!l.is_new) {
        o["lesions"].push_back(lesionJson(l, c.targets[i].kind, &r.ct.lesions.at(i)));
      } else {
        const auto& nl = c.timepoints[t].new_lesions.at(i - c.targets.size());
        o["lesions"].push_back(lesionJson(l, nl.kind, nullptr));
      }
    }
    j["timepoints"].push_back(o);
  }
  return j;
}

std::string csvCell(const json& v) {
  if (v.is_null()) return "";
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_string()) {
    std::string s = v.get<std::string>();
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char ch : s) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return q + "\"";
  }
  return v.dump();
}

// One row per lesion per timepoint (header in docs/formats.md).
std::string lesionsCsv(const json& a) {
  std::ostringstream out;
  out << "patient_id,timepoint,date,lesion_id,kind,new,status,ldi_mm,sdi_mm,ppd_mm2,suv_max,suv_peak,"
         "centre_x_mm,centre_y_mm,centre_z_mm,slice_index,slice_z_mm\n";
  for (const json& tp : a["timepoints"])
    for (const json& l : tp["lesions"]) {
      const json cells[] = {a["patient_id"], tp["label"], tp["date"], l["id"], l["kind"], l["new"], l["status"],
                            l["ldi_mm"], l["sdi_mm"], l["ppd_mm2"], l["suv_max"], l["suv_peak"], l["centre_mm"][0],
                            l["centre_mm"][1], l["centre_mm"][2], l["slice_index"], l["slice_z_mm"]};
      bool first = true;
      for (const json& c : cells) {
        out << (first ? "" : ",") << csvCell(c);
        first = false;
      }
      out << "\n";
    }
  return out.str();
}

// What the report draws for a lesion: recap's own outline and calipers on the measured slice (a
// reviewer's LDi/SDi override changes the numbers, not the drawing), or the seed when absent.
report::KeyImageInput keyImageInput(const assess::LesionOutcome& l) {
  const measurement::LesionMeasurement& m = l.measurement;
  report::KeyImageInput k;
  k.lesion_id = l.id;
  k.absent = m.state == measurement::LesionState::Absent || m.slice_index < 0;
  k.seed_mm = l.seed_mm;
  k.slice_index = m.slice_index;
  k.ldi_mm = m.ldi_mm;
  for (const auto& s : m.outline) k.outline.push_back({s.a, s.b});
  if (!k.absent && m.ldi_mm > 0) k.ldi = report::Segment3{m.ldi.a, m.ldi.b};
  if (!k.absent && m.sdi_mm > 0) k.sdi = report::Segment3{m.sdi.a, m.sdi.b};
  return k;
}

// report.html from the json written to assessment.json (so that its numbers are those) and the
// images the assessment was made on.
std::string reportHtml(const json& j, const std::vector<LoadedTimepoint>& loaded, const assess::Assessment& a) {
  std::vector<report::TimepointImages> images;
  for (size_t t = 0; t < a.timepoints.size(); ++t) {
    report::TimepointImages ti;
    ti.ct = loaded[t].ct.GetPointer();
    ti.pet = loaded[t].pet ? loaded[t].pet.GetPointer() : nullptr;
    for (const auto& l : a.timepoints[t].lesions) ti.lesions.push_back(keyImageInput(l));
    images.push_back(std::move(ti));
  }
  report::ReportOptions o;
  o.generator = std::string("recap ") + RECAP_VERSION;
  const auto start = std::chrono::steady_clock::now();
  report::Report r = report::renderReport(j, images, o);
  spdlog::info("report: {} images, {:.0f} KB, rendered in {:.2f} s", r.images, double(r.html.size()) / 1024,
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return std::move(r.html);
}

void printSummary(const json& a) {
  std::printf("%-12s %-10s %12s %10s %6s %9s\n", "timepoint", "date", "SPD (mm2)", "change", "CT", "Deauville");
  for (const json& tp : a["timepoints"]) {
    char change[32] = "-";
    if (!tp["spd_change_from_baseline_pct"].is_null())
      std::snprintf(change, sizeof change, "%+.1f%%", tp["spd_change_from_baseline_pct"].get<double>());
    const std::string ct = tp["ct_response"].is_null() ? "-" : tp["ct_response"].get<std::string>();
    const std::string ds = tp["deauville"].is_null() ? "-" : std::to_string(tp["deauville"].get<int>());
    std::printf("%-12s %-10s %12.1f %10s %6s %9s\n", tp["label"].get<std::string>().c_str(),
                tp["date"].get<std::string>().c_str(), tp["spd_mm2"].get<double>(), change, ct.c_str(), ds.c_str());
  }
  std::fflush(stdout);
}

int runAssess(const AssessOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  casefile::CaseFile c = casefile::loadCaseFile(o.case_file);
  spdlog::info("case {}: patient {}, {} timepoints, {} target lesions, criteria {} {}", o.case_file, c.patient_id,
               c.timepoints.size(), c.targets.size(), c.profile.name, c.profile.version);

  // The output folder is checked before hours of work, not after.
  const fs::path out(o.out);
  if (fs::exists(out) && !fs::is_directory(out)) throw Error(ErrorCode::Output, out.string(), "exists and is not a folder");
  if (fs::is_directory(out) && !fs::is_empty(out) && !o.force)
    throw Error(ErrorCode::Output, out.string(), "folder exists and is not empty (use --force to overwrite)");
  ensureWritableDirectory(out);

  const auto ingest_start = std::chrono::steady_clock::now();
  std::vector<LoadedTimepoint> loaded;
  assess::PatientInput input;
  input.patient_id = c.patient_id;
  for (const auto& l : c.targets) input.targets.push_back(seedOf(l));
  for (size_t t = 0; t < c.timepoints.size(); ++t) {
    loaded.push_back(loadTimepoint(c, t));
    if (loaded[t].patient_id != loaded[0].patient_id)
      throw Error(ErrorCode::CaseFile, c.source.string(),
                  "timepoints[" + std::to_string(t) + "].dicom: PatientID '" + loaded[t].patient_id + "' in " +
                      c.timepoints[t].dicom.string() + " differs from '" + loaded[0].patient_id + "' at the baseline (" +
                      c.timepoints[0].dicom.string() + ")");
    if (t > 0) {
      const auto before = dayNumber(loaded[t - 1].date), now = dayNumber(loaded[t].date);
      if (before && now && *now < *before)
        throw Error(ErrorCode::CaseFile, c.source.string(),
                    "timepoints[" + std::to_string(t) + "] (" + c.timepoints[t].label + "): study date " +
                        isoDate(loaded[t].date) + " in " + c.timepoints[t].dicom.string() + " is before " +
                        isoDate(loaded[t - 1].date) + " of timepoints[" + std::to_string(t - 1) + "] (" +
                        c.timepoints[t - 1].label + "): list the timepoints in time order, the baseline first");
    }
    checkSeedsNotInAir(c, t, *loaded[t].ct);
    const casefile::Timepoint& tp = c.timepoints[t];
    assess::TimepointInput in;
    in.label = tp.label;
    in.ct = loaded[t].ct.GetPointer();
    if (loaded[t].pet) in.pet = loaded[t].pet.GetPointer();
    const auto d0 = dayNumber(loaded[0].date), d = dayNumber(loaded[t].date);
    if (d0 && d) in.days_from_baseline = double(*d - *d0);
    for (const auto& l : tp.new_lesions) in.new_lesions.push_back(seedOf(l));
    in.reference_overrides.liver_centre_mm = tp.liver_centre_mm;
    in.reference_overrides.blood_pool_centre_mm = tp.blood_pool_centre_mm;
    in.reference_overrides.spleen_length_mm = tp.spleen_length_mm;
    in.reviewer_diameters = tp.reviewer_diameters;
    input.timepoints.push_back(std::move(in));
  }
  // Targets from a baseline TID 1500 SR: seeds at the long axes' midpoints on the baseline CT, the
  // reviewer's long and short axes as the baseline's diameters (unless the case file gives its own).
  std::map<std::string, std::string> tracking_uids;
  if (c.target_lesions_from) {
    SrTargets from = targetsFromSr(*c.target_lesions_from, loaded[0].ct_series);
    if (int(from.targets.size()) > c.profile.ct.max_target_lesions)
      throw Error(ErrorCode::CaseFile, c.target_lesions_from->string(),
                  std::to_string(from.targets.size()) + " target lesions, more than the " +
                      std::to_string(c.profile.ct.max_target_lesions) + " the profile '" + c.profile.name + "' allows");
    for (const auto& tp : c.timepoints)
      for (const auto& n : tp.new_lesions)
        if (from.tracking_uids.count(n.id))
          throw Error(ErrorCode::CaseFile, c.source.string(), "new lesion id '" + n.id + "' is also a target in " +
                                                                  c.target_lesions_from->string());
    c.targets = from.targets;
    for (const auto& l : c.targets) input.targets.push_back(seedOf(l));
    for (const auto& [id, d] : from.diameters) input.timepoints[0].reviewer_diameters.emplace(id, d);
    tracking_uids = std::move(from.tracking_uids);
  }
  if (loaded[0].patient_id != c.patient_id)
    spdlog::warn("the DICOM PatientID is '{}', the case file's patient_id '{}'", loaded[0].patient_id, c.patient_id);

  const double ingest_s = secondsSince(ingest_start);
  spdlog::info("assessing: alignment, segmentation, measurement, reference regions, response");
  const assess::Assessment a = assess::assessPatient(input, c.profile);
  for (const auto& tp : a.timepoints)
    for (const auto& l : tp.lesions)
      spdlog::info("{} {}: {} {:.1f} x {:.1f} mm", tp.label, l.id, measurement::stateName(l.measurement.state),
                   l.measurement.ldi_mm, l.measurement.sdi_mm);

  const auto output_start = std::chrono::steady_clock::now();
  const json j = assessmentJson(c, loaded, a);
  // The report is rendered before anything is written, so that a failure leaves no output.
  const std::string html = reportHtml(j, loaded, a);
  // Each file is written atomically; the set is all or nothing too: when one cannot be written
  // (disk full, quota), the files this run wrote before it are removed, and so are the results of
  // an earlier run (--force) that would otherwise sit next to a part of this run's.
  std::set<fs::path> before;
  for (const auto& e : fs::directory_iterator(out)) before.insert(e.path());
  try {
    if (o.dicom_out) {
      std::vector<CtSource> cts;
      for (const auto& l : loaded) cts.push_back({&l.ct_series, &l.ct_geometry});
      writeDicomOutputs(out, j, cts, a, tracking_uids, std::string("recap ") + RECAP_VERSION);
    }
    writeFileAtomic(out / "assessment.json", j.dump(2) + "\n");
    writeFileAtomic(out / "lesions.csv", lesionsCsv(j));
    writeFileAtomic(out / "report.html", html);
  } catch (...) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(out, ec))
      if (!before.count(e.path())) fs::remove_all(e.path(), ec);
    for (const char* name : {"assessment.json", "lesions.csv", "report.html"}) fs::remove(out / name, ec);
    throw;
  }
  const double secs = secondsSince(start);
  spdlog::info("wrote {}, {} and {} ({:.0f} s)", (out / "assessment.json").string(), (out / "lesions.csv").string(),
               (out / "report.html").string(), secs);
  // One line per run with each stage's time and the peak memory (bench/assess_stages.sh reads it;
  // docs/performance.md). "analysis" is the wall time of alignment, lesions and references, which
  // run together on the cores; the three figures after it are their tasks' times, summed.
  const assess::StageTimes& st = a.stage_seconds;
  struct rusage ru {};
  ::getrusage(RUSAGE_SELF, &ru);
  spdlog::info("stage seconds: ingest {:.2f}, analysis {:.2f} (alignment {:.2f}, tracking {:.2f}, lesions {:.2f}, "
               "references {:.2f}: task times, overlapping), response {:.3f}, outputs {:.2f}, total {:.2f}; "
               "peak memory {} MB",
               ingest_s, st.parallel_wall, st.alignment, st.tracking, st.lesions, st.references, st.response,
               secondsSince(output_start), secs, ru.ru_maxrss / 1024);
  printSummary(j);
  return 0;
}

}  // namespace

void addAssessCommand(CLI::App& app, Action& action) {
  auto opts = std::make_shared<AssessOptions>();
  CLI::App* cmd = app.add_subcommand("assess", "Assess one patient (all timepoints) from a case file: Lugano 2014 and Deauville");
  cmd->add_option("case", opts->case_file, "case file (YAML, docs/case-file.md)")->required();
  cmd->add_option("-o,--out", opts->out, "output folder for assessment.json, lesions.csv and report.html (created if needed)")->required();
  cmd->add_flag("--force", opts->force, "write into a non-empty output folder, replacing earlier outputs");
  cmd->add_flag("--dicom-out", opts->dicom_out,
                "also write per timepoint a DICOM SR (TID 1500), a SEG of the lesions and the SPD plot as a "
                "Secondary Capture: <label>_SR.dcm, <label>_SEG.dcm, <label>_SPD.dcm");
  cmd->callback([opts, &action] { action = [opts] { return runAssess(*opts); }; });
}

}  // namespace recap::cli
