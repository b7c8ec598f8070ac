// The SPD plot: SPD against the timepoints, each point marked with its response.
#include "recap/report/plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "png.h"
#include "recap/core/error.h"

namespace recap::report {
namespace {

const cv::Scalar kInk(40, 40, 40), kGrid(225, 225, 225), kLine(160, 90, 30);

cv::Scalar responseColour(const std::string& r) {  // BGR
  if (r == "PD") return {40, 40, 210};
  if (r == "CR" || r == "PR") return {60, 150, 40};
  if (r == "SD") return {120, 120, 120};
  return {170, 100, 20};  // baseline and others
}

// A "nice" tick step (1, 2, 2.5 or 5 x 10^n) giving about `ticks` intervals up to `top`.
double niceStep(double top, int ticks) {
  const double raw = top / ticks, mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (m * mag >= raw) return m * mag;
  return 10 * mag;
}

std::string num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%g", v);
  return b;
}

void centred(cv::Mat& img, const std::string& s, int x, int y, double scale, const cv::Scalar& c, int thick = 1) {
  int base = 0;
  const cv::Size sz = cv::getTextSize(s, cv::FONT_HERSHEY_SIMPLEX, scale, thick, &base);
  cv::putText(img, s, {x - sz.width / 2, y}, cv::FONT_HERSHEY_SIMPLEX, scale, c, thick, cv::LINE_AA);
}

}  // namespace

std::string renderSpdPlot(const std::vector<SpdPoint>& points, int width, int height) {
  if (points.empty()) throw Error(ErrorCode::Internal, "", "report: an SPD plot needs at least one timepoint");
  if (width < 200 || height < 150) throw Error(ErrorCode::Internal, "", "report: SPD plot smaller than 200 x 150");
  cv::Mat img(height, width, CV_8UC3, cv::Scalar(255, 255, 255));
  const int left = 80, right = width - 40, top = 44, bottom = height - 64;

  double max_spd = 0;
  for (const auto& p : points) max_spd = std::max(max_spd, p.spd_mm2);
  const double step = niceStep(max_spd > 0 ? max_spd * 1.1 : 100, 5);
  const double ymax = std::max(step, std::ceil(max_spd * 1.1 / step) * step);
  auto yOf = [&](double v) { return int(std::lround(bottom - (bottom - top) * v / ymax)); };
  auto xOf = [&](size_t i) {
    return points.size() == 1 ? (left + right) / 2
                              : int(std::lround(left + 30 + (right - left - 60) * double(i) / double(points.size() - 1)));
  };

  // Grid, y ticks and axes.
  for (double v = 0; v <= ymax + step / 2; v += step) {
    const int y = yOf(v);
    if (v > 0) cv::line(img, {left, y}, {right, y}, kGrid, 1, cv::LINE_8);
    const std::string s = num(v);
    int base = 0;
    const cv::Size sz = cv::getTextSize(s, cv::FONT_HERSHEY_SIMPLEX, 0.42, 1, &base);
    cv::putText(img, s, {left - 8 - sz.width, y + 5}, cv::FONT_HERSHEY_SIMPLEX, 0.42, kInk, 1, cv::LINE_AA);
    cv::line(img, {left - 4, y}, {left, y}, kInk, 1, cv::LINE_8);
  }
  cv::line(img, {left, top - 10}, {left, bottom}, kInk, 1, cv::LINE_8);
  cv::line(img, {left, bottom}, {right, bottom}, kInk, 1, cv::LINE_8);
  cv::putText(img, "SPD (mm2)", {left - 60, top - 22}, cv::FONT_HERSHEY_SIMPLEX, 0.5, kInk, 1, cv::LINE_AA);
  centred(img, "timepoint (date)", (left + right) / 2, height - 8, 0.5, kInk);

  // The SPD line, then the points with their response above and their label and date below.
  for (size_t i = 1; i < points.size(); ++i)
    cv::line(img, {xOf(i - 1), yOf(points[i - 1].spd_mm2)}, {xOf(i), yOf(points[i].spd_mm2)}, kLine, 2, cv::LINE_AA);
  for (size_t i = 0; i < points.size(); ++i) {
    const SpdPoint& p = points[i];
    const int x = xOf(i), y = yOf(p.spd_mm2);
    cv::circle(img, {x, y}, 6, responseColour(p.response), cv::FILLED, cv::LINE_AA);
    centred(img, p.response, x, y - 14, 0.55, responseColour(p.response), 2);
    cv::line(img, {x, bottom}, {x, bottom + 4}, kInk, 1, cv::LINE_8);
    centred(img, p.label, x, bottom + 20, 0.45, kInk);
    centred(img, p.date, x, bottom + 38, 0.4, kInk);
  }
  return encodePng(img);
}

}  // namespace recap::report
