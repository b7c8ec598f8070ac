#include "recap/listen/config.h"

#include <gtest/gtest.h>

#include <fstream>

#include "recap/core/error.h"

namespace fs = std::filesystem;
using recap::Error;
using recap::ErrorCode;
using recap::listen::loadConfig;

namespace {
fs::path write(const std::string& text) {
  const fs::path dir = fs::temp_directory_path() / ("recap_listen_cfg_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path p = dir / "listen.yaml";
  std::ofstream(p) << text;
  return p;
}
ErrorCode codeOf(const std::string& text, std::string* what = nullptr) {
  try {
    loadConfig(write(text));
  } catch (const Error& e) {
    if (what) *what = e.what();
    return e.code();
  }
  return ErrorCode::Internal;
}
}  // namespace

TEST(ListenConfig, ReadsTheIssueExampleWithRelativeFolders) {
  const fs::path p = write(
      "ae_title: RECAP\nport: 11112\nallowed_callers: [PACS1, MODALITY2]\narchive: arch\n"
      "registry: /var/lib/recap/registry\nstable_age_s: 2.5\n"
      "destinations: [{ae_title: PACS1, host: 10.0.0.5, port: 104}]\n");
  const auto c = loadConfig(p);
  EXPECT_EQ(c.ae_title, "RECAP");
  EXPECT_EQ(c.port, 11112);
  ASSERT_EQ(c.allowed_callers.size(), 2u);
  EXPECT_EQ(c.allowed_callers[1], "MODALITY2");
  EXPECT_EQ(c.archive, p.parent_path() / "arch");
  EXPECT_EQ(c.registry, fs::path("/var/lib/recap/registry"));
  EXPECT_EQ(c.state, p.parent_path() / "arch" / ".recap");
  EXPECT_DOUBLE_EQ(c.stable_age_s, 2.5);
  ASSERT_EQ(c.destinations.size(), 1u);
  EXPECT_EQ(c.destinations[0].host, "10.0.0.5");
  EXPECT_EQ(c.destinations[0].port, 104);
  EXPECT_EQ(c.max_jobs, 1);
}

TEST(ListenConfig, DefaultStableAgeIsOrthancs60Seconds) {
  EXPECT_DOUBLE_EQ(loadConfig(write("allowed_callers: [A]\narchive: a\nregistry: r\n")).stable_age_s, 60.0);
}

TEST(ListenConfig, RefusesBadKeysAndValuesNamingThem) {
  std::string what;
  EXPECT_EQ(codeOf("allowed_callers: [A]\narchive: a\nregistry: r\nstable_age: 3\n", &what), ErrorCode::Usage);
  EXPECT_NE(what.find("stable_age: unknown key"), std::string::npos) << what;
  EXPECT_EQ(codeOf("allowed_callers: [A]\narchive: a\nregistry: r\nport: 70000\n", &what), ErrorCode::Usage);
  EXPECT_NE(what.find("port"), std::string::npos) << what;
  EXPECT_EQ(codeOf("allowed_callers: [THIS_IS_LONGER_THAN_16]\narchive: a\nregistry: r\n", &what), ErrorCode::Usage);
  EXPECT_EQ(codeOf("archive: a\nregistry: r\n", &what), ErrorCode::Usage);
  EXPECT_NE(what.find("allowed_callers"), std::string::npos) << what;
  EXPECT_EQ(codeOf("allowed_callers: [A]\nregistry: r\n", &what), ErrorCode::Usage);
  EXPECT_EQ(codeOf("allowed_callers: [A]\narchive: a\nregistry: r\ndestinations: [{ae_title: X, port: 4}]\n", &what),
            ErrorCode::Usage);
  EXPECT_NE(what.find("destinations[0]"), std::string::npos) << what;
  EXPECT_EQ(codeOf("allowed_callers: [A]\narchive: a\nregistry: r\nstable_age_s: 0\n"), ErrorCode::Usage);
}
