// The SPD plot: a PNG of the requested size, each point marked in its response's colour.
#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "recap/core/error.h"
#include "recap/report/plot.h"

namespace recap::report {
namespace {

int countColour(const cv::Mat& img, cv::Vec3b bgr) {
  int n = 0;
  for (int y = 0; y < img.rows; ++y)
    for (int x = 0; x < img.cols; ++x) n += img.at<cv::Vec3b>(y, x) == bgr;
  return n;
}

TEST(SpdPlot, DecodesAndMarksEachResponse) {
  const std::string png = renderSpdPlot({{"baseline", "2024-01-15", 1936.5, "baseline"},
                                         {"fu1", "2024-04-12", 277.4, "PR"},
                                         {"fu2", "2024-07-10", 912.0, "PD"}});
  const std::vector<uchar> bytes(png.begin(), png.end());
  const cv::Mat img = cv::imdecode(bytes, cv::IMREAD_COLOR);
  ASSERT_FALSE(img.empty());
  EXPECT_EQ(img.cols, 720);
  EXPECT_EQ(img.rows, 360);
  EXPECT_GT(countColour(img, {40, 40, 210}), 50);   // PD marker and label
  EXPECT_GT(countColour(img, {60, 150, 40}), 50);   // PR
  EXPECT_GT(countColour(img, {170, 100, 20}), 50);  // baseline
  EXPECT_EQ(renderSpdPlot({{"baseline", "", 0, "baseline"}}).substr(1, 3), "PNG");
}

TEST(SpdPlot, NoTimepointIsAnError) { EXPECT_THROW(renderSpdPlot({}), recap::Error); }

}  // namespace
}  // namespace recap::report
