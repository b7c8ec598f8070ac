// report.html of recap assess: the key images of every lesion at every timepoint, the SPD plot and
// the page, from the assessment.json object and the images the assessment was made on.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "recap/report/key_image.h"

namespace recap::report {

struct TimepointImages {
  const Volume* ct = nullptr;              // required
  const Volume* pet = nullptr;             // may be null
  std::vector<KeyImageInput> lesions;      // in the order of the json's lesions
};

struct ReportOptions {
  std::string generator;                   // e.g. "recap 0.1.0", shown in the header
  KeyImageOptions key_image;               // suv_scale_max is set per timepoint (below)
  double min_suv_scale = 5;                // PET scale: SUV 0 .. max(min_suv_scale,
  double liver_factor = 2;                 //   liver_factor x the timepoint's liver SUVmean)
};

struct Report {
  std::string html;
  int images = 0;                          // <img> elements in the page
};

// Throws recap::Error when the inputs do not match (timepoints, lesions) or an image cannot be made.
Report renderReport(const nlohmann::ordered_json& assessment, const std::vector<TimepointImages>& timepoints,
                    const ReportOptions& options = {});

}  // namespace recap::report
