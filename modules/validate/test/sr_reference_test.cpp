#include "recap/validate/sr_reference.h"

#include <gtest/gtest.h>

#include "recap/core/error.h"

namespace recap::validate {
namespace {

srseg::MeasurementReport report() {
  srseg::MeasurementReport m;
  m.patient_id = "PH-PR";
  m.timepoint_label = "fu1";
  m.lugano_response = "PR";
  m.deauville = 3;
  srseg::LesionReport a;
  a.tracking_id = "L1";
  a.status = "measured";
  a.long_axis_mm = 18.5;
  a.short_axis_mm = 12;
  a.suv_max = 4.25;
  srseg::LesionReport b;  // a viewer's group: no status, both axes
  b.tracking_id = "L2";
  b.long_axis_mm = 10;
  b.short_axis_mm = 7;
  srseg::LesionReport c;
  c.tracking_id = "L3";
  c.status = "absent";
  m.lesions = {a, b, c};
  return m;
}

TEST(SrReference, GroupsBecomeLesionRecords) {
  const RecordSet r = srRecords(report(), "fu1_SR.dcm");
  ASSERT_EQ(r.timepoints.size(), 1u);
  EXPECT_EQ(r.timepoints[0].patient_id, "PH-PR");
  EXPECT_EQ(*r.timepoints[0].ct_response, "PR");
  EXPECT_EQ(*r.timepoints[0].deauville, 3);
  ASSERT_EQ(r.lesions.size(), 3u);
  EXPECT_EQ(r.lesions[0].lesion_id, "L1");
  EXPECT_DOUBLE_EQ(*r.lesions[0].ppd_mm2, 222);
  EXPECT_DOUBLE_EQ(*r.lesions[0].suv_max, 4.25);
  EXPECT_EQ(r.lesions[1].status, "measured");
  EXPECT_DOUBLE_EQ(*r.lesions[1].ppd_mm2, 70);
  EXPECT_EQ(r.lesions[2].status, "absent");
  EXPECT_DOUBLE_EQ(*r.lesions[2].ldi_mm, 0);
}

TEST(SrReference, WithoutLabelOrTrackingIdIsRefused) {
  auto m = report();
  m.timepoint_label.clear();
  EXPECT_THROW(srRecords(m, "x.dcm"), Error);
  m = report();
  m.lesions[1].tracking_id.clear();
  try {
    srRecords(m, "x.dcm");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::CaseFile);
    EXPECT_STREQ(e.what(), "x.dcm: measurement group 2 has no tracking identifier");
  }
}

}  // namespace
}  // namespace recap::validate
