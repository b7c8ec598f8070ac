#include "recap/core/error.h"

#include <gtest/gtest.h>

#include <set>

namespace recap {
namespace {

TEST(Error, MessageNamesFileAndReason) {
  Error e(ErrorCode::BadGeometry, "/data/ct", "missing slice between z=10 and z=20");
  EXPECT_STREQ(e.what(), "/data/ct: missing slice between z=10 and z=20");
  EXPECT_EQ(e.file(), "/data/ct");
  EXPECT_EQ(e.reason(), "missing slice between z=10 and z=20");
  EXPECT_EQ(exitCode(e.code()), 6);
}

TEST(Error, MessageWithoutFile) {
  Error e(ErrorCode::Usage, "", "unknown option --x");
  EXPECT_STREQ(e.what(), "unknown option --x");
}

// Exit codes are an interface that schedulers branch on: pin every value.
TEST(Error, ExitCodesAreStable) {
  EXPECT_EQ(exitCode(ErrorCode::Internal), 1);
  EXPECT_EQ(exitCode(ErrorCode::Usage), 2);
  EXPECT_EQ(exitCode(ErrorCode::NoInput), 3);
  EXPECT_EQ(exitCode(ErrorCode::CorruptInput), 4);
  EXPECT_EQ(exitCode(ErrorCode::Unsupported), 5);
  EXPECT_EQ(exitCode(ErrorCode::BadGeometry), 6);
  EXPECT_EQ(exitCode(ErrorCode::MissingMetadata), 7);
  EXPECT_EQ(exitCode(ErrorCode::Output), 8);
  EXPECT_EQ(exitCode(ErrorCode::CaseFile), 9);
  EXPECT_EQ(exitCode(ErrorCode::Interrupted), 10);
  EXPECT_EQ(exitCode(ErrorCode::BatchSomeFailed), 11);
  EXPECT_EQ(exitCode(ErrorCode::BatchNoneOk), 12);
  EXPECT_EQ(exitCode(ErrorCode::ValidationFailed), 13);
}

TEST(Error, TableIsCompleteOrderedAndUnique) {
  std::set<int> codes;
  std::set<std::string> names;
  int last = 0;
  for (const auto& e : errorCodeTable()) {
    EXPECT_GT(exitCode(e.code), last);
    last = exitCode(e.code);
    codes.insert(exitCode(e.code));
    names.insert(e.name);
    EXPECT_STRNE(e.description, "");
  }
  EXPECT_EQ(codes.size(), 13u);
  EXPECT_EQ(names.size(), 13u);
  EXPECT_STREQ(errorCodeName(ErrorCode::MissingMetadata), "missing_metadata");
}

}  // namespace
}  // namespace recap
