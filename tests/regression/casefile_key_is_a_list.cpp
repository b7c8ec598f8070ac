// A case file whose flow mapping has a list as a key ("seed_mm: , [-30, -60, -60]": the stray
// comma makes the list a key of its own) ended recap assess as an internal error (exit 1): the key
// check converted every key to a string and yaml-cpp threw TypedBadConversion, which nothing
// turned into a case-file error. Found by fuzz/casefile_fuzz.cpp in its first minute (the input
// is fuzz/regressions/casefile/key_is_a_sequence-c88b8567.yaml). Fixed: a key that is not a
// scalar is refused by name, and any yaml-cpp exception left is reported as Error(CaseFile).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "recap/casefile/casefile.h"
#include "recap/core/error.h"

namespace recap {
namespace {

const char* kText = R"(patient_id: P-1
timepoints:
  - {label: baseline, dicom: base}
target_lesions:
  - {id: L1, kind: nodal, seed_mm: , [-30.0, -60.0, -60.0]}
)";

std::string failure(const std::string& text) {
  try {
    casefile::parseCaseFile(text, "case.yaml", "/nonexistent", {false});
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::CaseFile) << e.what();
    EXPECT_EQ(e.file(), "case.yaml");
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return "";
}

TEST(CaseFileKeyIsAList, IsACaseFileErrorNamingThePath) {
  const std::string what = failure(kText);
  EXPECT_NE(what.find("target_lesions[0]: a key is a list or mapping, not a name"), std::string::npos) << what;
}

TEST(CaseFileKeyIsAList, TheFuzzerInputToo) {
  std::ifstream in(std::string(RECAP_SOURCE_DIR) + "/fuzz/regressions/casefile/key_is_a_sequence-c88b8567.yaml");
  ASSERT_TRUE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_NE(failure(ss.str()).find("a key is a list or mapping"), std::string::npos);
}

}  // namespace
}  // namespace recap
