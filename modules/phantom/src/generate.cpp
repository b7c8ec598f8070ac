// Turning a phantom spec into DICOM studies (one folder per timepoint) and their truth.
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <fstream>

#include "recap/core/error.h"
#include "recap/core/files.h"
#include "recap/phantom/spec.h"
#include "truth_json.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace recap::phantom {

namespace {

constexpr const char* kUidRoot = "1.2.826.0.1.3680043.10.1234";

// A stable number for a text (FNV-1a), so UIDs depend only on the spec.
uint64_t stableHash(const std::string& text) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
  return h;
}

std::string uid(const PhantomSpec& spec, size_t t, int kind) {
  return std::string(kUidRoot) + "." + std::to_string(stableHash(spec.patient.id + "/" + spec.name) % 100000000ull) +
         "." + std::to_string(t + 1) + "." + std::to_string(kind);
}

int secondsOfDay(const std::string& hhmmss, const std::string& what) {
  if (hhmmss.size() < 6) throw Error(ErrorCode::CaseFile, what, "expected HHMMSS, got '" + hhmmss + "'");
  return std::stoi(hhmmss.substr(0, 2)) * 3600 + std::stoi(hhmmss.substr(2, 2)) * 60 + std::stoi(hhmmss.substr(4, 2));
}

// HHMMSS of a second of the day. The generator keeps every time of a timepoint within its study
// date: a time before midnight or after it would need the date to change with it.
std::string timeOfDay(int s) {
  if (s < 0 || s >= 86400)
    throw Error(ErrorCode::CaseFile, "scan_time",
                "the scan, injection and series times of a timepoint must fall within its study date; "
                "one falls " + std::to_string(s < 0 ? -s : s - 86400) + " s " + (s < 0 ? "before" : "after") +
                " it (move scan_time or uptake_min)");
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d%02d%02d", s / 3600, (s / 60) % 60, s % 60);
  return buf;
}

// Times of one timepoint's PET, and the dose left at the scan start.
struct PetTiming {
  std::string scan_time, injection_time;
  double decayed_dose_bq = 0;
  double bq_per_suv = 0;  // Bq/ml of 1 SUVbw
};

PetTiming timing(const TimepointSpec& tp, const PatientInfo& patient) {
  PetTiming t;
  const int scan = secondsOfDay(tp.scan_time, tp.label + ".scan_time");
  const int injection = scan - static_cast<int>(std::lround(tp.injection.uptake_min * 60));
  if (injection < 0) throw Error(ErrorCode::CaseFile, tp.label, "injection before midnight is not supported by the generator");
  t.scan_time = timeOfDay(scan);
  t.injection_time = timeOfDay(injection);
  t.decayed_dose_bq = tp.injection.dose_mbq * 1e6 * std::pow(2.0, -(scan - injection) / tp.injection.half_life_s);
  if (!patient.weight_kg || *patient.weight_kg <= 0)
    throw Error(ErrorCode::CaseFile, "patient.weight_kg", "a phantom PET needs the patient's weight");
  t.bq_per_suv = t.decayed_dose_bq / (*patient.weight_kg * 1000.0);
  return t;
}

SeriesSpec seriesFrom(const Volume& v, const std::string& series_uid, const std::string& for_uid) {
  SeriesSpec s;
  s.series_uid = series_uid;
  s.frame_of_reference_uid = for_uid;
  s.cols = v.cols;
  s.rows = v.rows;
  s.slices = v.slices;
  s.row_spacing_mm = s.col_spacing_mm = v.pixel_mm;
  s.slice_spacing_mm = s.slice_thickness_mm = v.slice_mm;
  s.orientation = v.orientation;
  s.first_position = v.origin_mm;
  return s;
}

const char* manufacturer(PetVendor v) {
  switch (v) {
    case PetVendor::Siemens: return "SIEMENS";
    case PetVendor::Ge: return "GE MEDICAL SYSTEMS";
    case PetVendor::Philips:
    case PetVendor::PhilipsActivity: return "Philips Medical Systems";
  }
  return "";
}

