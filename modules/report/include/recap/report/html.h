// The reviewer's HTML page: one self-contained file (images as PNG data URIs, no external
// resources) rendered from the assessment.json object itself, so that its numbers are those of
// assessment.json. Deterministic: the same inputs give the same bytes (no clock in the page).
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace recap::report {

// The images of one lesion at one timepoint, in the order of the json's lesions.
struct LesionFigure {
  std::string ct_png, fused_png;          // PNG bytes; fused_png empty without PET
  std::string ct_caption, fused_caption;  // plain text
};

struct HtmlInput {
  const nlohmann::ordered_json* assessment = nullptr;  // as written to assessment.json
  std::vector<std::vector<LesionFigure>> figures;      // [timepoint][lesion]
  std::string plot_png;                                // the SPD plot (PNG bytes)
  std::string generator;                               // e.g. "recap 0.1.0"
};

// Throws recap::Error(Internal) when the figures do not match the assessment's lesions.
std::string renderHtml(const HtmlInput& input);

std::string base64(std::string_view bytes);     // RFC 4648, with padding
std::string base64Decode(std::string_view text);  // throws recap::Error on a character outside the alphabet

}  // namespace recap::report
