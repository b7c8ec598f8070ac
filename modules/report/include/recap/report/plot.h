// The SPD-over-time plot of the reviewer's report: a PNG drawn with OpenCV.
#pragma once

#include <string>
#include <vector>

namespace recap::report {

struct SpdPoint {
  std::string label;     // timepoint label
  std::string date;      // ISO date (may be empty)
  double spd_mm2 = 0;
  std::string response;  // "baseline", "CR", "PR", "SD", "PD", ...
};

// SPD (y, mm2, from 0) against the timepoints in order (x, equally spaced, labelled with their
// label and date); each point is marked and labelled with its response. PNG bytes, width x height.
std::string renderSpdPlot(const std::vector<SpdPoint>& points, int width = 720, int height = 360);

}  // namespace recap::report
