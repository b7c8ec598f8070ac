// Series classification, selection among several candidates, and the geometry checks that
// refuse irregular volumes with a clear message.
#include <gtest/gtest.h>

#include "recap/core/error.h"
#include "recap/dicom/geometry.h"
#include "recap/dicom/index.h"
#include "recap/dicom/volume.h"
#include "synth.h"

namespace fs = std::filesystem;

namespace recap {
namespace {

using test::ctSpec;
using test::ctValueAt;
using test::TempDir;

void write(const phantom::SeriesSpec& spec, const fs::path& dir) {
  phantom::writeSeries(spec, phantom::PatientInfo{}, test::study(), test::fillByPosition(spec, ctValueAt), dir);
}

phantom::SeriesSpec petSpec(const std::string& suffix, bool attenuation_corrected) {
  phantom::SeriesSpec s;
  s.modality = "PT";
  s.series_uid = "1.2.826.0.1.3680043.10.1234.3." + suffix;
  s.frame_of_reference_uid = "1.2.826.0.1.3680043.10.1234.9.1";
  s.series_number = attenuation_corrected ? 5 : 6;
  s.series_description = attenuation_corrected ? "PET WB AC" : "PET WB NAC";
  s.cols = s.rows = 16;
  s.slices = 6;
  s.row_spacing_mm = s.col_spacing_mm = 4.0;
  s.slice_spacing_mm = s.slice_thickness_mm = 3.0;
  s.first_position = {-30, -30, -30};
  s.pixel_signed = true;
  s.per_slice_slope = true;
  s.pet = phantom::PetInfo{};
  if (!attenuation_corrected) s.pet->corrected_image = "DECY\\RAN\\NORM";
  return s;
}

const dicom::Series* findRole(const dicom::Study& st, dicom::SeriesRole role) {
  for (const auto& s : st.series)
    if (s.role == role) return &s;
  return nullptr;
}

// A realistic PET/CT study folder: CT, localizer, AC and NAC PET, a MIP screen capture.
TEST(Classify, PetCtStudyRolesAndSelection) {
  TempDir tmp;
  write(ctSpec("30"), tmp / "ct");
  auto loc = ctSpec("31");
  loc.series_number = 1;
  loc.series_description = "Topogram";
  loc.image_type = "ORIGINAL\\PRIMARY\\LOCALIZER";
  loc.orientation = {1, 0, 0, 0, 0, -1};  // coronal
  loc.slices = 1;
  write(loc, tmp / "loc");
  write(petSpec("32", true), tmp / "pet_ac");
  write(petSpec("33", false), tmp / "pet_nac");
  auto mip = petSpec("34", true);
  mip.series_number = 7;
  mip.series_description = "MIP";
  mip.image_type = "DERIVED\\SECONDARY\\MIP";
  mip.orientation = {1, 0, 0, 0, 0, -1};
  write(mip, tmp / "mip");

  const dicom::Index index = dicom::indexPath(tmp.path());
  ASSERT_EQ(index.studies.size(), 1u);
  const dicom::Study& st = index.studies[0];
  ASSERT_EQ(st.series.size(), 5u);
  ASSERT_NE(findRole(st, dicom::SeriesRole::Localizer), nullptr);
  ASSERT_NE(findRole(st, dicom::SeriesRole::PetNac), nullptr);
  ASSERT_NE(findRole(st, dicom::SeriesRole::Derived), nullptr);
  EXPECT_EQ(findRole(st, dicom::SeriesRole::Localizer)->uid, loc.series_uid);
  EXPECT_EQ(findRole(st, dicom::SeriesRole::Derived)->uid, mip.series_uid);
  ASSERT_TRUE(st.selected_ct && st.selected_pet);
  EXPECT_EQ(st.series[*st.selected_ct].uid, ctSpec("30").series_uid);
  EXPECT_EQ(st.series[*st.selected_pet].uid, petSpec("32", true).series_uid);
  EXPECT_NE(st.pet_selection_reason.find("non-attenuation-corrected PET ignored"), std::string::npos);
}

// Two CT reconstructions of one acquisition: the soft-tissue kernel is chosen over the lung one
// even though the lung series has the lower series number.
TEST(Classify, SoftTissueKernelPreferredOverLung) {
  TempDir tmp;
  auto lung = ctSpec("40");
  lung.series_number = 2;
  lung.series_description = "CT Lung 2mm";
  lung.convolution_kernel = "B70f";
  write(lung, tmp / "lung");
  auto soft = ctSpec("41");
  soft.series_number = 3;
  soft.series_description = "CT WB 2mm";
  write(soft, tmp / "soft");
  const dicom::Index index = dicom::indexPath(tmp.path());
  const dicom::Study& st = index.studies.at(0);
  ASSERT_TRUE(st.selected_ct);
  EXPECT_EQ(st.series[*st.selected_ct].uid, soft.series_uid);
  EXPECT_NE(st.ct_selection_reason.find("soft-tissue"), std::string::npos) << st.ct_selection_reason;
}

// Only NAC PET: no PET is selected, and the reason says why.
TEST(Classify, OnlyNacPetSelectsNoPet) {
  TempDir tmp;
  write(petSpec("42", false), tmp.path());
  const dicom::Index index = dicom::indexPath(tmp.path());
  const dicom::Study& st = index.studies.at(0);
  EXPECT_FALSE(st.selected_pet);
  EXPECT_NE(st.pet_selection_reason.find("only non-attenuation-corrected"), std::string::npos);
}

// ---- Geometry refusals --------------------------------------------------------------------

struct GeometryCase {
  const char* name;
  ErrorCode code;
  const char* message_part;
  void (*mutate)(phantom::SeriesSpec&);
};

std::vector<std::array<double, 3>> stack(std::vector<double> zs) {
  std::vector<std::array<double, 3>> p;
  for (double z : zs) p.push_back({-10.0, -8.0, z});
  return p;
}

class GeometryRefusal : public ::testing::TestWithParam<GeometryCase> {};

TEST_P(GeometryRefusal, LoadFailsWithClearMessage) {
  const GeometryCase& c = GetParam();
  TempDir tmp;
  auto spec = ctSpec("50");
  c.mutate(spec);
  write(spec, tmp.path());
  const dicom::Index index = dicom::indexPath(tmp.path());
  ASSERT_EQ(index.studies.size(), 1u);
  const dicom::Series& s = index.studies[0].series.at(0);
  const dicom::Geometry g = dicom::analyzeGeometry(s);
  EXPECT_FALSE(g.regular());
  try {
    dicom::loadVolume(s);
    FAIL() << "expected an error for " << c.name;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), c.code) << e.what();
    EXPECT_NE(std::string(e.what()).find(c.message_part), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(spec.series_uid), std::string::npos) << "names the series: " << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, GeometryRefusal,
    ::testing::Values(
        GeometryCase{"gap", ErrorCode::BadGeometry, "1 slice(s) missing",
                     [](phantom::SeriesSpec& s) {
                       s.slices = 6;
                       s.positions = stack({0, 2, 4, 8, 10, 12});
                     }},
        GeometryCase{"duplicate", ErrorCode::BadGeometry, "duplicate slice position",
                     [](phantom::SeriesSpec& s) {
                       s.slices = 5;
                       s.positions = stack({0, 2, 4, 4, 6});
                     }},
        GeometryCase{"varying", ErrorCode::BadGeometry, "varying slice spacing",
                     [](phantom::SeriesSpec& s) {
                       s.slices = 6;
                       s.positions = stack({0, 2, 4, 7, 10, 13});
                     }},
        GeometryCase{"tilt", ErrorCode::Unsupported, "gantry tilt",
                     [](phantom::SeriesSpec& s) {
                       s.slices = 5;
                       s.positions = {{-10, -8, 0}, {-10, -7.5, 2}, {-10, -7, 4}, {-10, -6.5, 6}, {-10, -6, 8}};
                     }},
        GeometryCase{"no-position", ErrorCode::BadGeometry, "ImagePositionPatient (0020,0032) is missing",
                     [](phantom::SeriesSpec& s) { s.remove_tags = {{0x0020, 0x0032}}; }},
        GeometryCase{"no-spacing", ErrorCode::BadGeometry, "PixelSpacing (0028,0030) is missing",
                     [](phantom::SeriesSpec& s) { s.remove_tags = {{0x0028, 0x0030}}; }}),
    [](const auto& info) {
      std::string n = info.param.name;
      for (char& ch : n)
        if (ch == '-') ch = '_';
      return n;
    });

// Two orientations under one series UID.
TEST(GeometryRefusal, MixedOrientations) {
  TempDir tmp;
  auto a = ctSpec("60");
  a.slices = 4;
  write(a, tmp / "a");
  auto b = a;
  b.orientation = {0.9986295, 0.0523360, 0, -0.0523360, 0.9986295, 0};  // rotated 3 degrees in plane
  b.first_position = {-10, -8, -10};
  b.instance_numbers = {11, 12, 13, 14};
  // Written as another series (distinct SOP instance UIDs), then merged into one below.
  b.series_uid = a.series_uid + ".2";
  write(b, tmp / "b");
  dicom::Index index = dicom::indexPath(tmp.path());
  ASSERT_EQ(index.studies.at(0).series.size(), 2u);
  dicom::Series merged = index.studies[0].series[0];
  for (const auto& h : index.studies[0].series[1].instances) merged.instances.push_back(h);
  const dicom::Geometry g = dicom::analyzeGeometry(merged);
  EXPECT_EQ(g.problem_code, ErrorCode::BadGeometry);
  EXPECT_NE(g.problem.find("mixed orientations"), std::string::npos) << g.problem;
}

TEST(GeometryRefusal, MixedSizes) {
  TempDir tmp;
  auto a = ctSpec("61");
  a.slices = 4;
  write(a, tmp / "a");
  auto b = a;
  b.series_uid = a.series_uid + ".2";
  b.cols = 32;
  b.first_position = {-10, -8, -10};
  write(b, tmp / "b");
  dicom::Index index = dicom::indexPath(tmp.path());
  dicom::Series merged = index.studies.at(0).series.at(0);
  for (const auto& h : index.studies[0].series.at(1).instances) merged.instances.push_back(h);
  const dicom::Geometry g = dicom::analyzeGeometry(merged);
  EXPECT_NE(g.problem.find("mixed image sizes"), std::string::npos) << g.problem;
}

}  // namespace
}  // namespace recap
