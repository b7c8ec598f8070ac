#include "recap/validate/records.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "recap/core/error.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace recap::validate {
namespace {

json truthJson(const std::string& label, const char* response, int deauville) {
  return json::parse(R"({"patient_id": "PH-1", "label": ")" + label + R"(", "expected": {"ct_response": )" +
                     (response ? "\"" + std::string(response) + "\"" : "null") + R"(, "deauville": )" + std::to_string(deauville) +
                     R"(}, "lesions": [
      {"id": "L1", "status": "measured", "new": false, "ldi_mm": 30.0, "sdi_mm": 22.0, "ppd_mm2": 660.0, "suv_max": 10.9},
      {"id": "L2", "status": "absent", "new": false, "ldi_mm": 0.0, "sdi_mm": 0.0, "ppd_mm2": 0.0, "suv_max": 0.0},
      {"id": "N1", "status": "too_small", "new": true, "ldi_mm": 4.0, "sdi_mm": 3.0, "ppd_mm2": 12.0, "suv_max": 1.5}]})");
}

class TempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    static int n = 0;
    dir_ = fs::temp_directory_path() / ("recap-validate-records-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
  }
  fs::path dir_;
};

TEST(Records, TruthGivesTimepointAndLesions) {
  const RecordSet r = readTruth(truthJson("fu1", "PR", 4), "t.json");
  ASSERT_EQ(r.timepoints.size(), 1u);
  EXPECT_EQ(r.timepoints[0].patient_id, "PH-1");
  EXPECT_EQ(r.timepoints[0].timepoint, "fu1");
  EXPECT_EQ(*r.timepoints[0].ct_response, "PR");
  EXPECT_EQ(*r.timepoints[0].deauville, 4);
  ASSERT_EQ(r.lesions.size(), 3u);
  EXPECT_EQ(r.lesions[0].status, "measured");
  EXPECT_DOUBLE_EQ(*r.lesions[0].ldi_mm, 30);
  EXPECT_DOUBLE_EQ(*r.lesions[0].suv_max, 10.9);
  EXPECT_EQ(r.lesions[1].status, "absent");
  EXPECT_FALSE(r.lesions[1].suv_max);  // an absent lesion has no uptake to compare
  EXPECT_TRUE(r.lesions[2].is_new);
  EXPECT_FALSE(readTruth(truthJson("baseline", nullptr, 5), "t.json").timepoints[0].ct_response);
}

TEST(Records, BadTruthNamesFileAndField) {
  json t = truthJson("fu1", "PR", 4);
  t["lesions"][1].erase("id");
  try {
    readTruth(t, "/data/fu1/truth.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::CaseFile);
    EXPECT_STREQ(e.what(), "/data/fu1/truth.json: lesions[1].id: missing");
  }
  t = truthJson("fu1", "PR", 7);
  EXPECT_THROW(readTruth(t, "x"), Error);
}

const char* kCsv =
    "patient_id,timepoint,lesion_id,ldi_mm,sdi_mm,ct_response,deauville\n"
    "P1,baseline,L1,30.5,20,,5\n"
    "P1,baseline,L2,18,12,,5\n"
    "P1,fu1,L1,12,8,pr,4\n"
    "P1,fu1,L2,0,0,PR,4\n"
    "P2,fu1,,,,SD,3\n";

TEST(Records, ReaderCsvRowsBecomeRecords) {
  const RecordSet r = readReaderCsv(kCsv, "reads.csv");
  ASSERT_EQ(r.timepoints.size(), 3u);
  EXPECT_FALSE(r.timepoints[0].ct_response);
  EXPECT_EQ(*r.timepoints[0].deauville, 5);
  EXPECT_EQ(*r.timepoints[1].ct_response, "PR");  // upper-cased
  EXPECT_EQ(r.timepoints[2].patient_id, "P2");
  EXPECT_EQ(*r.timepoints[2].ct_response, "SD");
  ASSERT_EQ(r.lesions.size(), 4u);
  EXPECT_EQ(r.lesions[0].status, "measured");
  EXPECT_DOUBLE_EQ(*r.lesions[0].ppd_mm2, 610);
  EXPECT_EQ(r.lesions[3].status, "absent");
  EXPECT_EQ(r.lesions[3].source, "reads.csv:5");
}

void expectCsvError(const std::string& text, const std::string& message) {
  try {
    readReaderCsv(text, "reads.csv");
    ADD_FAILURE() << "accepted: " << text;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::CaseFile);
    EXPECT_EQ(std::string(e.what()), message);
  }
}

