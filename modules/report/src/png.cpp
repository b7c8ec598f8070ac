#include "png.h"

#include <opencv2/imgcodecs.hpp>
#include <vector>

#include "recap/core/error.h"

namespace recap::report {

std::string encodePng(const cv::Mat& image) {
  std::vector<uchar> bytes;
  bool ok = false;
  try {
    ok = !image.empty() && cv::imencode(".png", image, bytes, {cv::IMWRITE_PNG_COMPRESSION, 6});
  } catch (const cv::Exception& e) {
    throw Error(ErrorCode::Internal, "", std::string("report: PNG encoding failed: ") + e.what());
  }
  if (!ok)
    throw Error(ErrorCode::Internal, "",
                "report: PNG encoding failed for a " + std::to_string(image.cols) + " x " + std::to_string(image.rows) +
                    " image");
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace recap::report
