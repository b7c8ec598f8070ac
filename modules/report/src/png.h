// PNG encoding shared by the key images and the plot (internal to the report module).
#pragma once

#include <opencv2/core.hpp>
#include <string>

namespace recap::report {

// `image` (8-bit BGR) as PNG bytes; deterministic (fixed zlib level, no time chunk).
// Throws recap::Error(Internal) if OpenCV cannot encode it.
std::string encodePng(const cv::Mat& image);

}  // namespace recap::report
