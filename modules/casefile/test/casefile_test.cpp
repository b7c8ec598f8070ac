#include "recap/casefile/casefile.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "recap/core/error.h"

namespace fs = std::filesystem;

namespace recap::casefile {
namespace {

class CaseFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static int n = 0;
    dir_ = fs::temp_directory_path() / ("recap-casefile-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "base");
    fs::create_directories(dir_ / "fu1");
  }
  void TearDown() override { fs::remove_all(dir_); }

  CaseFile parse(const std::string& text) { return parseCaseFile(text, "case.yaml", dir_); }
  // The message of the Error(CaseFile) that parsing `text` throws ("" if none).
  std::string failure(const std::string& text) {
    try {
      parse(text);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::CaseFile);
      EXPECT_EQ(e.file(), "case.yaml");
      return e.reason();
    }
    return "";
  }

  fs::path dir_;
};

const char* kGood = R"(
patient_id: "P-001"
timepoints:
  - label: baseline
    dicom: base
  - label: fu1
    dicom: fu1
    new_lesions:
      - {id: N1, kind: extranodal, seed_mm: [42.0, -80.0, -31.0]}
    liver_centre_mm: [-80, 10, -100]
    blood_pool_centre_mm: [15, 25, 150.5]
    spleen_length_mm: 118
    lesion_overrides:
      - {id: L2, ldi_mm: 22, sdi_mm: 14.5}
target_lesions:
  - {id: L1, kind: nodal, seed_mm: [-30.0, -60.0, -60.0]}
  - {id: L2, kind: extranodal, seed_mm: [35, -55.0, -74.5]}
)";

TEST_F(CaseFileTest, ReadsEveryField) {
  const CaseFile c = parse(kGood);
  EXPECT_EQ(c.patient_id, "P-001");
  ASSERT_EQ(c.timepoints.size(), 2u);
  EXPECT_EQ(c.timepoints[0].label, "baseline");
  EXPECT_EQ(c.timepoints[0].dicom, dir_ / "base");
  EXPECT_EQ(c.timepoints[1].dicom, dir_ / "fu1");
  ASSERT_EQ(c.timepoints[1].new_lesions.size(), 1u);
  EXPECT_EQ(c.timepoints[1].new_lesions[0].id, "N1");
  EXPECT_EQ(c.timepoints[1].new_lesions[0].kind, response::LesionKind::Extranodal);
  EXPECT_DOUBLE_EQ(c.timepoints[1].new_lesions[0].seed_mm[2], -31.0);
  EXPECT_EQ(c.timepoints[1].liver_centre_mm, (Point3{-80, 10, -100}));
  EXPECT_EQ(c.timepoints[1].blood_pool_centre_mm, (Point3{15, 25, 150.5}));
  EXPECT_EQ(c.timepoints[1].spleen_length_mm, 118.0);
  ASSERT_EQ(c.timepoints[1].reviewer_diameters.count("L2"), 1u);
  EXPECT_DOUBLE_EQ(c.timepoints[1].reviewer_diameters.at("L2").ldi_mm, 22);
  EXPECT_DOUBLE_EQ(c.timepoints[1].reviewer_diameters.at("L2").sdi_mm, 14.5);
  EXPECT_FALSE(c.timepoints[0].liver_centre_mm);
  EXPECT_FALSE(c.timepoints[0].spleen_length_mm);
  ASSERT_EQ(c.targets.size(), 2u);
  EXPECT_EQ(c.targets[1].kind, response::LesionKind::Extranodal);
  EXPECT_EQ(c.targets[1].seed_mm, (Point3{35, -55, -74.5}));
  EXPECT_FALSE(c.profile_path);
  EXPECT_EQ(c.profile.name, "lugano2014");
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const size_t p = text.find(from);
  EXPECT_NE(p, std::string::npos) << from;
  return text.replace(p, from.size(), to);
}

TEST_F(CaseFileTest, UnknownKeysAndWrongTypesNameTheKeyPath) {
  EXPECT_NE(failure(std::string(kGood) + "extra: 1\n").find("extra: unknown key"), std::string::npos);
  EXPECT_NE(failure(replaced(kGood, "spleen_length_mm: 118", "spleen_mm: 118")).find("timepoints[1].spleen_mm: unknown key"),
            std::string::npos);
  EXPECT_EQ(failure(replaced(kGood, "spleen_length_mm: 118", "spleen_length_mm: long")),
            "timepoints[1].spleen_length_mm: expected a number");
  EXPECT_EQ(failure(replaced(kGood, "[-30.0, -60.0, -60.0]", "[-30.0, -60.0]")),
            "target_lesions[0].seed_mm: expected a list of 3 numbers [x, y, z] (LPS mm)");
  EXPECT_EQ(failure(replaced(kGood, "[-30.0, -60.0, -60.0]", "[-30.0, x, -60.0]")),
            "target_lesions[0].seed_mm[1]: expected a number");
  EXPECT_EQ(failure(replaced(kGood, "kind: nodal", "kind: node")),
            "target_lesions[0].kind: 'node' is not one of: nodal, extranodal");
  EXPECT_EQ(failure(replaced(kGood, "patient_id: \"P-001\"", "")), "patient_id: missing");
  EXPECT_EQ(failure(replaced(kGood, "{id: L2, ldi_mm: 22, sdi_mm: 14.5}", "{id: L2, ldi_mm: 22}")),
            "timepoints[1].lesion_overrides[0].sdi_mm: missing");
  EXPECT_EQ(failure(replaced(kGood, "{id: L2, ldi_mm: 22, sdi_mm: 14.5}", "{id: L9, ldi_mm: 22, sdi_mm: 1}")),
            "timepoints[1].lesion_overrides[0].id: 'L9' is not a target lesion");
  EXPECT_EQ(failure("- 1\n- 2\n"), "(top level): expected a mapping");
  EXPECT_NE(failure("patient_id: [\n").find("not valid YAML"), std::string::npos);
}

