#include "recap/batch/digest.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace fs = std::filesystem;

namespace recap::batch {
namespace {

class Digest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("recap-batch-digest-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "base" / "sub");
    fs::create_directories(dir_ / "fu1");
    std::ofstream(dir_ / "base" / "a.dcm") << "aaaa";
    std::ofstream(dir_ / "base" / "sub" / "b.dcm") << "bbbb";
    std::ofstream(dir_ / "fu1" / "c.dcm") << "cccc";
    writeCase("P-1");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void writeCase(const std::string& id) {
    std::ofstream(dir_ / "case.yaml") << "patient_id: " << id
                                      << "\ntimepoints:\n  - {label: baseline, dicom: base}\n  - {label: fu1, dicom: fu1}\n"
                                         "target_lesions:\n  - {id: L1, kind: nodal, seed_mm: [0, 0, 0]}\n";
  }
  std::string digest() { return inputDigest(dir_ / "case.yaml", "0.1.0").sha256; }
  fs::path dir_;
};

TEST_F(Digest, StableForUnchangedInputs) {
  const InputDigest d = inputDigest(dir_ / "case.yaml", "0.1.0");
  EXPECT_EQ(d.sha256.size(), 64u);
  EXPECT_EQ(d.profile, "lugano2014 1.0.0");
  EXPECT_TRUE(d.problem.empty());
  EXPECT_EQ(digest(), d.sha256);
}

TEST_F(Digest, ChangesWithEachInput) {
  const std::string d0 = digest();
  EXPECT_NE(inputDigest(dir_ / "case.yaml", "0.2.0").sha256, d0);  // the recap version

  writeCase("P-2");  // the case file
  const std::string d1 = digest();
  EXPECT_NE(d1, d0);

  const fs::path f = dir_ / "base" / "sub" / "b.dcm";  // a DICOM file's mtime
  fs::last_write_time(f, fs::last_write_time(f) + std::chrono::seconds(5));
  const std::string d2 = digest();
  EXPECT_NE(d2, d1);

  std::ofstream(f, std::ios::app) << "more";  // its size
  const std::string d3 = digest();
  EXPECT_NE(d3, d2);

  std::ofstream(dir_ / "fu1" / "new.dcm") << "x";  // a file added
  const std::string d4 = digest();
  EXPECT_NE(d4, d3);

  fs::rename(dir_ / "fu1" / "new.dcm", dir_ / "fu1" / "renamed.dcm");  // renamed
  EXPECT_NE(digest(), d4);
}

TEST_F(Digest, ChangesWithTheSrTheTargetsComeFrom) {
  std::ofstream(dir_ / "baseline_sr.dcm") << "SR one";
  std::ofstream(dir_ / "case.yaml") << "patient_id: P-1\ntimepoints:\n  - {label: baseline, dicom: base}\n"
                                       "target_lesions_from: baseline_sr.dcm\n";
  const std::string d0 = digest();
  EXPECT_EQ(d0.size(), 64u);
  EXPECT_EQ(digest(), d0);
  std::ofstream(dir_ / "baseline_sr.dcm") << "SR two";  // same size, other content
  EXPECT_NE(digest(), d0);
}

TEST_F(Digest, InvalidCaseFileHasNoDigest) {
  std::ofstream(dir_ / "case.yaml", std::ios::app) << "spleen: 3\n";
  const InputDigest d = inputDigest(dir_ / "case.yaml", "0.1.0");
  EXPECT_TRUE(d.sha256.empty());
  EXPECT_NE(d.problem.find("spleen"), std::string::npos) << d.problem;
}

}  // namespace
}  // namespace recap::batch
