// recap convert PATH --out DIR: one NIfTI per image volume (CT in HU, PET in SUVbw) with a JSON
// sidecar, as dcm2niix does for neuro data.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <set>

#include "commands.h"
#include "recap/core/error.h"
#include "recap/core/files.h"
#include "recap/dicom/index.h"
#include "recap/dicom/volume.h"
#include "recap/export/describe.h"
#include "recap/export/nifti.h"

namespace fs = std::filesystem;

namespace recap::cli {

namespace {

struct ConvertOptions {
  std::string path;
  std::string out;
  bool force = false;
  bool json = false;
  int compression_level = 6;
  std::string pet_units = "suvbw";
};

struct Job {
  const dicom::Study* study;
  const dicom::Series* series;
  bool selected;
  fs::path nifti, sidecar;
};

bool isVolumeRole(dicom::SeriesRole r) {
  return r == dicom::SeriesRole::CtVolume || r == dicom::SeriesRole::PetAc || r == dicom::SeriesRole::PetNac;
}

// Plans every output path first, so that nothing is written when any target already exists.
std::vector<Job> plan(const dicom::Index& index, const fs::path& out) {
  std::vector<Job> jobs;
  std::set<fs::path> taken;
  const bool per_study = index.studies.size() > 1;
  for (const auto& st : index.studies) {
    fs::path dir = out;
    if (per_study) dir /= (st.date.empty() ? std::string("nodate") : st.date) + "_" + st.uid.substr(st.uid.size() > 8 ? st.uid.size() - 8 : 0);
    for (size_t i = 0; i < st.series.size(); ++i) {
      const auto& s = st.series[i];
      if (!isVolumeRole(s.role)) continue;
      std::string base = exporter::volumeBaseName(s);
      fs::path nifti = dir / (base + ".nii.gz");
      for (int n = 2; taken.count(nifti); ++n) nifti = dir / (base + "_" + std::to_string(n) + ".nii.gz");
      taken.insert(nifti);
      fs::path sidecar = nifti;
      sidecar.replace_extension("").replace_extension(".json");
      jobs.push_back({&st, &s, st.selected_ct == i || st.selected_pet == i, nifti, sidecar});
    }
  }
  return jobs;
}

dicom::PetUnits petUnits(const std::string& name) {
  if (name == "sul") return dicom::PetUnits::Sul;
  if (name == "raw") return dicom::PetUnits::Raw;
  return dicom::PetUnits::SuvBw;
}

nlohmann::json convertOne(const Job& job, const ConvertOptions& o) {
  dicom::LoadOptions load;
  load.pet_units = job.series->role == dicom::SeriesRole::PetNac ? dicom::PetUnits::Raw : petUnits(o.pet_units);
  const dicom::Volume volume = dicom::loadVolume(*job.series, load);
  ensureWritableDirectory(job.nifti.parent_path());
  exporter::writeNifti(volume, job.nifti, {o.compression_level});
  nlohmann::json side = exporter::describeSeries(*job.series);
  side["units"] = volume.units;
  if (volume.suv) side["suv"] = exporter::describeSuv(*volume.suv);
  if (job.series->role == dicom::SeriesRole::PetNac)
    side["units_note"] = "not attenuation corrected: values are the series' own units, not SUV";
  side["selected"] = job.selected;
  side["study_uid"] = job.study->uid;
  side["study_date"] = job.study->date;
  side["patient_id"] = job.study->patient_id;
  side["conversion_software"] = "recap";
  side["conversion_software_version"] = RECAP_VERSION;
  writeFileAtomic(job.sidecar, side.dump(2) + "\n");
  spdlog::info("wrote {} ({}, {})", job.nifti.string(), dicom::roleName(job.series->role), volume.units);
  return {{"series_uid", job.series->uid}, {"nifti", job.nifti.string()}, {"sidecar", job.sidecar.string()},
          {"units", volume.units}, {"role", dicom::roleName(job.series->role)}, {"status", "ok"}};
}

int runConvert(const ConvertOptions& o) {
  const dicom::Index index = dicom::indexPath(o.path);
  if (index.dicom_instances == 0)
    throw Error(ErrorCode::NoInput, o.path, "no DICOM files found (" + std::to_string(index.files_seen) + " files looked at)");
  const fs::path out(o.out);
  ensureWritableDirectory(out);
  const std::vector<Job> jobs = plan(index, out);
  if (jobs.empty()) {
    // Say why each series is not a volume (a multi-frame object, no orientation, a localizer...).
    std::string why;
    for (const auto& st : index.studies)
      for (const auto& s : st.series)
        why += (why.empty() ? ": " : "; ") + s.label() + " is " + dicom::roleName(s.role) + " (" + s.role_reason + ")";
    throw Error(ErrorCode::NoInput, o.path, "no CT or PET image volume found" + why);
  }
  if (!o.force)
    for (const Job& j : jobs)
      for (const fs::path& p : {j.nifti, j.sidecar})
        if (fs::exists(p)) throw Error(ErrorCode::Output, p.string(), "already exists (use --force to overwrite)");

  // One volume failing does not stop the others; the exit code reports the first failure.
  std::optional<ErrorCode> first_failure;
  nlohmann::json results = nlohmann::json::array();
  for (const Job& job : jobs) {
    try {
      results.push_back(convertOne(job, o));
    } catch (const Error& e) {
      spdlog::error("{}", e.what());
      if (!first_failure) first_failure = e.code();
      results.push_back({{"series_uid", job.series->uid}, {"status", "failed"}, {"error", errorCodeName(e.code())},
                         {"message", e.what()}});
    }
  }
  if (o.json) std::cout << nlohmann::json{{"outputs", results}}.dump(2) << std::endl;
  return first_failure ? exitCode(*first_failure) : 0;
}

}  // namespace

void addConvertCommand(CLI::App& app, Action& action) {
  auto opts = std::make_shared<ConvertOptions>();
  CLI::App* cmd = app.add_subcommand("convert", "Write each CT and PET volume as NIfTI (.nii.gz) with a JSON sidecar");
  cmd->add_option("path", opts->path, "DICOM folder (any layout) or file")->required();
  cmd->add_option("-o,--out", opts->out, "output folder (created if needed)")->required();
  cmd->add_flag("--force", opts->force, "overwrite existing outputs");
  cmd->add_flag("--json", opts->json, "list the outputs as JSON on stdout");
  cmd->add_option("--compression-level", opts->compression_level, "gzip level, 1 (fast) to 9 (small)")
      ->check(CLI::Range(1, 9));
  cmd->add_option("--pet-units", opts->pet_units, "PET voxel units: suvbw (default), sul, raw")
      ->check(CLI::IsMember({"suvbw", "sul", "raw"}));
  cmd->callback([opts, &action] { action = [opts] { return runConvert(*opts); }; });
}

}  // namespace recap::cli