TEST_F(CaseFileTest, DuplicateIdsAndLabels) {
  EXPECT_EQ(failure(replaced(kGood, "id: L2, kind: extranodal", "id: L1, kind: extranodal")),
            "target_lesions[1].id: duplicate lesion id 'L1'");
  EXPECT_EQ(failure(replaced(kGood, "id: N1", "id: L2")), "timepoints[1].new_lesions[0].id: duplicate lesion id 'L2'");
  EXPECT_EQ(failure(replaced(kGood, "label: fu1", "label: baseline")), "timepoints[1].label: duplicate label 'baseline'");
}

TEST_F(CaseFileTest, TargetCountFollowsTheProfile) {
  std::string seven = "patient_id: P\ntimepoints: [{label: b, dicom: base}]\ntarget_lesions:\n";
  for (int i = 1; i <= 7; ++i) seven += "  - {id: L" + std::to_string(i) + ", kind: nodal, seed_mm: [0, 0, " + std::to_string(i) + "]}\n";
  EXPECT_EQ(failure(seven), "target_lesions: 7 target lesions, more than the 6 the profile 'lugano2014' allows");
  EXPECT_EQ(failure("patient_id: P\ntimepoints: [{label: b, dicom: base}]\ntarget_lesions: []\n"),
            "target_lesions: at least one target lesion is needed");
}

TEST_F(CaseFileTest, FoldersAndProfileAreResolvedAgainstTheCaseFile) {
  EXPECT_EQ(failure(replaced(kGood, "dicom: fu1", "dicom: fu9")),
            "timepoints[1].dicom: folder not found: " + (dir_ / "fu9").string());
  EXPECT_EQ(failure(std::string(kGood) + "profile: nowhere.yaml\n"),
            "profile: file not found: " + (dir_ / "nowhere.yaml").string());
  // A profile that allows 1 target only.
  std::ifstream in(fs::path(RECAP_SOURCE_DIR) / "configs" / "lugano2014.yaml");
  ASSERT_TRUE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  std::ofstream(dir_ / "strict.yaml") << replaced(ss.str(), "max_target_lesions: 6", "max_target_lesions: 1");
  EXPECT_EQ(failure(std::string(kGood) + "profile: strict.yaml\n"),
            "target_lesions: 2 target lesions, more than the 1 the profile 'lugano2014' allows");
  // Without the folder check (tests of the parser alone).
  EXPECT_NO_THROW(parseCaseFile(replaced(kGood, "dicom: fu1", "dicom: fu9"), "case.yaml", dir_, {false}));
}

TEST_F(CaseFileTest, LoadNamesTheFile) {
  std::ofstream(dir_ / "case.yaml") << kGood;
  EXPECT_EQ(loadCaseFile(dir_ / "case.yaml").timepoints[1].dicom, dir_ / "fu1");
  try {
    loadCaseFile(dir_ / "absent.yaml");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::CaseFile);
    EXPECT_EQ(e.file(), (dir_ / "absent.yaml").string());
  }
}

TEST_F(CaseFileTest, TargetsFromABaselineSr) {
  // The target list replaced by a baseline SR: the path is resolved against the case file's folder.
  const std::string without = std::string(kGood).substr(0, std::string(kGood).find("target_lesions:"));
  const std::string from = without + "target_lesions_from: baseline_sr.dcm\n";
  EXPECT_EQ(failure(from), "target_lesions_from: file not found: " + (dir_ / "baseline_sr.dcm").string());
  std::ofstream(dir_ / "baseline_sr.dcm") << "DICM";
  const CaseFile c = parse(from);
  ASSERT_TRUE(c.target_lesions_from);
  EXPECT_EQ(*c.target_lesions_from, dir_ / "baseline_sr.dcm");
  EXPECT_TRUE(c.targets.empty());
  // Overrides name targets the SR holds, checked when it is read (recap assess).
  EXPECT_EQ(c.timepoints[1].reviewer_diameters.count("L2"), 1u);
  // Both, or neither.
  EXPECT_EQ(failure(std::string(kGood) + "target_lesions_from: baseline_sr.dcm\n"),
            "target_lesions_from: give either target_lesions or target_lesions_from, not both");
  EXPECT_EQ(failure(without), "target_lesions: missing");
  EXPECT_EQ(failure(without + "target_lesions_from: \"\"\n"), "target_lesions_from: must not be empty");
}

}  // namespace
}  // namespace recap::casefile
