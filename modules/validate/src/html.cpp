#include "recap/validate/html.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "recap/core/text.h"
#include "recap/validate/stats.h"

using nlohmann::ordered_json;

namespace recap::validate {

namespace {

const char* kStyle = R"css(
body { font-family: sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; font-size: 0.9em; margin: 0.5em 0 1em 0; }
th, td { border: 1px solid #ccc; padding: 3px 7px; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.diag { background: #e6f4e6; }
td.off { background: #fbe3e3; }
.pass { color: #080; font-weight: bold; } .fail { color: #c00; font-weight: bold; }
.plots { display: flex; flex-wrap: wrap; gap: 16px; }
.worst { margin: 0.6em 0 1.2em 0; }
.pair { display: flex; flex-wrap: wrap; gap: 12px; }
.note { color: #555; font-size: 0.9em; }
)css";

std::string val(const ordered_json& v) {
  if (v.is_null()) return "n/a";
  if (v.is_string()) return htmlEscape(v.get<std::string>());
  return htmlEscape(v.dump());
}

std::string num(double v, int decimals) {
  char b[48];
  std::snprintf(b, sizeof b, "%.*f", decimals, v);
  return b;
}

std::vector<std::pair<double, double>> valuePairs(const Validation& v, std::optional<double> LesionRecord::*member,
                                                  std::optional<double> LesionPair::*error) {
  std::vector<std::pair<double, double>> out;
  for (const auto& p : v.lesions)
    if (p.*error && p.reference && p.recap && (*p.reference).*member && (*p.recap).*member)
      out.push_back({*((*p.reference).*member), *((*p.recap).*member)});
  return out;
}

void confusionTable(std::ostringstream& h, const ordered_json& j, const std::string& caption) {
  h << "<table class=\"confusion\" data-name=\"" << htmlEscape(caption) << "\"><tr><th>reference \\ recap</th>";
  for (const auto& c : j["categories"]) h << "<th>" << val(c) << "</th>";
  h << "</tr>\n";
  for (size_t i = 0; i < j["categories"].size(); ++i) {
    h << "<tr><th>" << val(j["categories"][i]) << "</th>";
    for (size_t k = 0; k < j["categories"].size(); ++k) {
      const long n = j["confusion"][i][k].get<long>();
      h << "<td class=\"num " << (i == k ? "diag" : n > 0 ? "off" : "") << "\">" << n << "</td>";
    }
    h << "</tr>\n";
  }
  h << "</table>\n";
}

}  // namespace

std::string blandAltmanSvg(const std::vector<std::pair<double, double>>& pairs, const std::string& title, const std::string& unit) {
  const int w = 420, h = 300, left = 60, right = 15, top = 30, bottom = 45;
  std::ostringstream s;
  s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << w << "\" height=\"" << h << "\" viewBox=\"0 0 " << w << " " << h
    << "\" class=\"bland-altman\" data-points=\"" << pairs.size() << "\">\n<rect width=\"" << w << "\" height=\"" << h
    << "\" fill=\"#fff\" stroke=\"#ccc\"/>\n<text x=\"" << w / 2 << "\" y=\"18\" text-anchor=\"middle\" font-size=\"13\">"
    << htmlEscape(title) << "</text>\n";
  if (pairs.empty()) {
    s << "<text x=\"" << w / 2 << "\" y=\"" << h / 2 << "\" text-anchor=\"middle\" font-size=\"12\">nothing to compare</text>\n</svg>\n";
    return s.str();
  }
  std::vector<double> diffs;
  double xmin = 1e300, xmax = -1e300;
  for (const auto& [ref, rec] : pairs) {
    diffs.push_back(rec - ref);
    xmin = std::min(xmin, (ref + rec) / 2);
    xmax = std::max(xmax, (ref + rec) / 2);
  }
  const ErrorSummary e = *summarizeErrors(diffs);
  double ymax = std::max({std::fabs(e.bland_altman.loa_low), std::fabs(e.bland_altman.loa_high), e.max_abs_error, 1e-3}) * 1.15;
  if (xmax - xmin < 1e-9) {
    xmin -= 1;
    xmax += 1;
  }
  const double pad = (xmax - xmin) * 0.05;
  xmin -= pad;
  xmax += pad;
  auto X = [&](double x) { return left + (x - xmin) / (xmax - xmin) * (w - left - right); };
  auto Y = [&](double y) { return top + (ymax - y) / (2 * ymax) * (h - top - bottom); };
  s << "<line x1=\"" << left << "\" y1=\"" << num(Y(0), 1) << "\" x2=\"" << w - right << "\" y2=\"" << num(Y(0), 1)
    << "\" stroke=\"#999\"/>\n";
  auto hline = [&](double y, const char* colour, const char* dash, const std::string& label) {
    s << "<line x1=\"" << left << "\" y1=\"" << num(Y(y), 1) << "\" x2=\"" << w - right << "\" y2=\"" << num(Y(y), 1)
      << "\" stroke=\"" << colour << "\"" << (dash[0] ? std::string(" stroke-dasharray=\"") + dash + "\"" : "") << "/>\n"
      << "<text x=\"" << w - right - 2 << "\" y=\"" << num(Y(y) - 3, 1) << "\" text-anchor=\"end\" font-size=\"10\" fill=\""
      << colour << "\">" << htmlEscape(label) << "</text>\n";
  };
  hline(e.bland_altman.bias, "#1f77b4", "", "bias " + num(e.bland_altman.bias, 2));
  hline(e.bland_altman.loa_high, "#d62728", "5,4", "+1.96 SD " + num(e.bland_altman.loa_high, 2));
  hline(e.bland_altman.loa_low, "#d62728", "5,4", "-1.96 SD " + num(e.bland_altman.loa_low, 2));
  for (const auto& [ref, rec] : pairs)
    s << "<circle cx=\"" << num(X((ref + rec) / 2), 1) << "\" cy=\"" << num(Y(rec - ref), 1)
      << "\" r=\"3.5\" fill=\"#333\" fill-opacity=\"0.7\"/>\n";
  // Axes and their labels.
  s << "<line x1=\"" << left << "\" y1=\"" << top << "\" x2=\"" << left << "\" y2=\"" << h - bottom << "\" stroke=\"#333\"/>\n"
    << "<line x1=\"" << left << "\" y1=\"" << h - bottom << "\" x2=\"" << w - right << "\" y2=\"" << h - bottom
    << "\" stroke=\"#333\"/>\n";
  for (double y : {-ymax / 1.15, 0.0, ymax / 1.15})
    s << "<text x=\"" << left - 4 << "\" y=\"" << num(Y(y) + 4, 1) << "\" text-anchor=\"end\" font-size=\"10\">" << num(y, 2)
      << "</text>\n";
  for (double x : {xmin + pad, (xmin + xmax) / 2, xmax - pad})
    s << "<text x=\"" << num(X(x), 1) << "\" y=\"" << h - bottom + 14 << "\" text-anchor=\"middle\" font-size=\"10\">" << num(x, 1)
      << "</text>\n";
  s << "<text x=\"" << (left + w - right) / 2 << "\" y=\"" << h - 8 << "\" text-anchor=\"middle\" font-size=\"11\">mean of recap and reference ("
    << htmlEscape(unit) << ")</text>\n<text x=\"14\" y=\"" << (top + h - bottom) / 2 << "\" text-anchor=\"middle\" font-size=\"11\" transform=\"rotate(-90 14 "
    << (top + h - bottom) / 2 << ")\">recap - reference (" << htmlEscape(unit) << ")</text>\n</svg>\n";
  return s.str();
}

std::vector<KeyImage> keyImagesFromReport(const std::string& html, const std::string& timepoint, const std::string& lesion_id) {
  std::vector<KeyImage> out;
  const size_t section = html.find("id=\"tp-" + htmlEscape(timepoint) + "\"");
  if (section == std::string::npos) return out;
  const size_t end = html.find("</section>", section);
  const size_t lesion = html.find("<div class=\"lesion\" data-lesion=\"" + htmlEscape(lesion_id) + "\"", section);
  if (lesion == std::string::npos || (end != std::string::npos && lesion > end)) return out;
  const size_t lesion_end = html.find("<div class=\"lesion\"", lesion + 1);
  for (size_t p = html.find("<img src=\"", lesion); p != std::string::npos && p < std::min(lesion_end, end);
       p = html.find("<img src=\"", p + 1)) {
    const size_t a = p + 10, b = html.find('"', a);
    if (b == std::string::npos) break;
    KeyImage k;
    k.src = html.substr(a, b - a);
    if (k.src.rfind("data:image/png;base64,", 0) != 0) continue;  // only embedded images
    const size_t alt = html.find("alt=\"", b);
    if (alt != std::string::npos && alt < html.find('>', b)) k.alt = html.substr(alt + 5, html.find('"', alt + 5) - alt - 5);
    k.alt.erase(std::remove_if(k.alt.begin(), k.alt.end(), [](char c) { return c == '<' || c == '>' || c == '"'; }), k.alt.end());
    out.push_back(k);
  }
  return out;
}

std::string renderHtml(const HtmlInput& in) {
  const ordered_json& j = *in.validation;
  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>recap validation</title>\n<style>"
    << kStyle << "</style>\n</head>\n<body>\n<h1>recap validation</h1>\n<p class=\"note\">" << htmlEscape(in.generator)
    << "; reference: ";
  for (size_t i = 0; i < j["reference"].size(); ++i) h << (i ? ", " : "") << val(j["reference"][i]);
  h << "; results: " << val(j["results"]) << "; " << val(j["patients"]) << " patients, " << val(j["timepoints"])
    << " timepoints (" << val(j["timepoints_not_in_results"]) << " not in the results)</p>\n";

  if (j.contains("checks") && !j["checks"].empty()) {
    h << "<h2>Acceptance checks: <span class=\"" << (j["passed"].get<bool>() ? "pass\">passed" : "fail\">failed")
      << "</span></h2>\n<table class=\"checks\"><tr><th>figure</th><th>value</th><th>bound</th><th>result</th></tr>\n";
    for (const auto& c : j["checks"]) {
      std::string bound;
      if (!c["min"].is_null()) bound += "&ge; " + val(c["min"]);
      if (!c["max"].is_null()) bound += std::string(bound.empty() ? "" : ", ") + "&le; " + val(c["max"]);
      h << "<tr><td>" << val(c["metric"]) << "</td><td class=\"num\">" << val(c["value"]) << "</td><td>" << bound
        << "</td><td class=\"" << (c["passed"].get<bool>() ? "pass\">pass" : "fail\">FAIL") << "</td></tr>\n";
    }
    h << "</table>\n";
  }

  h << "<h2>Measurements (recap &minus; reference)</h2>\n<table class=\"errors\"><tr><th>figure</th><th>n</th><th>mean error</th>"
       "<th>SD</th><th>median |error|</th><th>95th pct |error|</th><th>max |error|</th><th>limits of agreement</th></tr>\n";
  for (const auto& [k, label] : std::vector<std::pair<const char*, const char*>>{
           {"ldi_mm", "LDi (mm)"}, {"sdi_mm", "SDi (mm)"}, {"ppd_mm2", "PPD (mm&sup2;)"}, {"spd_mm2", "SPD (mm&sup2;, per timepoint)"},
           {"suv_max", "SUVmax"}}) {
    const ordered_json& s = j[k];
    h << "<tr data-figure=\"" << k << "\"><td>" << label << "</td><td class=\"num\">" << val(s["n"]) << "</td><td class=\"num\">"
      << val(s["mean_error"]) << "</td><td class=\"num\">" << val(s["sd"]) << "</td><td class=\"num\">" << val(s["median_abs_error"])
      << "</td><td class=\"num\">" << val(s["p95_abs_error"]) << "</td><td class=\"num\">" << val(s["max_abs_error"])
      << "</td><td class=\"num\">" << val(s["bland_altman"]["loa_low"]) << " .. " << val(s["bland_altman"]["loa_high"])
      << "</td></tr>\n";
  }
  h << "</table>\n<p class=\"note\">Diameters are compared where both recap and the reference measured the lesion.</p>\n";
  h << "<h3>Masks</h3>\n<p class=\"masks\">";
  if (j["masks"]["reference"].get<long>() == 0)
    h << "No reference masks (a DICOM SEG given as --reference): no Dice or Hausdorff distance.";
  else
    h << val(j["masks"]["reference"]) << " reference masks, " << val(j["masks"]["not_in_results"])
      << " without a mask of recap's (recap assess --dicom-out writes them). Dice: n " << val(j["dice"]["n"]) << ", mean "
      << val(j["dice"]["mean"]) << ", median " << val(j["dice"]["median"]) << ", min " << val(j["dice"]["min"])
      << ". Hausdorff distance (mm): n " << val(j["hausdorff_mm"]["n"]) << ", mean " << val(j["hausdorff_mm"]["mean"])
      << ", median " << val(j["hausdorff_mm"]["median"]) << ", 95th percentile " << val(j["hausdorff_mm"]["p95"]) << ", max "
      << val(j["hausdorff_mm"]["max"]) << ".";
  h << "</p>\n";
  h << "<div class=\"plots\">\n"
    << blandAltmanSvg(valuePairs(*in.pairs, &LesionRecord::ldi_mm, &LesionPair::ldi_error), "Bland-Altman: LDi", "mm")
    << blandAltmanSvg(valuePairs(*in.pairs, &LesionRecord::sdi_mm, &LesionPair::sdi_error), "Bland-Altman: SDi", "mm")
    << blandAltmanSvg(valuePairs(*in.pairs, &LesionRecord::ppd_mm2, &LesionPair::ppd_error), "Bland-Altman: PPD", "mm2")
    << "</div>\n";

  const ordered_json& r = j["ct_response"];
  h << "<h2>CT response (Lugano)</h2>\n<p>n = " << val(r["n"]) << ", agreement " << val(r["agreement"]) << ", Cohen's kappa "
    << val(r["kappa"]) << "; read on one side only: " << val(r["unpaired"]) << "</p>\n";
  confusionTable(h, r, "ct_response");
  const ordered_json& d = j["deauville"];
  h << "<h2>Deauville</h2>\n<p>n = " << val(d["n"]) << ", agreement " << val(d["agreement"]) << ", weighted kappa (linear) "
    << val(d["weighted_kappa"]) << ", quadratic " << val(d["quadratic_weighted_kappa"]) << "; read on one side only: "
    << val(d["unpaired"]) << "</p>\n";
  confusionTable(h, d, "deauville");

  h << "<h2>Lesions</h2>\n<table class=\"detection\"><tr>";
  for (const auto& [k, v] : j["lesions"].items()) h << "<th>" << htmlEscape(k) << "</th>";
  h << "</tr><tr>";
  for (const auto& [k, v] : j["lesions"].items()) h << "<td class=\"num\">" << val(v) << "</td>";
  h << "</tr></table>\n";

  h << "<h2>Worst cases</h2>\n";
  if (j["worst"].empty()) h << "<p>recap and the reference agree everywhere.</p>\n";
  for (size_t i = 0; i < j["worst"].size(); ++i) {
    const ordered_json& w = j["worst"][i];
    h << "<div class=\"worst\"><h3>" << val(w["patient_id"]) << " " << val(w["timepoint"])
      << (w["lesion_id"].is_null() ? "" : " " + val(w["lesion_id"])) << "</h3>\n<p>" << val(w["what"]) << "</p>\n";
    if (i < in.worst_images.size() && !in.worst_images[i].empty()) {
      h << "<div class=\"pair\">";
      for (const KeyImage& k : in.worst_images[i])
        h << "<img src=\"" << htmlEscape(k.src) << "\" alt=\"" << k.alt << "\">";  // alt is already escaped in report.html
      h << "</div>\n";
    } else {
      h << "<p class=\"note\">no key image (no report.html for this case, or the lesion is not in it)</p>\n";
    }
    h << "</div>\n";
  }
  h << "</body>\n</html>\n";
  return h.str();
}

}  // namespace recap::validate
