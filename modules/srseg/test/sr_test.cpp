// The TID 1500 SR writer and reader: a report with planar lesion groups is written, validated by
// dciodvfy and dsrdump (no error line), and read back to the same numbers, polylines, references
// and codes; a viewer-style group (SRT long axis codes) is read too; pixel <-> patient mapping.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <fstream>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmsr/dsrdoc.h>

#include "recap/core/error.h"
#include "recap/srseg/sr.h"
#include "validators.h"

namespace recap::srseg {
namespace {

namespace fs = std::filesystem;

fs::path tempDir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("recap-srseg-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

SourceContext source() {
  SourceContext s;
  s.patient_id = "P-SR";
  s.patient_name = "Test^Patient";
  s.patient_birth_date = "19700101";
  s.patient_sex = "F";
  s.study_uid = "1.2.826.0.1.3680043.8.498.1";
  s.study_date = "20240115";
  s.study_time = "090000";
  s.study_id = "1";
  s.accession_number = "A1";
  s.ct_series_uid = "1.2.826.0.1.3680043.8.498.2";
  s.frame_of_reference_uid = "1.2.826.0.1.3680043.8.498.3";
  return s;
}

InstanceRef ct(int k) { return {"1.2.840.10008.5.1.4.1.1.2", "1.2.826.0.1.3680043.8.498.10." + std::to_string(k), "1.2.826.0.1.3680043.8.498.2"}; }

MeasurementReport sample() {
  MeasurementReport r;
  r.timepoint_label = "fu1";
  LesionReport a;
  a.tracking_id = "L1";
  a.tracking_uid = uidFromText("P-SR L1");
  a.nodal = true;
  a.status = "measured";
  a.long_axis_mm = 23.4567;
  a.short_axis_mm = 12.25;
  a.long_axis_polyline = {{100.5, 80.25}, {120.75, 95.5}};
  a.short_axis_polyline = {{108.0, 93.0}, {113.0, 83.0}};
  a.image = ct(41);
  a.suv_max = 7.1234;
  a.segmentation = InstanceRef{"1.2.840.10008.5.1.4.1.1.66.4", "1.2.826.0.1.3680043.8.498.99", "1.2.826.0.1.3680043.8.498.98"};
  a.segment_number = 1;
  LesionReport b;
  b.tracking_id = "L2";
  b.tracking_uid = uidFromText("P-SR L2");
  b.nodal = false;
  b.status = "absent";
  b.is_new = true;
  r.lesions = {a, b};
  r.spd_mm2 = 287.3446;
  r.deauville = 4;
  r.lugano_response = "PR";
  return r;
}

TEST(Sr, WrittenReportValidatesAndReadsBackTheSameValues) {
  const fs::path dir = tempDir("sr");
  const fs::path file = dir / "sr.dcm";
  const MeasurementReport r = sample();
  SrWriteOptions o;
  o.software_version = "test";
  o.evidence = {ct(41), *r.lesions[0].segmentation};
  writeMeasurementReport(file, r, source(), o);

  const test::ToolRun v = test::runTool("dciodvfy", file);
  ASSERT_NE(v.output.find("Comprehensive3DSR"), std::string::npos) << v.output;  // it ran and saw the IOD
  EXPECT_TRUE(test::linesStarting(v.output, "Error").empty()) << v.output;
  const test::ToolRun d = test::runTool("dsrdump", file);
  EXPECT_EQ(d.exit_code, 0) << d.output;
  EXPECT_TRUE(test::linesStarting(d.output, "E:").empty()) << d.output;
  EXPECT_NE(d.output.find("Imaging Measurement Report"), std::string::npos) << d.output;
  EXPECT_NE(d.output.find("(RCP-PR,99RECAP,\"Partial remission\")"), std::string::npos) << d.output;

  const MeasurementReport back = readMeasurementReport(file);
  EXPECT_EQ(back.patient_id, "P-SR");
  EXPECT_EQ(back.study_uid, source().study_uid);
  EXPECT_FALSE(back.sop_instance_uid.empty());
  EXPECT_EQ(back.timepoint_label, "fu1");
  ASSERT_TRUE(back.spd_mm2 && back.deauville && back.lugano_response);
  EXPECT_DOUBLE_EQ(*back.spd_mm2, 287.3446);
  EXPECT_EQ(*back.deauville, 4);
  EXPECT_EQ(*back.lugano_response, "PR");
  ASSERT_EQ(back.lesions.size(), 2u);
  const LesionReport& a = back.lesions[0];
  EXPECT_EQ(a.tracking_id, "L1");
  EXPECT_EQ(a.tracking_uid, r.lesions[0].tracking_uid);
  EXPECT_TRUE(a.nodal);
  EXPECT_EQ(a.status, "measured");
  ASSERT_TRUE(a.long_axis_mm && a.short_axis_mm && a.suv_max);
  EXPECT_DOUBLE_EQ(*a.long_axis_mm, 23.4567);
  EXPECT_DOUBLE_EQ(*a.short_axis_mm, 12.25);
  EXPECT_DOUBLE_EQ(*a.suv_max, 7.1234);
  ASSERT_EQ(a.long_axis_polyline.size(), 2u);
  ASSERT_EQ(a.short_axis_polyline.size(), 2u);
  for (int e = 0; e < 2; ++e)
    for (int c = 0; c < 2; ++c) {
      EXPECT_NEAR(a.long_axis_polyline[e][c], r.lesions[0].long_axis_polyline[e][c], 1e-4);
      EXPECT_NEAR(a.short_axis_polyline[e][c], r.lesions[0].short_axis_polyline[e][c], 1e-4);
    }
  ASSERT_TRUE(a.image);
  EXPECT_EQ(a.image->sop_instance_uid, ct(41).sop_instance_uid);
  EXPECT_EQ(a.image->sop_class_uid, ct(41).sop_class_uid);
  ASSERT_TRUE(a.segmentation && a.segment_number);
  EXPECT_EQ(a.segmentation->sop_instance_uid, r.lesions[0].segmentation->sop_instance_uid);
  EXPECT_EQ(*a.segment_number, 1);
  const LesionReport& b = back.lesions[1];
  EXPECT_EQ(b.tracking_id, "L2");
  EXPECT_FALSE(b.nodal);
  EXPECT_EQ(b.status, "absent");
  EXPECT_TRUE(b.is_new);
  EXPECT_FALSE(a.is_new);
  EXPECT_FALSE(b.long_axis_mm);
  EXPECT_FALSE(b.image);
  fs::remove_all(dir);
}

TEST(Sr, BaselineReportWithoutResponseHasNone) {
  const fs::path dir = tempDir("sr-baseline");
  MeasurementReport r = sample();
  r.lugano_response.reset();
  r.deauville.reset();
  writeMeasurementReport(dir / "sr.dcm", r, source(), {});
  const MeasurementReport back = readMeasurementReport(dir / "sr.dcm");
  EXPECT_FALSE(back.lugano_response);
  EXPECT_FALSE(back.deauville);
  EXPECT_TRUE(back.spd_mm2);
  fs::remove_all(dir);
}

TEST(Sr, ReadingSomethingElseIsATypedError) {
  const fs::path dir = tempDir("sr-bad");
  EXPECT_THROW(readMeasurementReport(dir / "missing.dcm"), Error);
  std::ofstream(dir / "text.dcm") << "not dicom";
  try {
    readMeasurementReport(dir / "text.dcm");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::CorruptInput);
    EXPECT_EQ(e.file(), (dir / "text.dcm").string());
  }
  fs::remove_all(dir);
}

// A report as a viewer writes it (dcmjs/OHIF style, built here with dcmsr, not with recap's writer):
// the older SRT codes for the axes, groups nested below a further container, no finding, status or
// SPD; a group without a tracking identifier is named by its position.
TEST(Sr, ViewerStyleReportIsRead) {
  DSRDocument doc(DSRTypes::DT_EnhancedSR);
  doc.createNewSeriesInStudy("1.2.826.0.1.3680043.8.498.7");
  doc.setPatientID("VIEWER");
  DSRDocumentTree& t = doc.getTree();
  auto add = [&](DSRTypes::E_RelationshipType rel, DSRTypes::E_ValueType vt, DSRTypes::E_AddMode mode,
                 const char* code, const char* scheme, const char* meaning) {
    ASSERT_GT(t.addContentItem(rel, vt, mode), 0u) << meaning;
    if (code) {
      ASSERT_TRUE(t.getCurrentContentItem().setConceptName(DSRCodedEntryValue(code, scheme, meaning)).good());
    }
  };
  auto axis = [&](DSRTypes::E_AddMode mode, const char* code, const char* value, float c0, float r0, float c1, float r1) {
    add(DSRTypes::RT_contains, DSRTypes::VT_Num, mode, code, "SRT", "axis");
    ASSERT_TRUE(t.getCurrentContentItem().setNumericValue(DSRNumericMeasurementValue(value, DSRCodedEntryValue("mm", "UCUM", "mm"))).good());
    add(DSRTypes::RT_inferredFrom, DSRTypes::VT_SCoord, DSRTypes::AM_belowCurrent, nullptr, nullptr, "scoord");
    DSRSpatialCoordinatesValue line(DSRTypes::GT_Polyline);
    line.getGraphicDataList().addItem(c0, r0);
    line.getGraphicDataList().addItem(c1, r1);
    ASSERT_TRUE(t.getCurrentContentItem().setSpatialCoordinates(line).good());
    add(DSRTypes::RT_selectedFrom, DSRTypes::VT_Image, DSRTypes::AM_belowCurrent, nullptr, nullptr, "image");
    ASSERT_TRUE(t.getCurrentContentItem().setImageReference(DSRImageReferenceValue(ct(7).sop_class_uid.c_str(), ct(7).sop_instance_uid.c_str())).good());
    t.goUp();
    t.goUp();
  };
  add(DSRTypes::RT_isRoot, DSRTypes::VT_Container, DSRTypes::AM_afterCurrent, "126000", "DCM", "Imaging Measurement Report");
  add(DSRTypes::RT_contains, DSRTypes::VT_Container, DSRTypes::AM_belowCurrent, "126010", "DCM", "Imaging Measurements");
  add(DSRTypes::RT_contains, DSRTypes::VT_Container, DSRTypes::AM_belowCurrent, "125007", "DCM", "Measurement Group");
  add(DSRTypes::RT_hasObsContext, DSRTypes::VT_Text, DSRTypes::AM_belowCurrent, "112039", "DCM", "Tracking Identifier");
  t.getCurrentContentItem().setStringValue("Bidirectional 1");
  add(DSRTypes::RT_hasObsContext, DSRTypes::VT_UIDRef, DSRTypes::AM_afterCurrent, "112040", "DCM", "Tracking Unique Identifier");
  t.getCurrentContentItem().setStringValue("1.2.826.0.1.3680043.8.498.77");
  axis(DSRTypes::AM_afterCurrent, "G-A185", "30.5", 10.f, 20.f, 40.f, 20.f);
  axis(DSRTypes::AM_afterCurrent, "G-A186", "12", 25.f, 14.f, 25.f, 26.f);
  t.goUp();  // the group
  add(DSRTypes::RT_contains, DSRTypes::VT_Container, DSRTypes::AM_afterCurrent, "125007", "DCM", "Measurement Group");
  axis(DSRTypes::AM_belowCurrent, "G-A185", "8.25", 1.f, 1.f, 9.f, 1.f);
  const fs::path dir = tempDir("sr-viewer");
  DcmFileFormat file;
  ASSERT_TRUE(doc.write(*file.getDataset()).good());
  ASSERT_TRUE(file.saveFile((dir / "viewer.dcm").c_str(), EXS_LittleEndianExplicit).good());

  const MeasurementReport r = readMeasurementReport(dir / "viewer.dcm");
  EXPECT_EQ(r.patient_id, "VIEWER");
  EXPECT_FALSE(r.spd_mm2 || r.deauville || r.lugano_response);
  ASSERT_EQ(r.lesions.size(), 2u);
  const LesionReport& a = r.lesions[0];
  EXPECT_EQ(a.tracking_id, "Bidirectional 1");
  EXPECT_EQ(a.tracking_uid, "1.2.826.0.1.3680043.8.498.77");
  EXPECT_TRUE(a.nodal);  // no finding: nodal
  ASSERT_TRUE(a.long_axis_mm && a.short_axis_mm && a.image);
  EXPECT_DOUBLE_EQ(*a.long_axis_mm, 30.5);
  EXPECT_DOUBLE_EQ(*a.short_axis_mm, 12);
  EXPECT_EQ(a.image->sop_instance_uid, ct(7).sop_instance_uid);
  ASSERT_EQ(a.long_axis_polyline.size(), 2u);
  EXPECT_DOUBLE_EQ(a.long_axis_polyline[1][0], 40);
  EXPECT_DOUBLE_EQ(a.short_axis_polyline[0][1], 14);
  EXPECT_EQ(r.lesions[1].tracking_id, "lesion2");
  ASSERT_TRUE(r.lesions[1].long_axis_mm);
  EXPECT_DOUBLE_EQ(*r.lesions[1].long_axis_mm, 8.25);
  EXPECT_FALSE(r.lesions[1].short_axis_mm);
  fs::remove_all(dir);
}

TEST(Plane, PixelAndPatientCoordinatesRoundTrip) {
  ImagePlane p;
  p.position = {-200, -180, -87};
  p.orientation = {1, 0, 0, 0, 1, 0};
  p.pixel_spacing = {0.8, 0.7};  // rows 0.8 apart, columns 0.7 apart
  // The centre of the first pixel is (0.5, 0.5); the next column is 0.7 mm along x.
  const Point2 first = toPixel(p, p.position);
  EXPECT_NEAR(first[0], 0.5, 1e-12);
  EXPECT_NEAR(first[1], 0.5, 1e-12);
  const Point2 next = toPixel(p, {-199.3, -180, -87});
  EXPECT_NEAR(next[0], 1.5, 1e-9);
  const Point2 down = toPixel(p, {-200, -179.2, -87});
  EXPECT_NEAR(down[1], 1.5, 1e-9);
  // A rotated plane (feet-first style flip of the row direction).
  ImagePlane q = p;
  q.orientation = {-1, 0, 0, 0, 1, 0};
  const Point3 x{-190.25, -150.5, -87};
  const Point3 back = toPatient(q, toPixel(q, x));
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(back[size_t(i)], x[size_t(i)], 1e-9);
}

TEST(Uid, FromTextIsStableValidAndDistinct) {
  const std::string a = uidFromText("P1 L1"), b = uidFromText("P1 L1"), c = uidFromText("P1 L2");
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(a.rfind("2.25.", 0), 0u);
  EXPECT_LE(a.size(), 64u);
  EXPECT_EQ(a.find_first_not_of("0123456789."), std::string::npos);
  EXPECT_NE(a[5], '0');  // no leading zero in a UID component
  EXPECT_NE(newUid(), newUid());
}

}  // namespace
}  // namespace recap::srseg
