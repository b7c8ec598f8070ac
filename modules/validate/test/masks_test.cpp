#include "recap/validate/masks.h"

#include <gtest/gtest.h>

#include "recap/validate/compare.h"

namespace recap::validate {
namespace {

// A box of `cols` x 10 pixels from column `first_col`, on 3 frames 3 mm apart; pixels 0.8 mm
// between rows and 0.7 mm between columns; `shift_mm` moves every frame along the row direction.
LesionMask box(int first_col, int cols = 10, double shift_mm = 0) {
  LesionMask m;
  m.rows = 20;
  m.columns = 20;
  m.pixel_spacing = {0.8, 0.7};
  m.study_uid = "1.2.3";
  m.lesion_id = "L1";
  for (int k = 0; k < 3; ++k) {
    LesionMask::Frame f;
    f.position = {-10.0 + shift_mm, -5.0, 3.0 * k};
    f.mask.assign(400, 0);
    for (int r = 5; r < 15; ++r)
      for (int c = first_col; c < first_col + cols; ++c) f.mask[r * 20 + c] = 1;
    m.frames.push_back(f);
  }
  return m;
}

TEST(Masks, IdenticalMasksAgreeFully) {
  const MaskAgreement a = compareMasks(box(2), box(2));
  EXPECT_EQ(a.voxels_a, 300u);
  ASSERT_TRUE(a.dice && a.hausdorff_mm);
  EXPECT_DOUBLE_EQ(*a.dice, 1);
  EXPECT_DOUBLE_EQ(*a.hausdorff_mm, 0);
}

// Two columns apart: |A and B| = 8 x 10 x 3 = 240 of 300 each: Dice 480/600 = 0.8; every boundary
// point of one is 2 columns (1.4 mm) from the other's, and no farther.
TEST(Masks, ShiftedBoxByHand) {
  const MaskAgreement a = compareMasks(box(2), box(4));
  ASSERT_TRUE(a.dice && a.hausdorff_mm);
  EXPECT_DOUBLE_EQ(*a.dice, 0.8);
  EXPECT_NEAR(*a.hausdorff_mm, 1.4, 1e-9);
  // A box 4 columns narrower on the right: Dice 2 x 180 / 480 = 0.75, Hausdorff 4 columns = 2.8 mm.
  const MaskAgreement b = compareMasks(box(2), box(2, 6));
  EXPECT_DOUBLE_EQ(*b.dice, 0.75);
  EXPECT_NEAR(*b.hausdorff_mm, 2.8, 1e-9);
}

TEST(Masks, OtherGridHasNoDiceButAHausdorffDistance) {
  // The same box on a grid moved by half a column: voxels cannot be counted together.
  const MaskAgreement a = compareMasks(box(2), box(2, 10, 0.35));
  EXPECT_FALSE(a.dice);
  ASSERT_TRUE(a.hausdorff_mm);
  EXPECT_NEAR(*a.hausdorff_mm, 0.35, 1e-9);
  LesionMask empty = box(2);
  for (auto& f : empty.frames) f.mask.assign(400, 0);
  const MaskAgreement e = compareMasks(box(2), empty);
  EXPECT_DOUBLE_EQ(*e.dice, 0);
  EXPECT_FALSE(e.hausdorff_mm);
}

TEST(Masks, ComparedWithTheResultsMaskOfTheSameStudyAndLesion) {
  RecordSet ref, rec;
  ref.masks = {box(2)};
  LesionMask mine = box(4);
  mine.patient_id = "P1";
  mine.timepoint = "fu1";
  LesionMask other = box(2);
  other.study_uid = "9.9";  // another study: not paired
  rec.masks = {other, mine};
  const Validation v = compare(ref, rec);
  ASSERT_EQ(v.masks.size(), 1u);
  EXPECT_EQ(v.masks[0].timepoint, "fu1");
  const auto j = toJson(v);
  EXPECT_EQ(j["dice"]["n"], 1);
  EXPECT_DOUBLE_EQ(j["dice"]["median"].get<double>(), 0.8);
  EXPECT_DOUBLE_EQ(j["hausdorff_mm"]["max"].get<double>(), 1.4);
  EXPECT_EQ(j["masks"]["not_in_results"], 0);
  EXPECT_NE(toCsv(v).find("P1,fu1,L1,mask,,,,,,,,,,,,,,,,,,,,,0.8000,1.4000\n"), std::string::npos) << toCsv(v);
  const auto none = toJson(compare(ref, RecordSet{}));
  EXPECT_EQ(none["dice"]["n"], 0);
  EXPECT_TRUE(none["dice"]["median"].is_null());
  EXPECT_EQ(none["masks"]["not_in_results"], 1);
}

}  // namespace
}  // namespace recap::validate
