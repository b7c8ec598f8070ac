// report.html: key images per lesion per timepoint (PET scale from the timepoint's liver), the SPD
// plot, and the page, all from the assessment.json object.
#include "recap/report/report.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "recap/core/error.h"
#include "recap/report/html.h"
#include "recap/report/plot.h"

namespace recap::report {

Report renderReport(const nlohmann::ordered_json& a, const std::vector<TimepointImages>& timepoints,
                    const ReportOptions& o) {
  const auto& tps = a.at("timepoints");
  if (tps.size() != timepoints.size())
    throw Error(ErrorCode::Internal, "", "report: " + std::to_string(timepoints.size()) + " timepoints of images for " +
                                             std::to_string(tps.size()) + " in the assessment");
  HtmlInput in;
  in.assessment = &a;
  in.generator = o.generator;
  std::vector<SpdPoint> points;
  Report out;
  for (size_t t = 0; t < tps.size(); ++t) {
    const auto& tp = tps[t];
    const TimepointImages& ti = timepoints[t];
    if (!ti.ct) throw Error(ErrorCode::Internal, "", "report: no CT for timepoint " + tp.at("label").get<std::string>());
    if (ti.lesions.size() != tp.at("lesions").size())
      throw Error(ErrorCode::Internal, "", "report: " + tp.at("label").get<std::string>() + ": " +
                                               std::to_string(ti.lesions.size()) + " lesions to draw for " +
                                               std::to_string(tp.at("lesions").size()) + " in the assessment");
    KeyImageOptions ko = o.key_image;
    const auto& liver = tp.at("liver_suv_mean");
    ko.suv_scale_max = std::max(o.min_suv_scale, liver.is_number() ? o.liver_factor * liver.get<double>() : 0.0);
    char note[160];
    if (liver.is_number())
      std::snprintf(note, sizeof note, "; scale max(%g, %g x liver SUVmean %.2f)", o.min_suv_scale, o.liver_factor,
                    liver.get<double>());
    else
      std::snprintf(note, sizeof note, "; scale %g (no liver reference)", o.min_suv_scale);
    std::vector<LesionFigure> figures;
    for (const KeyImageInput& l : ti.lesions) {
      KeyImages k = renderKeyImages(*ti.ct, ti.pet, l, ko);
      out.images += 1 + !k.fused_png.empty();
      figures.push_back({std::move(k.ct_png), std::move(k.fused_png), std::move(k.ct_caption),
                         k.fused_caption + (ti.pet ? note : "")});
    }
    in.figures.push_back(std::move(figures));
    points.push_back({tp.at("label").get<std::string>(), tp.at("date").is_string() ? tp.at("date").get<std::string>() : "",
                      tp.at("spd_mm2").get<double>(),
                      tp.at("ct_response").is_null() ? "baseline" : tp.at("ct_response").get<std::string>()});
  }
  in.plot_png = renderSpdPlot(points);
  out.images += 1;
  out.html = renderHtml(in);
  return out;
}

}  // namespace recap::report