struct SeriesSet {
  std::string ct_uid, pet_uid, nac_uid, localizer_uid;
};

void writeCt(const Rendered& r, const TimepointSpec& tp, const PhantomSpec& spec, size_t t, const SeriesSet& uids,
             const StudyInfo& study, const fs::path& dir) {
  SeriesSpec s = seriesFrom(r.ct, uids.ct_uid, uid(spec, t, 9));
  s.modality = "CT";
  s.series_number = 2;
  s.series_description = "CT WB " + std::to_string(r.ct.slice_mm).substr(0, 3) + "mm soft tissue";
  s.manufacturer = manufacturer(tp.encoding.vendor);
  s.model = "phantom";
  s.convolution_kernel = tp.encoding.vendor == PetVendor::Ge ? "STANDARD" : "B30f";
  s.patient_position = tp.ct.feet_first ? "FFS" : "HFS";
  s.series_date = s.acquisition_date = tp.date;
  s.series_time = tp.scan_time;
  s.acquisition_times = {tp.scan_time};
  s.pixel_signed = tp.encoding.ct_signed;
  s.bits_stored = tp.encoding.ct_signed ? 16 : 12;
  s.rescale_intercept = tp.encoding.ct_signed ? 0.0 : -1024.0;
  s.naming = tp.encoding.naming;
  s.seed = static_cast<unsigned>(spec.seed + t * 7 + 1);
  writeSeries(s, spec.patient, study, r.ct.values, dir);
}

// A coronal localizer through the middle of the CT field of view.
void writeLocalizer(const Rendered& r, const TimepointSpec& tp, const PhantomSpec& spec, size_t t, const SeriesSet& uids,
                    const StudyInfo& study, const fs::path& dir) {
  const Volume& ct = r.ct;
  SeriesSpec s;
  s.series_uid = uids.localizer_uid;
  s.frame_of_reference_uid = uid(spec, t, 9);
  s.series_number = 1;
  s.series_description = "Topogram";
  s.image_type = "ORIGINAL\\PRIMARY\\LOCALIZER";
  s.manufacturer = manufacturer(tp.encoding.vendor);
  s.cols = ct.cols;
  s.rows = ct.slices;
  s.slices = 1;
  s.col_spacing_mm = ct.pixel_mm;
  s.row_spacing_mm = ct.slice_mm;
  const bool head_down = ct.orientation[0] < 0;  // feet first: slice 0 is the top already
  const int mid = ct.rows / 2;
  const Vec3 top = ct.voxelCentre(0, mid, head_down ? 0 : ct.slices - 1);
  s.orientation = {ct.orientation[0], 0, 0, 0, 0, -1};
  s.first_position = top;
  s.series_date = s.acquisition_date = tp.date;
  s.series_time = tp.scan_time;
  std::vector<float> values;
  values.reserve(static_cast<size_t>(s.cols) * s.rows);
  for (int row = 0; row < s.rows; ++row) {
    const int k = head_down ? row : ct.slices - 1 - row;
    for (int c = 0; c < s.cols; ++c) values.push_back(ct.values[(static_cast<size_t>(k) * ct.rows + mid) * ct.cols + c]);
  }
  writeSeries(s, spec.patient, study, values, dir);
}

