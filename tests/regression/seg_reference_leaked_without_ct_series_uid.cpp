// srseg::writeSegmentation handed each CT slice reference to DCMTK's IODReferences::add, which
// takes ownership only when the reference is valid. With an empty CT series UID every reference
// was refused: the SEG was written without its source references and the references leaked
// (LeakSanitizer: 2200 bytes in 11 objects, in the whole suite run under ASan + UBSan, from
// validate_e2e, whose reader SEG was written without the CT series UID). Fixed: a reference that
// is refused is freed and the SEG is refused, naming the file (exit 8 in recap); the SEG reader
// now returns the referenced CT series (Referenced Series Sequence), which the test passes on.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "recap/core/error.h"
#include "recap/srseg/seg.h"

namespace recap::srseg {
namespace {

namespace fs = std::filesystem;

struct Scene {
  SourceContext src;
  CtGrid grid;
  std::vector<SegmentMask> masks;
};

Scene scene(const std::string& ct_series_uid) {
  Scene s;
  s.src.patient_id = "P-REG";
  s.src.study_uid = "1.2.826.0.1.3680043.8.498.41";
  s.src.study_date = "20240115";
  s.src.ct_series_uid = ct_series_uid;
  s.src.frame_of_reference_uid = "1.2.826.0.1.3680043.8.498.43";
  s.grid.rows = s.grid.columns = 16;
  s.grid.pixel_spacing = {1.0, 1.0};
  s.grid.spacing_between_slices = s.grid.slice_thickness = 2.0;
  for (int k = 0; k < 4; ++k)
    s.grid.slices.push_back({{"1.2.840.10008.5.1.4.1.1.2", "1.2.826.0.1.3680043.8.498.50." + std::to_string(k), ct_series_uid},
                             {0.0, 0.0, 2.0 * k}});
  SegmentMask m;
  m.label = "L1";
  m.offset = {4, 4, 1};
  m.size = {4, 4, 2};
  m.mask.assign(4 * 4 * 2, 1);
  s.masks = {m};
  return s;
}

TEST(SegReferenceWithoutCtSeries, IsRefusedNamingTheFileAndLeaksNothing) {
  const Scene s = scene("");
  const fs::path file = fs::temp_directory_path() / ("recap-seg-noseries-" + std::to_string(::getpid()) + ".dcm");
  try {
    writeSegmentation(file, s.src, s.grid, s.masks, {});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Output);
    EXPECT_EQ(e.file(), file.string());
    EXPECT_NE(std::string(e.what()).find("invalid reference to the CT slice"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(file));
}

TEST(SegReferenceWithoutCtSeries, WithTheSeriesTheSegNamesItsSourceSeries) {
  const Scene s = scene("1.2.826.0.1.3680043.8.498.42");
  const fs::path file = fs::temp_directory_path() / ("recap-seg-series-" + std::to_string(::getpid()) + ".dcm");
  writeSegmentation(file, s.src, s.grid, s.masks, {});
  const Segmentation back = readSegmentation(file);
  fs::remove(file);
  EXPECT_EQ(back.referenced_series_uid, "1.2.826.0.1.3680043.8.498.42");
  ASSERT_EQ(back.segments.size(), 1u);
  EXPECT_EQ(back.segments[0].frames.size(), 2u);
}

}  // namespace
}  // namespace recap::srseg
