// recap info PATH [--json]: what ingestion finds in a folder and what recap would use.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <iostream>

#include "commands.h"
#include "recap/core/error.h"
#include "recap/dicom/geometry.h"
#include "recap/dicom/index.h"
#include "recap/export/describe.h"

namespace recap::cli {

namespace {

struct InfoOptions {
  std::string path;
  bool json = false;
};

std::string geometryText(const dicom::Series& s) {
  if (s.modality != "CT" && s.modality != "PT") return "";
  const dicom::Geometry g = dicom::analyzeGeometry(s);
  if (!g.regular()) return "NOT A REGULAR VOLUME: " + g.problem;
  char buf[160];
  std::snprintf(buf, sizeof buf, "%dx%dx%d  %.2fx%.2fx%.2f mm", g.size[0], g.size[1], g.size[2], g.spacing[0],
                g.spacing[1], g.spacing[2]);
  return buf;
}

void printText(const dicom::Index& index) {
  std::printf("%s: %zu files, %zu DICOM instances, %zu non-DICOM skipped, %zu unreadable\n",
              index.root.string().c_str(), index.files_seen, index.dicom_instances, index.skipped_non_dicom,
              index.unreadable.size());
  for (const auto& u : index.unreadable) std::printf("  unreadable: %s: %s\n", u.path.string().c_str(), u.problem.c_str());
  for (const auto& st : index.studies) {
    std::printf("\nPatient %s  study %s %s  '%s'\n  %s\n", st.patient_id.c_str(), st.date.c_str(), st.time.c_str(),
                st.description.c_str(), st.uid.c_str());
    for (size_t i = 0; i < st.series.size(); ++i) {
      const auto& s = st.series[i];
      const char* mark = (st.selected_ct == i || st.selected_pet == i) ? "*" : " ";
      std::printf("  %s %4s %-3s %-10s %4zu  %-28s %s\n", mark,
                  s.first().series_number ? std::to_string(*s.first().series_number).c_str() : "-", s.modality.c_str(),
                  dicom::roleName(s.role), s.instances.size(), s.first().series_description.substr(0, 28).c_str(),
                  geometryText(s).c_str());
    }
    std::printf("  CT:  %s\n  PET: %s\n", st.ct_selection_reason.c_str(), st.pet_selection_reason.c_str());
    if (st.selected_pet) {
      const auto desc = exporter::describeSeries(st.series[*st.selected_pet]);
      if (desc["suv"].is_null()) {
        std::printf("  SUV: not available: %s\n", desc["suv_error"].get<std::string>().c_str());
      } else {
        const auto& suv = desc["suv"];
        std::printf("  SUV: %s, factor %.6g per %s, scan %s (%s), injection %s, decay %.0f s\n",
                    suv["method"].get<std::string>().c_str(), suv["bw_factor"].get<double>(),
                    desc["units"].get<std::string>().c_str(), suv["scan_time"].get<std::string>().c_str(),
                    suv["scan_time_source"].get<std::string>().c_str(), suv["injection_time"].get<std::string>().c_str(),
                    suv["decay_s"].get<double>());
      }
    }
  }
}

int runInfo(const InfoOptions& o) {
  const dicom::Index index = dicom::indexPath(o.path);
  if (o.json) std::cout << exporter::describeIndex(index).dump(2) << std::endl;
  else printText(index);
  if (index.dicom_instances == 0) {
    if (!index.unreadable.empty())
      throw Error(ErrorCode::CorruptInput, o.path,
                  "none of the " + std::to_string(index.unreadable.size()) + " DICOM files could be read");
    throw Error(ErrorCode::NoInput, o.path,
                "no DICOM files found (" + std::to_string(index.files_seen) + " files looked at)");
  }
  return 0;
}

}  // namespace

void addInfoCommand(CLI::App& app, Action& action) {
  auto opts = std::make_shared<InfoOptions>();
  CLI::App* cmd = app.add_subcommand("info", "List the patients, studies and series in a folder, and what recap would use");
  cmd->add_option("path", opts->path, "DICOM folder (any layout) or file")->required();
  cmd->add_flag("--json", opts->json, "machine-readable output on stdout");
  cmd->callback([opts, &action] { action = [opts] { return runInfo(*opts); }; });
}

}  // namespace recap::cli
