// The reviewer's page, written from the assessment.json object: every number is the json value's
// own text (json::dump), every string from the case file or the rules is escaped.
#include "recap/report/html.h"

#include <nlohmann/json.hpp>
#include <sstream>

#include "recap/core/error.h"
#include "recap/core/text.h"

namespace recap::report {
namespace {

using json = nlohmann::ordered_json;

const char* kStyle = R"css(
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; max-width: 1400px; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; border-bottom: 1px solid #ccc; margin-top: 1.6em; }
h3 { font-size: 1.05em; margin-bottom: 0.3em; }
.note { color: #555; font-size: 0.9em; }
table { border-collapse: collapse; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 3px 7px; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.resp { font-weight: bold; }
.PD { color: #c00; } .PR, .CR { color: #080; } .SD { color: #555; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: 2px 14px; margin: 0.5em 0; }
dl.facts dt { color: #555; } dl.facts dd { margin: 0; }
ul.reasons code { color: #555; }
.lesion { margin: 0.8em 0 1.4em 0; }
.pair { display: flex; flex-wrap: wrap; gap: 12px; }
figure { margin: 0; max-width: 420px; }
figcaption { font-size: 0.8em; color: #444; margin-top: 3px; }
img { display: block; }
)css";

std::string dataUri(const std::string& png) { return "data:image/png;base64," + base64(png); }

// A json value as text: numbers exactly as assessment.json writes them, null as "n/a".
std::string val(const json& v) {
  if (v.is_null()) return "n/a";
  if (v.is_string()) return htmlEscape(v.get<std::string>());
  return htmlEscape(v.dump());
}
std::string withUnit(const json& v, const char* unit) { return v.is_null() ? "n/a" : val(v) + unit; }
std::string response(const json& tp) { return tp["ct_response"].is_null() ? "baseline" : tp["ct_response"].get<std::string>(); }

void figure(std::ostringstream& h, const std::string& png, const std::string& alt, const std::string& caption) {
  h << "<figure><img src=\"" << dataUri(png) << "\" alt=\"" << htmlEscape(alt) << "\"><figcaption>" << htmlEscape(caption)
    << "</figcaption></figure>\n";
}

}  // namespace

std::string base64(std::string_view bytes) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = unsigned(uint8_t(bytes[i])) << 16 | unsigned(uint8_t(bytes[i + 1])) << 8 | uint8_t(bytes[i + 2]);
    out += {k[v >> 18], k[(v >> 12) & 63], k[(v >> 6) & 63], k[v & 63]};
  }
  if (i + 1 == bytes.size()) {
    const unsigned v = unsigned(uint8_t(bytes[i])) << 16;
    out += {k[v >> 18], k[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    const unsigned v = unsigned(uint8_t(bytes[i])) << 16 | unsigned(uint8_t(bytes[i + 1])) << 8;
    out += {k[v >> 18], k[(v >> 12) & 63], k[(v >> 6) & 63], '='};
  }
  return out;
}

std::string base64Decode(std::string_view text) {
  std::string out;
  unsigned acc = 0;
  int bits = 0;
  size_t pad = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+') v = 62;
    else if (c == '/') v = 63;
    else if (c == '=') { ++pad; continue; }
    else throw Error(ErrorCode::CorruptInput, "", std::string("base64: unexpected character '") + c + "'");
    if (pad) throw Error(ErrorCode::CorruptInput, "", "base64: data after the padding");
    acc = (acc << 6) | unsigned(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += char((acc >> bits) & 0xff);
    }
  }
  if ((text.size() % 4) != 0 || pad > 2) throw Error(ErrorCode::CorruptInput, "", "base64: length is not a multiple of 4");
  return out;
}

std::string renderHtml(const HtmlInput& in) {
  if (!in.assessment) throw Error(ErrorCode::Internal, "", "report: no assessment given");
  const json& a = *in.assessment;
  const json& tps = a.at("timepoints");
  if (in.figures.size() != tps.size())
    throw Error(ErrorCode::Internal, "", "report: " + std::to_string(in.figures.size()) + " timepoints of images for " +
                                             std::to_string(tps.size()) + " in the assessment");
  for (size_t t = 0; t < tps.size(); ++t)
    if (in.figures[t].size() != tps[t].at("lesions").size())
      throw Error(ErrorCode::Internal, "", "report: timepoint " + std::to_string(t) + ": " +
                                               std::to_string(in.figures[t].size()) + " lesion images for " +
                                               std::to_string(tps[t].at("lesions").size()) + " lesions");
  const std::string pid = val(a.at("patient_id"));
  const std::string criteria = val(a.at("criteria").at("name")) + " " + val(a.at("criteria").at("version"));

  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>recap report: " << pid
    << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n";
  h << "<header>\n<h1>Response assessment: patient " << pid << "</h1>\n";
  h << "<p>Criteria profile <b class=\"criteria\">" << criteria << "</b> (Lugano 2014 CT response, Deauville 5-point scale on PET).</p>\n";
  h << "<p class=\"note\">Generated by " << htmlEscape(in.generator.empty() ? "recap" : in.generator)
    << " from the same values as assessment.json; measurements, responses and their reasons are recap's, for the "
       "reviewer to check. Images are in the radiological view: the patient's right on the image left, anterior up.</p>\n"
       "</header>\n";

  // Summary: one row per timepoint, and the SPD plot.
  h << "<section id=\"summary\">\n<h2>Response over time</h2>\n<table class=\"timepoints\">\n<thead><tr><th>Timepoint</th>"
       "<th>Date</th><th>CT response</th><th>Deauville</th><th>SPD (mm&sup2;)</th><th>Change from baseline</th>"
       "<th>Change from nadir</th><th>PET response</th><th>qPET</th><th>Liver SUVmean</th></tr></thead>\n<tbody>\n";
  for (const json& tp : tps) {
    const std::string r = htmlEscape(response(tp));
    h << "<tr data-timepoint=\"" << val(tp["label"]) << "\"><td class=\"label\"><a href=\"#tp-" << val(tp["label"]) << "\">"
      << val(tp["label"]) << "</a></td><td class=\"date\">" << val(tp["date"]) << "</td><td class=\"ct_response resp " << r
      << "\">" << r << "</td><td class=\"deauville num\">" << val(tp["deauville"]) << "</td><td class=\"spd_mm2 num\">"
      << val(tp["spd_mm2"]) << "</td><td class=\"spd_change_from_baseline_pct num\">"
      << withUnit(tp["spd_change_from_baseline_pct"], " %") << "</td><td class=\"spd_change_from_nadir_pct num\">"
      << withUnit(tp["spd_change_from_nadir_pct"], " %") << "</td><td class=\"pet_response\">" << val(tp["pet_response"])
      << "</td><td class=\"qpet num\">" << val(tp["qpet"]) << "</td><td class=\"liver_suv_mean num\">"
      << val(tp["liver_suv_mean"]) << "</td></tr>\n";
  }
  h << "</tbody>\n</table>\n";
  figure(h, in.plot_png, "SPD over time",
         "SPD (sum of the target lesions' products of perpendicular diameters) at each timepoint, marked with its CT response.");
  h << "</section>\n";

  // Measurements: every lesion at every timepoint.
  h << "<section id=\"measurements\">\n<h2>Measurements</h2>\n<table class=\"measurements\">\n<thead><tr><th>Timepoint</th>"
       "<th>Lesion</th><th>Kind</th><th>Status</th><th>LDi (mm)</th><th>SDi (mm)</th><th>PPD (mm&sup2;)</th>"
       "<th>SUVmax</th><th>SUVpeak</th></tr></thead>\n<tbody>\n";
  for (const json& tp : tps)
    for (const json& l : tp["lesions"]) {
      h << "<tr data-timepoint=\"" << val(tp["label"]) << "\" data-lesion=\"" << val(l["id"]) << "\"><td class=\"timepoint\">"
        << val(tp["label"]) << "</td><td class=\"id\">" << val(l["id"]) << (l["new"].get<bool>() ? " (new)" : "")
        << "</td><td class=\"kind\">" << val(l["kind"]) << "</td><td class=\"status\">" << val(l["status"]) << "</td>";
      for (const char* k : {"ldi_mm", "sdi_mm", "ppd_mm2", "suv_max", "suv_peak"})
        h << "<td class=\"" << k << " num\">" << val(l[k]) << "</td>";
      h << "</tr>\n";
    }
  h << "</tbody>\n</table>\n</section>\n";

  // Each timepoint: its reading, the reasons, and the key images of every lesion.
  for (size_t t = 0; t < tps.size(); ++t) {
    const json& tp = tps[t];
    const std::string r = htmlEscape(response(tp));
    h << "<section class=\"timepoint\" id=\"tp-" << val(tp["label"]) << "\">\n<h2>" << val(tp["label"]) << " &mdash; "
      << val(tp["date"]) << ": <span class=\"resp " << r << "\">" << r << "</span></h2>\n<dl class=\"facts\">\n";
    h << "<dt>CT response</dt><dd>" << r << "</dd>\n<dt>Deauville</dt><dd>" << val(tp["deauville"]) << "</dd>\n"
      << "<dt>SPD</dt><dd>" << withUnit(tp["spd_mm2"], " mm&sup2;") << "</dd>\n<dt>Change from baseline</dt><dd>"
      << withUnit(tp["spd_change_from_baseline_pct"], " %") << "</dd>\n<dt>Change from nadir</dt><dd>"
      << withUnit(tp["spd_change_from_nadir_pct"], " %") << "</dd>\n<dt>PET response</dt><dd>" << val(tp["pet_response"])
      << "</dd>\n<dt>qPET</dt><dd>" << val(tp["qpet"]) << "</dd>\n<dt>Liver SUVmean / SUVmax</dt><dd>"
      << val(tp["liver_suv_mean"]) << " / " << val(tp["liver_suv_max"]) << "</dd>\n<dt>Blood pool SUVmean</dt><dd>"
      << val(tp["blood_pool_suv_mean"]) << "</dd>\n<dt>Spleen length</dt><dd>" << withUnit(tp["spleen_length_mm"], " mm")
      << "</dd>\n</dl>\n<h3>Reasons</h3>\n<ul class=\"reasons\">\n";
    for (const json& rs : tp["response_reasons"])
      h << "<li><code>" << val(rs["rule"]) << "</code> " << val(rs["text"]) << "</li>\n";
    h << "</ul>\n<h3>Key images</h3>\n";
    const json& ls = tp["lesions"];
    for (size_t i = 0; i < ls.size(); ++i) {
      const json& l = ls[i];
      const LesionFigure& f = in.figures[t][i];
      h << "<div class=\"lesion\" data-lesion=\"" << val(l["id"]) << "\">\n<h4>" << val(l["id"]) << " (" << val(l["kind"]) << ", "
        << val(l["status"]) << (l["new"].get<bool>() ? ", new" : "") << "): LDi " << withUnit(l["ldi_mm"], " mm") << ", SDi "
        << withUnit(l["sdi_mm"], " mm") << ", SUVmax " << val(l["suv_max"]) << "</h4>\n<div class=\"pair\">\n";
      figure(h, f.ct_png, l["id"].get<std::string>() + " " + tp["label"].get<std::string>() + " CT", f.ct_caption);
      if (!f.fused_png.empty())
        figure(h, f.fused_png, l["id"].get<std::string>() + " " + tp["label"].get<std::string>() + " PET/CT", f.fused_caption);
      else
        h << "<p class=\"note nopet\">" << htmlEscape(f.fused_caption) << "</p>\n";
      h << "</div>\n</div>\n";
    }
    h << "</section>\n";
  }
  h << "</body>\n</html>\n";
  return h.str();
}

}  // namespace recap::report
