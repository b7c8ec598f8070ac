#include "recap/batch/cases.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <set>

#include "recap/core/error.h"

namespace fs = std::filesystem;

namespace recap::batch {
namespace {

template <typename F>
std::string errorOf(F f, ErrorCode expected) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), expected) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return "";
}

TEST(Manifest, CsvWithAndWithoutNames) {
  const auto cases = parseCsvManifest("case_file,name\np2/case.yaml,\n/abs/x.yaml,Z9\nq/b.yaml,A1\n", "m.csv", "/data");
  ASSERT_EQ(cases.size(), 3u);
  EXPECT_EQ(cases[0].name, "A1");
  EXPECT_EQ(cases[0].case_file, fs::path("/data/q/b.yaml"));
  EXPECT_EQ(cases[1].name, "Z9");
  EXPECT_EQ(cases[1].case_file, fs::path("/abs/x.yaml"));
  EXPECT_EQ(cases[2].name, "p2");  // case.yaml: named after its folder
}

TEST(Manifest, CsvErrorsNameFileAndLine) {
  EXPECT_NE(errorOf([] { parseCsvManifest("file\na.yaml\n", "m.csv", "."); }, ErrorCode::CaseFile)
                .find("m.csv: line 1: unknown column 'file'"),
            std::string::npos);
  EXPECT_NE(errorOf([] { parseCsvManifest("name\nA\n", "m.csv", "."); }, ErrorCode::CaseFile).find("no case_file column"),
            std::string::npos);
  EXPECT_NE(errorOf([] { parseCsvManifest("case_file,name\na.yaml,A\nb.yaml\n", "m.csv", "."); }, ErrorCode::CaseFile)
                .find("m.csv: line 3: 1 cells"),
            std::string::npos);
  EXPECT_NE(errorOf([] { parseCsvManifest("case_file,name\na.yaml,A\nb.yaml,A\n", "m.csv", "."); }, ErrorCode::CaseFile)
                .find("line 3: case name 'A' already used at line 2"),
            std::string::npos);
  EXPECT_NE(errorOf([] { parseCsvManifest("case_file,name\na.yaml,../up\n", "m.csv", "."); }, ErrorCode::CaseFile)
                .find("not a valid folder name"),
            std::string::npos);
  errorOf([] { parseCsvManifest("case_file\n", "m.csv", "."); }, ErrorCode::NoInput);
  errorOf([] { parseCsvManifest("case_file\n\"a.yaml\n", "m.csv", "."); }, ErrorCode::CaseFile);
}

TEST(Manifest, Yaml) {
  const auto cases = parseYamlManifest("cases:\n  - b/case.yaml\n  - {case_file: c.yaml, name: A}\n", "m.yaml", "/d");
  ASSERT_EQ(cases.size(), 2u);
  EXPECT_EQ(cases[0].name, "A");
  EXPECT_EQ(cases[1].name, "b");
  EXPECT_EQ(cases[1].case_file, fs::path("/d/b/case.yaml"));
}

TEST(Manifest, YamlErrors) {
  EXPECT_NE(errorOf([] { parseYamlManifest("patient_id: X\n", "m.yaml", "."); }, ErrorCode::CaseFile)
                .find("not a batch manifest"),
            std::string::npos);
  EXPECT_NE(errorOf([] { parseYamlManifest("cases:\n  - {case_file: a.yaml, nmae: A}\n", "m.yaml", "."); },
                    ErrorCode::CaseFile)
                .find("m.yaml: cases[0].nmae: unknown key"),
            std::string::npos);
  EXPECT_NE(errorOf([] { parseYamlManifest("cases:\n  - {name: A}\n", "m.yaml", "."); }, ErrorCode::CaseFile)
                .find("cases[0]: case_file missing"),
            std::string::npos);
  errorOf([] { parseYamlManifest("cases: [a.yaml\n", "m.yaml", "."); }, ErrorCode::CaseFile);
  errorOf([] { parseYamlManifest("cases: 3\n", "m.yaml", "."); }, ErrorCode::CaseFile);
}

TEST(Discover, FolderOfCasesSortedByName) {
  const fs::path dir = fs::temp_directory_path() / ("recap-batch-discover-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  for (const char* n : {"P3", "P1", "P2", "no-case", ".hidden"}) fs::create_directories(dir / n);
  for (const char* n : {"P3", "P1", "P2", ".hidden"}) std::ofstream(dir / n / "case.yaml") << "x: 1\n";
  const auto cases = discoverCases(dir);
  ASSERT_EQ(cases.size(), 3u);
  EXPECT_EQ(cases[0].name, "P1");
  EXPECT_EQ(cases[2].case_file, dir / "P3" / "case.yaml");
  errorOf([&] { discoverCases(dir / "no-case"); }, ErrorCode::NoInput);
  errorOf([&] { discoverCases(dir / "missing"); }, ErrorCode::NoInput);
  std::ofstream(dir / "list.txt") << "x\n";
  errorOf([&] { discoverCases(dir / "list.txt"); }, ErrorCode::NoInput);
  fs::remove_all(dir);
}

TEST(Shards, ParseAndRefuse) {
  const Shard s = parseShard("2/5");
  EXPECT_EQ(s.index, 2);
  EXPECT_EQ(s.count, 5);
  for (const char* bad : {"0/3", "4/3", "3", "/3", "1/", "a/b", "1/0", "-1/3", "1/3/4"})
    errorOf([&] { parseShard(bad); }, ErrorCode::Usage);
}

TEST(Shards, CoverEveryCaseExactlyOnce) {
  for (size_t total : {0u, 1u, 2u, 7u, 50u}) {
    std::vector<CaseEntry> cases;
    for (size_t i = 0; i < total; ++i) cases.push_back({"C" + std::to_string(100 + i), "x"});
    for (int n = 1; n <= 9; ++n) {
      std::multiset<std::string> seen;
      size_t biggest = 0, smallest = total;
      for (int k = 1; k <= n; ++k) {
        const auto part = shardCases(cases, {k, n});
        biggest = std::max(biggest, part.size());
        smallest = std::min(smallest, part.size());
        for (const auto& c : part) seen.insert(c.name);
        const auto again = shardCases(cases, {k, n});  // deterministic
        ASSERT_EQ(again.size(), part.size());
        for (size_t i = 0; i < part.size(); ++i) EXPECT_EQ(again[i].name, part[i].name);
      }
      EXPECT_EQ(seen.size(), total) << total << " cases, " << n << " shards";
      for (const auto& c : cases) EXPECT_EQ(seen.count(c.name), 1u);
      EXPECT_LE(biggest - smallest, 1u);  // balanced
    }
  }
}

}  // namespace
}  // namespace recap::batch
