// validation.html: one self-contained page (inline SVG plots, images as data URIs, no scripts or
// external resources) with the checks, the error summaries, Bland-Altman plots, the confusion
// matrices, lesion detection, and the worst cases with their key images.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "recap/validate/compare.h"

namespace recap::validate {

struct KeyImage {
  std::string src;  // a data: URI, as found in the case's report.html
  std::string alt;
};

struct HtmlInput {
  const nlohmann::ordered_json* validation = nullptr;  // as written to validation.json
  const Validation* pairs = nullptr;                    // the pairs behind it (for the plots)
  std::vector<std::vector<KeyImage>> worst_images;      // per entry of validation["worst"]; may be empty
  std::string generator;                                // e.g. "recap 0.1.0"
};

std::string renderHtml(const HtmlInput& input);

// A Bland-Altman plot as inline SVG: difference (recap - reference) against the mean of the two,
// with the bias and the limits of agreement. `pairs` are (reference, recap).
std::string blandAltmanSvg(const std::vector<std::pair<double, double>>& pairs, const std::string& title, const std::string& unit);

// The key images (CT, then PET/CT) of `lesion_id` at `timepoint` in a report.html written by recap
// assess: the src attributes of the <img> elements of that lesion in that timepoint's section.
// Empty when the page does not hold them.
std::vector<KeyImage> keyImagesFromReport(const std::string& report_html, const std::string& timepoint,
                                          const std::string& lesion_id);

}  // namespace recap::validate
