#include "recap/batch/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>

#include "recap/core/text.h"

namespace recap::batch {

namespace {

std::optional<double> number(const std::string& s) {
  if (s.empty()) return std::nullopt;
  try {
    size_t used = 0;
    const double v = std::stod(s, &used);
    if (used != s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string f1(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", v);
  return b;
}

// Lower is better: CR, PR, SD, IR (LYRIC), PD.
int rank(const std::string& r) {
  static const std::map<std::string, int> ranks = {{"CR", 0}, {"PR", 1}, {"SD", 2}, {"IR", 3}, {"PD", 4}};
  const auto it = ranks.find(r);
  return it == ranks.end() ? 5 : it->second;
}

const char* colour(const std::string& r) {
  switch (rank(r)) {
    case 0: return "#1a9850";
    case 1: return "#91cf60";
    case 2: return "#fee08b";
    case 3: return "#fc8d59";
    case 4: return "#d73027";
    default: return "#999999";
  }
}

struct CaseSeries {
  std::string name;
  std::vector<std::pair<double, double>> points;  // (x, SPD change %), baseline (0, 0) first
  std::optional<double> best_change;
  std::string best_response, last_response;
  bool days = true;  // x in days (else timepoint index)
};

std::map<std::string, CaseSeries> seriesOf(const std::vector<SummaryRow>& rows) {
  std::map<std::string, CaseSeries> out;
  for (const auto& r : rows) {
    if (r.status != "ok") continue;
    CaseSeries& s = out[r.case_name];
    s.name = r.case_name;
    const auto days = number(r.days_from_baseline);
    if (!days) s.days = false;
    const double idx = number(r.timepoint_index).value_or(0);
    const auto change = r.timepoint_index == "0" ? std::optional<double>(0.0) : number(r.spd_change_from_baseline_pct);
    if (change) s.points.push_back({days ? *days : idx, *change});
    if (r.timepoint_index != "0") {
      if (change && (!s.best_change || *change < *s.best_change)) s.best_change = change;
      if (!r.ct_response.empty()) {
        if (s.best_response.empty() || rank(r.ct_response) < rank(s.best_response)) s.best_response = r.ct_response;
        s.last_response = r.ct_response;
      }
    }
  }
  return out;
}

constexpr double kW = 720, kH = 320, kLeft = 56, kRight = 16, kTop = 16, kBottom = 40;

double clampPct(double v) { return std::max(-100.0, std::min(200.0, v)); }

std::string axisY(double lo, double hi, const std::function<double(double)>& y) {
  std::string s;
  for (double v = std::ceil(lo / 50) * 50; v <= hi + 1e-9; v += 50) {
    const bool ref = v == -50 || v == 50, zero = v == 0;
    s += "<line x1='" + f1(kLeft) + "' x2='" + f1(kW - kRight) + "' y1='" + f1(y(v)) + "' y2='" + f1(y(v)) +
         "' stroke='" + std::string(zero ? "#000" : ref ? "#555" : "#ddd") + "'" +
         (ref ? " stroke-dasharray='6 4'" : "") + "/>";
    s += "<text x='" + f1(kLeft - 6) + "' y='" + f1(y(v) + 4) + "' text-anchor='end' font-size='11'>" +
         (v > 0 ? "+" : "") + f1(v).substr(0, f1(v).size() - 2) + " %</text>";
  }
  return s;
}

std::string waterfall(const std::map<std::string, CaseSeries>& all) {
  std::vector<const CaseSeries*> bars;
  for (const auto& [n, s] : all)
    if (s.best_change) bars.push_back(&s);
  if (bars.empty()) return "<p>No case with a follow-up: no waterfall plot.</p>";
  std::sort(bars.begin(), bars.end(), [](const CaseSeries* a, const CaseSeries* b) {
    return *a->best_change != *b->best_change ? *a->best_change > *b->best_change : a->name < b->name;
  });
  double hi = 60, lo = -100;
  for (const auto* b : bars) hi = std::max(hi, clampPct(*b->best_change));
  auto y = [&](double v) { return kTop + (hi - v) / (hi - lo) * (kH - kTop - kBottom); };
  std::string s = "<svg xmlns='http://www.w3.org/2000/svg' width='" + f1(kW) + "' height='" + f1(kH) +
                  "' role='img' aria-label='waterfall plot'>" + axisY(lo, hi, y);
  const double slot = (kW - kLeft - kRight) / double(bars.size());
  for (size_t i = 0; i < bars.size(); ++i) {
    const double v = clampPct(*bars[i]->best_change), x = kLeft + slot * double(i) + slot * 0.1;
    const double top = std::min(y(v), y(0)), h = std::max(1.0, std::fabs(y(v) - y(0)));
    s += "<rect x='" + f1(x) + "' y='" + f1(top) + "' width='" + f1(slot * 0.8) + "' height='" + f1(h) + "' fill='" +
         colour(bars[i]->best_response) + "' stroke='#333' stroke-width='0.5'><title>" + htmlEscape(bars[i]->name) +
         ": best SPD change " + f1(*bars[i]->best_change) + " %, best response " +
         htmlEscape(bars[i]->best_response.empty() ? "-" : bars[i]->best_response) + "</title></rect>";
    if (bars.size() <= 40)
      s += "<text x='" + f1(x + slot * 0.4) + "' y='" + f1(kH - kBottom + 14) +
           "' text-anchor='middle' font-size='10'>" + htmlEscape(bars[i]->name.substr(0, 12)) + "</text>";
  }
  return s + "</svg>";
}

std::string spider(const std::map<std::string, CaseSeries>& all) {
  bool days = true;
  double xmax = 1, hi = 60, lo = -100;
  size_t lines = 0;
  for (const auto& [n, s] : all) {
    if (s.points.size() < 2) continue;
    ++lines;
    days = days && s.days;
  }
  if (lines == 0) return "<p>No case with a follow-up: no spider plot.</p>";
  for (const auto& [n, s] : all)
    for (const auto& p : s.points) xmax = std::max(xmax, p.first), hi = std::max(hi, clampPct(p.second));
  auto x = [&](double v) { return kLeft + v / xmax * (kW - kLeft - kRight); };
  auto y = [&](double v) { return kTop + (hi - clampPct(v)) / (hi - lo) * (kH - kTop - kBottom); };
  std::string s = "<svg xmlns='http://www.w3.org/2000/svg' width='" + f1(kW) + "' height='" + f1(kH) +
                  "' role='img' aria-label='spider plot'>" + axisY(lo, hi, y);
  s += "<text x='" + f1((kW + kLeft) / 2) + "' y='" + f1(kH - 6) + "' text-anchor='middle' font-size='11'>" +
       std::string(days ? "days from baseline" : "timepoint") + "</text>";
  s += "<text x='" + f1(kLeft) + "' y='" + f1(kH - kBottom + 14) + "' font-size='10'>0</text><text x='" +
       f1(kW - kRight) + "' y='" + f1(kH - kBottom + 14) + "' text-anchor='end' font-size='10'>" + f1(xmax).substr(0, f1(xmax).size() - 2) + "</text>";
  for (const auto& [n, c] : all) {
    if (c.points.size() < 2) continue;
    std::string pts;
    for (const auto& p : c.points) pts += f1(x(days ? p.first : p.first)) + "," + f1(y(p.second)) + " ";
    s += "<polyline fill='none' stroke-width='2' stroke='" + std::string(colour(c.last_response)) + "' points='" + pts +
         "'><title>" + htmlEscape(c.name) + "</title></polyline>";
    for (const auto& p : c.points)
      s += "<circle r='3' cx='" + f1(x(p.first)) + "' cy='" + f1(y(p.second)) + "' fill='" + colour(c.last_response) + "'/>";
  }
  return s + "</svg>";
}

}  // namespace

std::string htmlReport(const std::vector<SummaryRow>& rows, const std::string& title) {
  const Outcome o = outcomeOf(rows);
  const auto series = seriesOf(rows);
  std::string h = "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>" + htmlEscape(title) +
                  "</title>\n<style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse}"
                  "td,th{border:1px solid #ccc;padding:2px 8px;font-size:13px}tr.failed td{background:#fde0dc}"
                  ".legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px}</style></head><body>\n";
  h += "<h1>" + htmlEscape(title) + "</h1>\n<p>" + std::to_string(o.cases) + " cases: " + std::to_string(o.ok) +
       " assessed, " + std::to_string(o.failed) + " failed.</p>\n";
  h += "<p class='legend'>Best CT response:";
  for (const char* r : {"CR", "PR", "SD", "IR", "PD"})
    h += std::string("<span style='background:") + colour(r) + "'></span>" + r;
  h += "<span style='background:#999'></span>none</p>\n";
  h += "<h2>Waterfall: best SPD change from baseline</h2>\n" + waterfall(series) +
       "\n<p>One bar per case (worst left); dashed lines at &minus;50 % and +50 %; values are clipped to "
       "[&minus;100 %, +200 %].</p>\n";
  h += "<h2>Spider: SPD change from baseline over time</h2>\n" + spider(series) +
       "\n<p>One line per case, coloured by its latest CT response.</p>\n";
  h += "<h2>Cases</h2>\n<table><tr>";
  for (const auto& c : summaryColumns()) h += "<th>" + htmlEscape(c) + "</th>";
  h += "</tr>\n";
  for (const auto& r : rows) {
    h += std::string("<tr") + (r.status == "ok" ? "" : " class='failed'") + ">";
    for (const auto& c : {r.case_name, r.patient_id, r.timepoint_index, r.timepoint, r.date, r.days_from_baseline,
                          r.ct_response, r.deauville, r.spd_mm2, r.spd_change_from_baseline_pct, r.pet_response,
                          r.status, r.exit_code, r.error})
      h += "<td>" + htmlEscape(c) + "</td>";
    h += "</tr>\n";
  }
  return h + "</table>\n</body></html>\n";
}

}  // namespace recap::batch
