// The SEG writer and reader: two lesion masks (a sphere and a box) on a synthetic CT grid are
// written, validated by dciodvfy (no error line), and read back: the same voxels at the same
// positions, each frame referencing the CT slice it lies on, segment labels, tracking UIDs and
// property types kept.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>

#include "recap/core/error.h"
#include "recap/srseg/seg.h"
#include "validators.h"

namespace recap::srseg {
namespace {

namespace fs = std::filesystem;

struct Scene {
  SourceContext src;
  CtGrid grid;
  std::vector<SegmentMask> masks;
};

Scene scene() {
  Scene s;
  s.src.patient_id = "P-SEG";
  s.src.patient_name = "Seg^Test";
  s.src.study_uid = "1.2.826.0.1.3680043.8.498.21";
  s.src.study_date = "20240115";
  s.src.study_time = "090000";
  s.src.ct_series_uid = "1.2.826.0.1.3680043.8.498.22";
  s.src.frame_of_reference_uid = "1.2.826.0.1.3680043.8.498.23";
  s.grid.rows = 48;
  s.grid.columns = 64;
  s.grid.pixel_spacing = {0.9, 0.8};
  s.grid.spacing_between_slices = 2.5;
  s.grid.slice_thickness = 2.5;
  for (int k = 0; k < 12; ++k)
    s.grid.slices.push_back({{"1.2.840.10008.5.1.4.1.1.2", "1.2.826.0.1.3680043.8.498.30." + std::to_string(k), s.src.ct_series_uid},
                             {-25.0, -20.0, -100.0 + 2.5 * k}});
  // A sphere of radius 4 voxels in a box at (20, 10, 2) of size 11 x 11 x 9.
  SegmentMask a;
  a.label = "L1";
  a.tracking_uid = uidFromText("P-SEG L1");
  a.nodal = true;
  a.offset = {20, 10, 2};
  a.size = {11, 11, 9};
  a.mask.assign(11 * 11 * 9, 0);
  for (int k = 0; k < 9; ++k)
    for (int j = 0; j < 11; ++j)
      for (int i = 0; i < 11; ++i)
        a.mask[size_t((k * 11 + j) * 11 + i)] = std::hypot(i - 5, j - 5, (k - 4) * 1.2) <= 4.0;
  // A box that reaches past the grid's right edge (clipped) on slices 8..10.
  SegmentMask b;
  b.label = "L2";
  b.tracking_uid = uidFromText("P-SEG L2");
  b.nodal = false;
  b.offset = {58, 30, 8};
  b.size = {10, 4, 3};
  b.mask.assign(10 * 4 * 3, 1);
  s.masks = {a, b};
  return s;
}

TEST(Seg, WrittenSegmentationValidatesAndReadsBackTheSameMasks) {
  const fs::path dir = fs::temp_directory_path() / ("recap-srseg-seg-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const Scene s = scene();
  SegWriteOptions o;
  o.software_version = "test";
  writeSegmentation(dir / "seg.dcm", s.src, s.grid, s.masks, o);

  const test::ToolRun v = test::runTool("dciodvfy", dir / "seg.dcm");
  ASSERT_NE(v.output.find("Segmentation"), std::string::npos) << v.output;
  EXPECT_TRUE(test::linesStarting(v.output, "Error").empty()) << v.output;

  const Segmentation back = readSegmentation(dir / "seg.dcm");
  EXPECT_EQ(back.patient_id, "P-SEG");
  EXPECT_EQ(back.study_uid, s.src.study_uid);
  EXPECT_EQ(back.frame_of_reference_uid, s.src.frame_of_reference_uid);
  EXPECT_EQ(back.referenced_series_uid, s.src.ct_series_uid);
  EXPECT_EQ(back.rows, 48);
  EXPECT_EQ(back.columns, 64);
  EXPECT_NEAR(back.pixel_spacing[0], 0.9, 1e-9);
  EXPECT_NEAR(back.pixel_spacing[1], 0.8, 1e-9);
  ASSERT_EQ(back.segments.size(), 2u);
  for (size_t n = 0; n < 2; ++n) {
    const SegmentMask& m = s.masks[n];
    const SegSegment& g = back.segments[n];
    SCOPED_TRACE(m.label);
    EXPECT_EQ(g.number, int(n + 1));
    EXPECT_EQ(g.label, m.label);
    EXPECT_EQ(g.tracking_uid, m.tracking_uid);
    EXPECT_EQ(g.property_type_code, m.nodal ? "59441001" : "108369006");
    // Expected voxels on the grid, by slice.
    std::map<long, std::vector<uint8_t>> expected;
    for (long k = 0; k < m.size[2]; ++k)
      for (long j = 0; j < m.size[1]; ++j)
        for (long i = 0; i < m.size[0]; ++i) {
          const long c = m.offset[0] + i, r = m.offset[1] + j;
          if (c >= s.grid.columns || !m.mask[size_t((k * m.size[1] + j) * m.size[0] + i)]) continue;
          auto& plane = expected[m.offset[2] + k];
          plane.resize(size_t(s.grid.rows * s.grid.columns), 0);
          plane[size_t(r * s.grid.columns + c)] = 1;
        }
    ASSERT_EQ(g.frames.size(), expected.size());
    size_t total = 0;
    for (const SegFrame& f : g.frames) {
      const long k = std::lround((f.position[2] + 100.0) / 2.5);
      ASSERT_TRUE(expected.count(k)) << "frame at z " << f.position[2];
      EXPECT_EQ(f.source_sop_instance_uid, s.grid.slices[size_t(k)].ref.sop_instance_uid);
      EXPECT_NEAR(f.position[0], -25.0, 1e-6);
      EXPECT_TRUE(f.mask == expected[k]) << "slice " << k;
      for (uint8_t x : expected[k]) total += x;
    }
    EXPECT_EQ(g.voxels(), total);
    EXPECT_GT(total, 0u);
  }
  if (!HasFailure()) fs::remove_all(dir);
}

TEST(Seg, AnEmptyGridIsRefusedNamingTheFile) {
  Scene s = scene();
  s.grid.slices.clear();
  const fs::path file = fs::temp_directory_path() / "recap-srseg-empty.dcm";
  try {
    writeSegmentation(file, s.src, s.grid, s.masks, {});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Output);
    EXPECT_EQ(e.file(), file.string());
  }
  EXPECT_FALSE(fs::exists(file));
}

}  // namespace
}  // namespace recap::srseg
