// Catalogue, study: what the folders of a case can hold that recap assess must not take
// (docs/robustness.md). The tiny patient edited with dcmodify; each case checks the exit code,
// the [error] line (folder or case file and the problem) and that no output file is written.
#include "fixture.h"

namespace recap::robustness {
namespace {

class Study : public Robustness {
 protected:
  RunResult assess(const fs::path& case_file) {
    return runRecap({"assess", case_file.string(), "--out", (dir_ / "out").string()});
  }
  void expectNoOutput() { EXPECT_TRUE(filesUnder(dir_ / "out").empty()) << filesUnder(dir_ / "out").front(); }
  // dcmodify with `args` on every DICOM file of `folder` (those in series folders named by
  // number; the export's README.TXT, Thumbs.db and .lock are left alone).
  void modify(const fs::path& folder, const std::vector<std::string>& args) {
    std::vector<std::string> argv{"dcmodify", "-nb", "-q", "-imt"};
    argv.insert(argv.end(), args.begin(), args.end());
    const size_t before = argv.size();
    for (const auto& e : fs::recursive_directory_iterator(folder)) {
      const std::string parent = e.path().parent_path().filename().string();
      if (e.is_regular_file() && !parent.empty() && parent.find_first_not_of("0123456789") == std::string::npos)
        argv.push_back(e.path().string());
    }
    ASSERT_GT(argv.size(), before) << "no DICOM files under " << folder;
    const RunResult r = runTool(argv);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  // The baseline's attenuation-corrected PET series folder (series 3 of the tiny patient).
  fs::path petAc(const std::string& name) const { return dir_ / name / "baseline" / "DICOM" / "3"; }
};

TEST_F(Study, TheTinyPatientItselfIsAssessed) {
  const RunResult r = assess(tinyCase("ok"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(filesUnder(dir_ / "out").size(), 3u);
}

TEST_F(Study, SeveralPatientsInOneFolder) {
  const fs::path c = tinyCase("two");
  fs::copy(dir_ / "two" / "fu1" / "DICOM", dir_ / "two" / "baseline" / "other", fs::copy_options::recursive);
  // Another patient's study: new study, series and instance UIDs.
  modify(dir_ / "two" / "baseline" / "other", {"-gin", "-m", "(0010,0020)=SOMEONE-ELSE", "-m", "(0020,000d)=1.2.826.0.1.3680043.10.1234.11.50"});
  for (const char* s : {"1", "2", "3", "4"})
    modify(dir_ / "two" / "baseline" / "other" / s, {"-m", std::string("(0020,000e)=1.2.826.0.1.3680043.10.1234.11.5") + s});
  const RunResult r = assess(c);
  expectError(r, 9, {(dir_ / "two" / "baseline").string(), "2 studies with a CT in this folder"});
  expectNoOutput();
}

TEST_F(Study, ATimepointWhosePatientIdDiffers) {
  const fs::path c = tinyCase("pid");
  modify(dir_ / "pid" / "fu1", {"-m", "(0010,0020)=TINY-2"});
  const RunResult r = assess(c);
  expectError(r, 9, {c.string(), "PatientID 'TINY-2'", "differs from 'TINY-1'"});
  expectNoOutput();
}

TEST_F(Study, CtAndPetInDifferentFramesOfReference) {
  const fs::path c = tinyCase("for");
  modify(petAc("for"), {"-m", "(0020,0052)=1.2.826.0.1.3680043.10.1234.11.99"});
  const RunResult r = assess(c);
  expectError(r, 7, {(dir_ / "for" / "baseline").string(), "frame of reference", "cannot be overlaid"});
  expectNoOutput();
}

// No PET is not an error: the timepoints are read on CT, said on a warning line, with no Deauville.
TEST_F(Study, NoPetIsReadOnCtOnly) {
  const fs::path c = tinyCase("nopet");
  for (const char* tp : {"baseline", "fu1"})
    for (const char* s : {"3", "4"}) fs::remove_all(dir_ / "nopet" / tp / "DICOM" / s);
  const RunResult r = assess(c);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("[warning] baseline: no PET volume in"), std::string::npos) << r.err;
  EXPECT_NE(readText(dir_ / "out" / "assessment.json").find("\"deauville\": null"), std::string::npos);
}

TEST_F(Study, NoCt) {
  const fs::path c = tinyCase("noct");
  for (const char* s : {"1", "2"}) fs::remove_all(dir_ / "noct" / "baseline" / "DICOM" / s);
  const RunResult r = assess(c);
  expectError(r, 3, {(dir_ / "noct" / "baseline").string(), "no usable CT volume"});
  expectNoOutput();
}

TEST_F(Study, PetWithoutDose) {
  const fs::path c = tinyCase("nodose");
  modify(petAc("nodose"), {"-e", "(0054,0016)[0].(0018,1074)"});
  expectError(assess(c), 7, {"RadionuclideTotalDose (0018,1074) is missing"});
  expectNoOutput();
}

TEST_F(Study, PetWithoutWeight) {
  const fs::path c = tinyCase("noweight");
  modify(petAc("noweight"), {"-e", "(0010,1030)"});
  expectError(assess(c), 7, {"PatientWeight (0010,1030) is missing"});
  expectNoOutput();
}

TEST_F(Study, PetWithoutTimes) {
  const fs::path c = tinyCase("notimes");
  modify(petAc("notimes"), {"-e", "(0054,0016)[0].(0018,1072)", "-e", "(0054,0016)[0].(0018,1078)"});
  expectError(assess(c), 7, {"RadiopharmaceuticalStartTime (0018,1072)", "missing"});
  expectNoOutput();
}

TEST_F(Study, DecayCorrectionNone) {
  const fs::path c = tinyCase("decay");
  modify(petAc("decay"), {"-m", "(0054,1102)=NONE"});
  expectError(assess(c), 5, {"DecayCorrection"});
  expectNoOutput();
}

TEST_F(Study, NegativeDecayTime) {
  const fs::path c = tinyCase("negative");
  modify(petAc("negative"), {"-e", "(0054,0016)[0].(0018,1078)", "-m", "(0054,0016)[0].(0018,1072)=235900"});
  expectError(assess(c), 7, {"negative decay time"});
  expectNoOutput();
}

TEST_F(Study, InjectionDateAfterScanDate) {
  const fs::path c = tinyCase("later");
  modify(petAc("later"), {"-i", "(0054,0016)[0].(0018,1078)=20230302080000"});
  expectError(assess(c), 7, {"RadiopharmaceuticalStartDateTime (0018,1078) is on 2023-03-02", "after the scan date"});
  expectNoOutput();
}

}  // namespace
}  // namespace recap::robustness
