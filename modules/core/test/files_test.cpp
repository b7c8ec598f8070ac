#include "recap/core/files.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <sstream>

#include "recap/core/error.h"

namespace fs = std::filesystem;

namespace recap {
namespace {

class FilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("recap-files-test-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  static std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  size_t entries() const { return static_cast<size_t>(std::distance(fs::directory_iterator(dir_), {})); }
  fs::path dir_;
};

TEST_F(FilesTest, WritesAndReplacesWithoutLeftovers) {
  writeFileAtomic(dir_ / "a.json", "first");
  writeFileAtomic(dir_ / "a.json", "second");
  EXPECT_EQ(slurp(dir_ / "a.json"), "second");
  EXPECT_EQ(entries(), 1u);
}

TEST_F(FilesTest, MissingFolderIsAnOutputErrorNamingThePath) {
  try {
    writeFileAtomic(dir_ / "nope" / "a.json", "x");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Output);
    EXPECT_NE(std::string(e.what()).find("nope/a.json"), std::string::npos);
  }
}

// A write that runs out of space (here: the file-size limit) keeps the old file intact and
// leaves no temporary file behind.
TEST_F(FilesTest, FailedWriteKeepsOldContentAndLeavesNothing) {
  writeFileAtomic(dir_ / "a.json", "old");
  struct rlimit old{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old), 0);
  struct rlimit small = old;
  small.rlim_cur = 1024;
  auto previous = std::signal(SIGXFSZ, SIG_IGN);
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  EXPECT_THROW(writeFileAtomic(dir_ / "a.json", std::string(64 * 1024, 'x')), Error);
  setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, previous);
  EXPECT_EQ(slurp(dir_ / "a.json"), "old");
  EXPECT_EQ(entries(), 1u);
}

TEST_F(FilesTest, CommitRenamesTemporarySibling) {
  fs::path target = dir_ / "img.nii.gz";
  fs::path tmp = temporarySibling(target);
  EXPECT_EQ(tmp.parent_path(), dir_);
  { std::ofstream(tmp) << "data"; }
  commitFile(tmp, target);
  EXPECT_FALSE(fs::exists(tmp));
  EXPECT_EQ(slurp(target), "data");
}

TEST_F(FilesTest, EnsureWritableDirectory) {
  EXPECT_NO_THROW(ensureWritableDirectory(dir_ / "x" / "y"));
  EXPECT_TRUE(fs::is_directory(dir_ / "x" / "y"));
  { std::ofstream(dir_ / "file") << "f"; }
  EXPECT_THROW(ensureWritableDirectory(dir_ / "file"), Error);
}

}  // namespace
}  // namespace recap
