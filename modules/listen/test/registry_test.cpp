#include "recap/listen/registry.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>

#include "recap/core/error.h"

namespace fs = std::filesystem;
using namespace recap::listen;

namespace {
fs::path freshDir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("recap_listen_reg_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}
}  // namespace

TEST(ListenRegistry, FindsThePatientsCaseFileAndWritesTheCaseWithTheReceivedStudies) {
  const fs::path dir = freshDir("find");
  std::ofstream(dir / "a.yaml") << "patient_id: PH-A\nprofile: prof.yaml\n"
                                   "target_lesions:\n  - {id: L1, kind: nodal, seed_mm: [1, 2, 3]}\n";
  std::ofstream(dir / "b.yaml") << "patient_id: PH-B\ntarget_lesions_from: b_sr.dcm\n";
  std::ofstream(dir / "notes.txt") << "patient_id: PH-A\n";
  std::ofstream(dir / "broken.yaml") << "patient_id: [\n";
  EXPECT_FALSE(findPatient(dir, "PH-Z"));
  const auto a = findPatient(dir, "PH-A");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->file, dir / "a.yaml");
  const std::string text = caseFileText(*a, "PH-A", {{"baseline", "/arch/S1"}, {"fu1", "/arch/S2"}});
  const YAML::Node n = YAML::Load(text);
  EXPECT_EQ(n["patient_id"].as<std::string>(), "PH-A");
  EXPECT_EQ(n["profile"].as<std::string>(), (dir / "prof.yaml").string());
  ASSERT_EQ(n["timepoints"].size(), 2u);
  EXPECT_EQ(n["timepoints"][1]["label"].as<std::string>(), "fu1");
  EXPECT_EQ(n["timepoints"][1]["dicom"].as<std::string>(), "/arch/S2");
  EXPECT_EQ(n["target_lesions"][0]["seed_mm"][2].as<double>(), 3.0);
  const auto b = findPatient(dir, "PH-B");
  ASSERT_TRUE(b);
  EXPECT_EQ(YAML::Load(caseFileText(*b, "PH-B", {{"baseline", "/x"}}))["target_lesions_from"].as<std::string>(),
            (dir / "b_sr.dcm").string());
}

TEST(ListenRegistry, TwoEntriesForOnePatientAreRefused) {
  const fs::path dir = freshDir("twice");
  std::ofstream(dir / "a.yaml") << "patient_id: PH-A\ntarget_lesions: []\n";
  std::ofstream(dir / "a2.yaml") << "patient_id: PH-A\ntarget_lesions: []\n";
  try {
    findPatient(dir, "PH-A");
    FAIL() << "no error";
  } catch (const recap::Error& e) {
    EXPECT_EQ(e.code(), recap::ErrorCode::CaseFile);
    EXPECT_NE(std::string(e.what()).find("a.yaml"), std::string::npos) << e.what();
  }
}

TEST(ListenRegistry, ACaseFileWithoutTargetsIsRefused) {
  const fs::path dir = freshDir("notargets");
  std::ofstream(dir / "a.yaml") << "patient_id: PH-A\n";
  EXPECT_THROW(caseFileText(*findPatient(dir, "PH-A"), "PH-A", {{"baseline", "/x"}}), recap::Error);
  EXPECT_EQ(timepointLabel(0), "baseline");
  EXPECT_EQ(timepointLabel(2), "fu2");
}