// PET in the vendor's encoding: returns the SUV per rescaled pixel unit that a correct reader
// must find (the truth for the SUV factor).
double writePet(const Rendered& r, const TimepointSpec& tp, const PhantomSpec& spec, size_t t, const SeriesSet& uids,
                const StudyInfo& study, const PetTiming& time, const fs::path& dir, bool nac) {
  SeriesSpec s = seriesFrom(r.pet, nac ? uids.nac_uid : uids.pet_uid, uid(spec, t, 9));
  s.modality = "PT";
  s.series_number = nac ? 4 : 3;
  s.series_description = nac ? "PET WB NAC" : "PET WB AC";
  s.manufacturer = manufacturer(tp.encoding.vendor);
  s.model = "phantom";
  s.patient_position = tp.pet.feet_first ? "FFS" : "HFS";
  // DCMTK's near-lossless JPEG-LS encoder takes unsigned pixels only; PET values are >= 0.
  s.pixel_signed = tp.encoding.syntax != Syntax::JpegLsNearLossless;
  s.per_slice_slope = true;
  s.naming = tp.encoding.naming;
  s.seed = static_cast<unsigned>(spec.seed + t * 7 + (nac ? 3 : 2));
  s.series_date = s.acquisition_date = tp.date;
  s.series_time = tp.scan_time;
  s.acquisition_times = {tp.scan_time};
  PetInfo pet;
  pet.start_time = time.injection_time;
  pet.total_dose_bq = tp.injection.dose_mbq * 1e6;
  pet.half_life_s = tp.injection.half_life_s;
  if (nac) pet.corrected_image = "DECY\\RAN\\NORM";
  std::vector<float> values(r.pet.values.size());
  double suv_per_unit = 1.0 / time.bq_per_suv;
  const PetVendor vendor = nac ? PetVendor::Siemens : tp.encoding.vendor;
  switch (vendor) {
    case PetVendor::Siemens: break;
    case PetVendor::Ge: {
      // Post-processed series: SeriesTime rewritten 40 min later, images stamped with the second
      // bed position's start; only the private scan datetime gives the true scan start.
      const int scan = secondsOfDay(tp.scan_time, tp.label);
      s.series_time = timeOfDay(scan + 40 * 60);
      s.acquisition_times = {timeOfDay(scan + 4 * 60)};
      pet.ge_scan_datetime = tp.date + tp.scan_time;
      break;
    }
    case PetVendor::Philips:
    case PetVendor::PhilipsActivity: {
      pet.units = "CNTS";
      suv_per_unit = 1.0 / 2500.0;  // 1 SUV = 2500 counts
      pet.philips_activity_factor = suv_per_unit * time.bq_per_suv;  // Bq/ml per count
      if (vendor == PetVendor::Philips) pet.philips_suv_factor = suv_per_unit;
      break;
    }
  }
  // NAC: no attenuation correction leaves the centre of the body too dark; a plain scale is
  // enough for recap, which must only recognise and skip it.
  const double scale = (nac ? 0.55 : 1.0) / suv_per_unit;
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(r.pet.values[i] * scale);
  s.pet = pet;
  writeSeries(s, spec.patient, study, values, dir);
  return suv_per_unit;
}

void writeJunk(const fs::path& dir) {
  writeFileAtomic(dir / "README.TXT", "Exported by PHANTOM workstation. Not for diagnostic use.\r\n");
  writeFileAtomic(dir / "DICOM" / ".lock", "");
  writeFileAtomic(dir / "DICOM" / "Thumbs.db", std::string(512, '\0'));
}

// Writes one series folder, compressed in the timepoint's transfer syntax if it is not the
// writer's own (explicit VR little endian).
template <typename Write>
void writeMaybeCompressed(const fs::path& final_dir, Syntax syntax, Write write) {
  if (syntax == Syntax::ExplicitLittle) {
    write(final_dir);
    return;
  }
  const fs::path raw = final_dir.parent_path() / ("." + final_dir.filename().string() + ".raw");
  write(raw);
  compressFolder(raw, final_dir, syntax);
  fs::remove_all(raw);
}

