// The Secondary Capture writer: a synthetic RGB image is written, validated by dciodvfy (no Error
// line) and read back to the same pixels.
#include <gtest/gtest.h>
#include <unistd.h>

#include "recap/core/error.h"
#include "recap/srseg/capture.h"
#include "validators.h"

namespace recap::srseg {
namespace {

namespace fs = std::filesystem;

TEST(Capture, RgbImageValidatesAndReadsBack) {
  const fs::path file = fs::temp_directory_path() / ("recap-srseg-sc-" + std::to_string(::getpid()) + ".dcm");
  SourceContext src;
  src.patient_id = "P-SC";
  src.patient_name = "Sc^Test";
  src.study_uid = "1.2.826.0.1.3680043.8.498.41";
  src.study_date = "20240115";
  src.study_time = "090000";
  RgbImage img;
  img.width = 37;  // odd: the pixel data is padded to an even length
  img.height = 21;
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x) {
      img.rgb.push_back(uint8_t(x * 7));
      img.rgb.push_back(uint8_t(y * 11));
      img.rgb.push_back(uint8_t((x + y) % 2 ? 255 : 0));
    }
  CaptureWriteOptions o;
  o.image_comments = "SPD over time";
  writeSecondaryCapture(file, src, img, o);
  const test::ToolRun v = test::runTool("dciodvfy", file);
  ASSERT_NE(v.output.find("SC"), std::string::npos) << v.output;
  EXPECT_TRUE(test::linesStarting(v.output, "Error").empty()) << v.output;
  const RgbImage back = readSecondaryCapture(file);
  EXPECT_EQ(back.width, 37);
  EXPECT_EQ(back.height, 21);
  EXPECT_TRUE(back.rgb == img.rgb);
  fs::remove(file);
  RgbImage bad;
  EXPECT_THROW(writeSecondaryCapture(file, src, bad, o), Error);
  EXPECT_FALSE(fs::exists(file));
}

}  // namespace
}  // namespace recap::srseg