TEST(Records, ReaderCsvErrorsNameFileAndLine) {
  const std::string header = "patient_id,timepoint,lesion_id,ldi_mm,sdi_mm,ct_response,deauville\n";
  expectCsvError("patient_id,timepoint,lesion_id,ldi_mm,sdi_mm,ct_response\nP1,b,L1,1,1,\n",
                 "reads.csv: line 1: missing column 'deauville'");
  expectCsvError(header.substr(0, header.size() - 1) + ",reader\n",
                 "reads.csv: line 1: unknown column 'reader' (columns: patient_id, timepoint, lesion_id, ldi_mm, sdi_mm, "
                 "ct_response, deauville, suv_max)");
  expectCsvError(header + "P1,b,L1,abc,1,,\n", "reads.csv: line 2: ldi_mm: 'abc' is not a number >= 0");
  expectCsvError(header + "P1,b,L1,10,5,,6\n", "reads.csv: line 2: deauville: '6' is not a score 1..5");
  expectCsvError(header + "P1,b,L1,10,5,XR,\n", "reads.csv: line 2: ct_response: 'XR' is not CR, PR, SD, PD or IR");
  expectCsvError(header + "P1,b,L1,10,5,,\nP1,b,L1,11,5,,\n", "reads.csv: line 3: lesion L1 at P1 b already given at line 2");
  expectCsvError(header + "P1,f,L1,10,5,PR,\nP1,f,L2,10,5,SD,\n",
                 "reads.csv: line 3: ct_response SD differs from PR given earlier for P1 f");
  expectCsvError(header + "P1,b,L1,5,10,,\n", "reads.csv: line 2: sdi_mm 10 is larger than ldi_mm 5");
  expectCsvError(header + "P1,b,L1,5\n", "reads.csv: line 2: 4 cells, the header has 7");
  expectCsvError(header + "P1,b,\"L1,5\n", "reads.csv: line 2: unterminated quoted cell");
}

TEST(Records, AssessmentJson) {
  const json a = json::parse(R"({"patient_id": "P1", "timepoints": [
      {"label": "baseline", "ct_response": null, "deauville": 5, "lesions": [
        {"id": "L1", "status": "measured", "ldi_mm": 30.1, "sdi_mm": 21.5, "ppd_mm2": 647.15, "suv_max": 10.2, "new": false}]},
      {"label": "fu1", "ct_response": "PR", "deauville": null, "lesions": [
        {"id": "L1", "status": "absent", "ldi_mm": 0, "sdi_mm": 0, "ppd_mm2": 0, "suv_max": null, "new": false}]}]})");
  const RecordSet r = readAssessment(a, "out/assessment.json");
  ASSERT_EQ(r.timepoints.size(), 2u);
  EXPECT_FALSE(r.timepoints[0].ct_response);
  EXPECT_FALSE(r.timepoints[1].deauville);
  ASSERT_EQ(r.lesions.size(), 2u);
  EXPECT_DOUBLE_EQ(*r.lesions[0].ppd_mm2, 647.15);
  EXPECT_FALSE(r.lesions[1].suv_max);
}