TimepointTruth generateTimepoint(const PhantomSpec& spec, size_t t, const GenerateOptions& o, const fs::path& dir) {
  TimepointSpec tp = spec.timepoints[t];
  if (o.ct_pixel_mm > 0) tp.ct.pixel_mm = o.ct_pixel_mm;
  if (o.ct_matrix > 0) tp.ct.matrix = o.ct_matrix;
  if (o.ct_slice_mm > 0) tp.ct.slice_mm = o.ct_slice_mm;
  if (o.pet_pixel_mm > 0) tp.pet.pixel_mm = o.pet_pixel_mm;
  if (o.pet_matrix > 0) tp.pet.matrix = o.pet_matrix;
  if (tp.encoding.syntax == Syntax::JpegLsNearLossless && tp.encoding.ct_signed)
    throw Error(ErrorCode::CaseFile, tp.label,
                "encoding.transfer_syntax jpeg-ls-near-lossless needs encoding.ct_signed: false "
                "(the encoder takes unsigned pixels only)");
  RenderOptions ro;
  ro.seed = spec.seed * 1000 + t;
  ro.noise = o.noise;
  const Rendered r = render(spec.lesions, tp.physiology, static_cast<int>(t), tp.pose, tp.ct, tp.pet, ro);
  const PetTiming time = timing(tp, spec.patient);

  StudyInfo study;
  study.study_uid = uid(spec, t, 0);
  study.study_date = tp.date;
  study.study_time = tp.scan_time;
  study.accession = "A" + std::to_string(stableHash(study.study_uid) % 10000000);
  study.study_id = std::to_string(t + 1);
  const SeriesSet uids{uid(spec, t, 2), uid(spec, t, 3), uid(spec, t, 4), uid(spec, t, 1)};

  const fs::path dicom = dir / "DICOM";
  writeMaybeCompressed(dicom / "2", tp.encoding.syntax, [&](const fs::path& d) { writeCt(r, tp, spec, t, uids, study, d); });
  double suv_per_unit = 0;
  writeMaybeCompressed(dicom / "3", tp.encoding.syntax, [&](const fs::path& d) {
    suv_per_unit = writePet(r, tp, spec, t, uids, study, time, d, false);
  });
  if (tp.encoding.nac) writePet(r, tp, spec, t, uids, study, time, dicom / "4", true);
  if (tp.encoding.localizer) writeLocalizer(r, tp, spec, t, uids, study, dicom / "1");
  if (tp.encoding.junk) writeJunk(dir);

  json j = timepointTruthJson(spec, t, tp, r.truth);
  j["study_uid"] = study.study_uid;
  j["ct_series_uid"] = uids.ct_uid;
  j["pet_series_uid"] = uids.pet_uid;
  j["nac_series_uid"] = tp.encoding.nac ? json(uids.nac_uid) : json(nullptr);
  j["localizer_series_uid"] = tp.encoding.localizer ? json(uids.localizer_uid) : json(nullptr);
  j["pet_timing"] = {{"scan_time", time.scan_time},
                     {"injection_time", time.injection_time},
                     {"decayed_dose_bq", time.decayed_dose_bq},
                     {"suv_per_rescaled_unit", suv_per_unit}};
  j["grids"] = gridsJson(r);
  writeFileAtomic(dir / "truth.json", j.dump(2) + "\n");
  return r.truth;
}

}  // namespace

std::vector<TimepointTruth> generate(const PhantomSpec& spec, const fs::path& out, const GenerateOptions& options) {
  std::error_code ec;
  if (fs::exists(out, ec) && !fs::is_empty(out, ec))
    throw Error(ErrorCode::Output, out.string(), "output folder is not empty (use --force to replace it)");
  ensureWritableDirectory(out);
  std::vector<TimepointTruth> truths;
  json all = specJson(spec);
  all["timepoint_truth"] = json::array();
  for (size_t t = 0; t < spec.timepoints.size(); ++t) {
    const fs::path final_dir = out / spec.timepoints[t].label;
    const fs::path tmp = out / ("." + spec.timepoints[t].label + ".partial");
    fs::remove_all(tmp, ec);
    truths.push_back(generateTimepoint(spec, t, options, tmp));
    fs::rename(tmp, final_dir, ec);
    if (ec) throw Error(ErrorCode::Output, final_dir.string(), "cannot move the finished timepoint into place: " + ec.message());
    std::ifstream in(final_dir / "truth.json");
    all["timepoint_truth"].push_back(json::parse(in));
  }
  writeFileAtomic(out / "phantom.json", all.dump(2) + "\n");
  return truths;
}

}  // namespace recap::phantom
