// Catalogue, series: a series that is not a regular volume (docs/robustness.md). recap convert on
// a folder with that one series: exit 5 or 6 (3 for a multi-frame object, which is not a volume), an [error] line naming the series (its UID) and the
// problem, and no output file.
#include "fixture.h"

namespace recap::robustness {
namespace {

class Series : public Robustness {
 protected:
  RunResult convert() { return runRecap({"convert", (dir_ / "in").string(), "--out", (dir_ / "out").string()}); }
  void expectRefused(const phantom::SeriesSpec& s, int code, const std::string& problem) {
    const RunResult r = convert();
    expectError(r, code, {s.series_uid, problem});
    EXPECT_TRUE(filesUnder(dir_ / "out").empty());
  }
  std::vector<std::array<double, 3>> stack(std::vector<double> zs) const {
    std::vector<std::array<double, 3>> p;
    for (double z : zs) p.push_back({-24.0, -21.0, z});
    return p;
  }
  // Rewrites every file of `dir` to belong to series `uid` (as a mis-sorted export does).
  void moveToSeries(const fs::path& dir, const std::string& uid) {
    for (const auto& e : fs::directory_iterator(dir))
      ASSERT_EQ(runTool({"dcmodify", "-nb", "-m", "(0020,000e)=" + uid, e.path().string()}).exit_code, 0);
  }
};

TEST_F(Series, MissingImagePositionPatient) {
  auto s = ct();
  s.remove_tags = {{0x0020, 0x0032}};
  write(s, dir_ / "in");
  expectRefused(s, 6, "ImagePositionPatient (0020,0032) is missing");
}

TEST_F(Series, MissingImageOrientationPatient) {
  auto s = ct();
  s.remove_tags = {{0x0020, 0x0037}};
  write(s, dir_ / "in");
  expectRefused(s, 6, "ImageOrientationPatient (0020,0037) is missing");
}

TEST_F(Series, MissingPixelSpacing) {
  auto s = ct();
  s.remove_tags = {{0x0028, 0x0030}};
  write(s, dir_ / "in");
  expectRefused(s, 6, "PixelSpacing (0028,0030) is missing");
}

TEST_F(Series, DuplicateSlice) {
  auto s = ct();
  s.slices = 6;
  s.positions = stack({0, 3, 6, 6, 9, 12});
  write(s, dir_ / "in");
  expectRefused(s, 6, "duplicate slice position");
}

TEST_F(Series, MissingSliceGap) {
  auto s = ct();
  s.slices = 6;
  s.positions = stack({0, 3, 6, 12, 15, 18});
  write(s, dir_ / "in");
  expectRefused(s, 6, "1 slice(s) missing");
}

TEST_F(Series, VaryingSliceSpacing) {
  auto s = ct();
  s.slices = 6;
  s.positions = stack({0, 3, 6, 10, 14, 18});
  write(s, dir_ / "in");
  expectRefused(s, 6, "varying slice spacing");
}

TEST_F(Series, GantryTilt) {
  auto s = ct();
  s.slices = 5;
  s.positions = {{-24, -21, 0}, {-24, -20, 3}, {-24, -19, 6}, {-24, -18, 9}, {-24, -17, 12}};
  write(s, dir_ / "in");
  expectRefused(s, 5, "gantry tilt");
}

TEST_F(Series, MixedOrientations) {
  auto a = ct();
  a.slices = 4;
  write(a, dir_ / "in" / "a");
  auto b = a;
  b.series_uid = a.series_uid + ".2";
  b.orientation = {0.9986295, 0.0523360, 0, -0.0523360, 0.9986295, 0};
  b.first_position = {-24, -21, -12};
  b.instance_numbers = {11, 12, 13, 14};
  write(b, dir_ / "in" / "b");
  moveToSeries(dir_ / "in" / "b", a.series_uid);
  expectRefused(a, 6, "mixed orientations");
}

TEST_F(Series, MixedSizes) {
  auto a = ct();
  a.slices = 4;
  write(a, dir_ / "in" / "a");
  auto b = a;
  b.series_uid = a.series_uid + ".2";
  b.cols = 30;
  b.first_position = {-24, -21, 12};
  b.instance_numbers = {11, 12, 13, 14};
  write(b, dir_ / "in" / "b");
  moveToSeries(dir_ / "in" / "b", a.series_uid);
  expectRefused(a, 6, "mixed");
}

// Enhanced CT (one multi-frame object): recap reads classic single-frame series only.
TEST_F(Series, MultiFrameEnhancedCt) {
  auto s = ct();
  s.slices = 1;
  s.sop_class_uid = "1.2.840.10008.5.1.4.1.1.2.1";  // Enhanced CT Image Storage
  const auto files = write(s, dir_ / "in");
  ASSERT_EQ(runTool({"dcmodify", "-nb", "-i", "(0028,0008)=1", files[0].string()}).exit_code, 0);
  const RunResult r = convert();
  expectError(r, 3, {s.series_uid, "enhanced multi-frame image (not supported)"});
  EXPECT_TRUE(filesUnder(dir_ / "out").empty());
}

TEST_F(Series, MultiFrameEnhancedPet) {
  auto s = pet();
  s.slices = 1;
  s.sop_class_uid = "1.2.840.10008.5.1.4.1.1.130";  // Enhanced PET Image Storage
  const auto files = write(s, dir_ / "in");
  ASSERT_EQ(runTool({"dcmodify", "-nb", "-i", "(0028,0008)=1", files[0].string()}).exit_code, 0);
  const RunResult r = convert();
  expectError(r, 3, {s.series_uid, "enhanced multi-frame image (not supported)"});
  EXPECT_TRUE(filesUnder(dir_ / "out").empty());
}

}  // namespace
}  // namespace recap::robustness