TEST_F(TempDir, LoadReferenceFromFolderPhantomJsonCsvAndDicom) {
  write(dir_ / "p1" / "baseline" / "truth.json", truthJson("baseline", nullptr, 5).dump());
  write(dir_ / "p1" / "fu1" / "truth.json", truthJson("fu1", "PR", 4).dump());
  const RecordSet folder = loadReference(dir_);
  EXPECT_EQ(folder.timepoints.size(), 2u);
  EXPECT_EQ(folder.lesions.size(), 6u);
  EXPECT_EQ(folder.sources.size(), 2u);
  checkUnique(folder);
  json phantom;
  phantom["timepoint_truth"] = {truthJson("baseline", nullptr, 5), truthJson("fu1", "PR", 4)};
  write(dir_ / "phantom.json", phantom.dump());
  EXPECT_EQ(loadReference(dir_ / "phantom.json").timepoints.size(), 2u);
  write(dir_ / "reads.csv", kCsv);
  EXPECT_EQ(loadReference(dir_ / "reads.csv").lesions.size(), 4u);
  // Twice the same reference: duplicates are named with both sources.
  RecordSet twice = folder;
  twice.append(loadReference(dir_ / "phantom.json"));
  EXPECT_THROW(checkUnique(twice), Error);
  // A DICOM file goes to the registered loader; without one it is refused as unsupported.
  std::string dicom(128, '\0');
  dicom += "DICM";
  write(dir_ / "sr.dcm", dicom);
  try {
    loadReference(dir_ / "sr.dcm");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Unsupported);
  }
  setDicomReferenceLoader([](const fs::path& p) {
    RecordSet r;
    r.timepoints.push_back({"P9", "fu1", std::string("CR"), 1, p.string()});
    return r;
  });
  const RecordSet sr = loadReference(dir_ / "sr.dcm");
  setDicomReferenceLoader(nullptr);
  ASSERT_EQ(sr.timepoints.size(), 1u);
  EXPECT_EQ(sr.timepoints[0].patient_id, "P9");
  EXPECT_EQ(sr.sources, std::vector<std::string>{(dir_ / "sr.dcm").string()});
  write(dir_ / "notes.txt", "hello");
  EXPECT_THROW(loadReference(dir_ / "notes.txt"), Error);
  try {
    loadReference(dir_ / "missing");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NoInput);
  }
  fs::create_directories(dir_ / "empty");
  EXPECT_THROW(loadReference(dir_ / "empty"), Error);
}

TEST_F(TempDir, LoadResultsFromAssessAndBatchFolders) {
  const std::string a1 = R"({"patient_id": "P1", "timepoints": [{"label": "baseline", "ct_response": null, "deauville": 5, "lesions": []}]})";
  const std::string a2 = R"({"patient_id": "P2", "timepoints": [{"label": "baseline", "ct_response": null, "deauville": 4, "lesions": []}]})";
  write(dir_ / "single" / "assessment.json", a1);
  Results one = loadResults(dir_ / "single");
  EXPECT_EQ(one.folders.at("P1"), dir_ / "single");
  write(dir_ / "batch" / "case-a" / "assessment.json", a1);
  write(dir_ / "batch" / "case-b" / "assessment.json", a2);
  write(dir_ / "batch" / "case-c" / "batch_error.json", "{}");  // a failed case
  write(dir_ / "batch" / ".case-d.partial-1" / "assessment.json", a2);  // a leftover temporary folder
  write(dir_ / "batch" / "batch_summary.csv", "");
  const Results batch = loadResults(dir_ / "batch");
  EXPECT_EQ(batch.folders.size(), 2u);
  EXPECT_EQ(batch.folders.at("P2"), dir_ / "batch" / "case-b");
  EXPECT_EQ(batch.records.timepoints.size(), 2u);
  write(dir_ / "batch" / "case-e" / "assessment.json", a2);
  try {
    loadResults(dir_ / "batch");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::CaseFile);
    EXPECT_NE(std::string(e.what()).find("case-b"), std::string::npos) << e.what();
  }
  fs::create_directories(dir_ / "nothing");
  try {
    loadResults(dir_ / "nothing");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NoInput);
  }
}

}  // namespace
}  // namespace recap::validate
