// recap batch end to end: a folder of six cases made from one small phantom (two timepoints,
// coarse grids, ~10 s per assess): four good copies, one whose baseline DICOM files are
// truncated, one whose case file has an unknown key. Checks the summary, the exit codes, the
// failure records, that the good cases' assessment.json equals a direct `recap assess`, that a rerun
// skips finished cases and redoes changed ones, that SIGINT leaves no temporary folder, and that
// shards 1/3..3/3 cover every case once and merge to the same batch_summary.csv as one run.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "run.h"

namespace fs = std::filesystem;
using nlohmann::json;

extern char** environ;

namespace recap::e2e {
namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string l; std::getline(ss, l);) out.push_back(l);
  return out;
}

// Entries of `dir` whose name starts with '.' (temporaries).
std::vector<std::string> hidden(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string()[0] == '.') out.push_back(e.path().filename().string());
  return out;
}

std::set<std::string> caseFolders(const fs::path& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_directory() && e.path().filename().string()[0] != '.') out.insert(e.path().filename().string());
  return out;
}

const char* kSpec = R"(name: batch-small
description: A small two-timepoint patient for the batch tests (coarse grids, a short slab).
seed: 808
patient: {id: PH-BATCH, name: "Phantom^Batch", sex: F, birth_date: "19600101", weight_kg: 70, height_m: 1.68}
defaults:
  ct: {matrix: 256, pixel_mm: 1.8, slice_mm: 3, z_from_mm: -180, z_to_mm: -30}
  pet: {matrix: 128, pixel_mm: 5.0, slice_mm: 3, z_from_mm: -180, z_to_mm: -30}
  encoding: {vendor: siemens, transfer_syntax: explicit-little}
timepoints:
  - label: baseline
    date: "20230301"
  - label: fu1
    date: "20230601"
    pose: {shift_mm: [4, -3, 2], rotation_deg: [0, 0, 0.5]}
lesions:
  - id: L1
    kind: nodal
    centre_mm: [42, 25, -120]
    rotation_deg: 30
    states:
      - {diameters_mm: [32, 24, 22], suv: 10}
      - {diameters_mm: [18, 12, 12], suv: 4.0}
  - id: L2
    kind: extranodal
    centre_mm: [-110, 10, -60]
    hu: 35
    states:
      - {diameters_mm: [24, 20, 20], suv: 9}
      - {diameters_mm: [10, 8, 8], suv: 3.0}
)";

const char* kCase = R"(patient_id: "PH-BATCH"
timepoints:
  - label: baseline
    dicom: baseline
  - label: fu1
    dicom: fu1
target_lesions:
  - {id: L1, kind: nodal, seed_mm: [42, 25, -120]}
  - {id: L2, kind: extranodal, seed_mm: [-110, 10, -60]}
)";

const std::vector<std::string> kGood = {"P01", "P02", "P03", "P04"};

class Batch : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("recap-e2e-batch-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ / "spec.yaml") << kSpec;
    const RunResult g = runRecap({"phantom", "--spec", (dir_ / "spec.yaml").string(), "--out", (dir_ / "phantom").string()});
    ASSERT_EQ(g.exit_code, 0) << g.err;
    std::ofstream(dir_ / "phantom" / "case.yaml") << kCase;
    fs::create_directories(dir_ / "cases");
    for (const auto& n : kGood) fs::copy(dir_ / "phantom", dir_ / "cases" / n, fs::copy_options::recursive);
    fs::copy(dir_ / "phantom", dir_ / "cases" / "P05-corrupt", fs::copy_options::recursive);
    for (const auto& f : fs::recursive_directory_iterator(dir_ / "cases" / "P05-corrupt" / "baseline"))
      if (f.is_regular_file()) fs::resize_file(f.path(), 300);  // every baseline file truncated
    fs::copy(dir_ / "phantom", dir_ / "cases" / "P06-badcase", fs::copy_options::recursive);
    std::ofstream(dir_ / "cases" / "P06-badcase" / "case.yaml", std::ios::app) << "spleen_mm: 120\n";

    const auto t0 = std::chrono::steady_clock::now();
    direct_ = runRecap({"assess", (dir_ / "phantom" / "case.yaml").string(), "--out", (dir_ / "direct").string()});
    std::printf("recap assess: %.1f s\n",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    const auto t1 = std::chrono::steady_clock::now();
    first_ = runRecap({"batch", (dir_ / "cases").string(), "--out", (dir_ / "out").string(), "--jobs", "2"});
    std::printf("recap batch (6 cases, 2 jobs): %.1f s\n",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count());
    first_summary_ = readText(dir_ / "out" / "batch_summary.csv");
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }

  static fs::path dir_;
  static RunResult direct_, first_;
  static std::string first_summary_;
};
fs::path Batch::dir_;
RunResult Batch::direct_, Batch::first_;
std::string Batch::first_summary_;

TEST_F(Batch, FirstRunSummaryExitCodeAndFailureRecords) {
  ASSERT_EQ(direct_.exit_code, 0) << direct_.err;
  EXPECT_EQ(first_.exit_code, 11) << first_.err;  // some failed
  const auto rows = lines(first_summary_);
  ASSERT_EQ(rows.size(), 1u + 2 * kGood.size() + 2) << first_summary_;
  EXPECT_EQ(rows[0],
            "case,patient_id,timepoint_index,timepoint,date,days_from_baseline,ct_response,deauville,spd_mm2,"
            "spd_change_from_baseline_pct,pet_response,status,exit_code,error");
  const json a = json::parse(readText(dir_ / "direct" / "assessment.json"));
  for (size_t i = 0; i < kGood.size(); ++i) {
    SCOPED_TRACE(kGood[i]);
    EXPECT_EQ(rows[1 + 2 * i].rfind(kGood[i] + ",PH-BATCH,0,baseline,2023-03-01,0,,", 0), 0u) << rows[1 + 2 * i];
    EXPECT_EQ(rows[2 + 2 * i].rfind(kGood[i] + ",PH-BATCH,1,fu1,2023-06-01,92," +
                                        a["timepoints"][1]["ct_response"].get<std::string>() + ",", 0),
              0u)
        << rows[2 + 2 * i];
    EXPECT_NE(rows[2 + 2 * i].find(",ok,0,"), std::string::npos);
    // The same bytes as a direct recap assess.
    EXPECT_EQ(readText(dir_ / "out" / kGood[i] / "assessment.json"), readText(dir_ / "direct" / "assessment.json"));
    EXPECT_EQ(readText(dir_ / "out" / kGood[i] / "lesions.csv"), readText(dir_ / "direct" / "lesions.csv"));
    EXPECT_TRUE(fs::is_regular_file(dir_ / "out" / kGood[i] / "recap.log"));
    const json d = json::parse(readText(dir_ / "out" / kGood[i] / "batch_digest.json"));
    EXPECT_EQ(d["digest"].get<std::string>().size(), 64u);
    EXPECT_EQ(d["profile"], "lugano2014 1.0.0");
  }
  EXPECT_EQ(a["timepoints"][1]["ct_response"], "PR");

  // The corrupt case: no usable DICOM at baseline (3 no_input or 4 corrupt_input).
  const json corrupt = json::parse(readText(dir_ / "out" / "P05-corrupt" / "batch_error.json"));
  const int corrupt_code = corrupt["exit_code"].get<int>();
  EXPECT_TRUE(corrupt_code == 3 || corrupt_code == 4) << corrupt;
  EXPECT_NE(corrupt["error"].get<std::string>().find("baseline"), std::string::npos) << corrupt;
  EXPECT_EQ(rows[9], "P05-corrupt,,,,,,,,,,,failed," + std::to_string(corrupt_code) + "," +
                         corrupt["error"].get<std::string>());
  EXPECT_FALSE(fs::exists(dir_ / "out" / "P05-corrupt" / "assessment.json"));
  EXPECT_TRUE(fs::is_regular_file(dir_ / "out" / "P05-corrupt" / "recap.log"));

  // The bad case file: exit 9, the error names the file and the key.
  const json bad = json::parse(readText(dir_ / "out" / "P06-badcase" / "batch_error.json"));
  EXPECT_EQ(bad["exit_code"], 9);
  EXPECT_NE(bad["error"].get<std::string>().find("P06-badcase/case.yaml: spleen_mm: unknown key"), std::string::npos)
      << bad;
  EXPECT_EQ(rows[10].rfind("P06-badcase,,,,,,,,,,,failed,9,", 0), 0u) << rows[10];
  EXPECT_NE(first_.err.find("P06-badcase: failed, exit code 9"), std::string::npos) << first_.err;

  EXPECT_TRUE(hidden(dir_ / "out").empty());
  const std::string html = readText(dir_ / "out" / "batch_report.html");
  EXPECT_NE(html.find("waterfall plot"), std::string::npos);
  EXPECT_NE(html.find("spider plot"), std::string::npos);
  EXPECT_NE(html.find("P06-badcase"), std::string::npos);
}

TEST_F(Batch, RerunSkipsFinishedCasesAndRedoesChangedOnes) {
  std::map<std::string, fs::file_time_type> before;
  for (const auto& n : kGood) before[n] = fs::last_write_time(dir_ / "out" / n / "assessment.json");
  const RunResult again = runRecap({"batch", (dir_ / "cases").string(), "--out", (dir_ / "out").string(), "--jobs", "2"});
  EXPECT_EQ(again.exit_code, 11) << again.err;
  for (const auto& n : kGood) {
    EXPECT_NE(again.err.find(n + ": skipped (up to date)"), std::string::npos) << again.err;
    EXPECT_EQ(fs::last_write_time(dir_ / "out" / n / "assessment.json"), before[n]) << n;
  }
  EXPECT_EQ(again.err.find("P05-corrupt: skipped"), std::string::npos);  // failures are retried
  EXPECT_EQ(readText(dir_ / "out" / "batch_summary.csv"), first_summary_);

  // A DICOM file's modification time (P02) and the case file (P03) change: those two rerun.
  fs::path dicom;
  for (const auto& f : fs::recursive_directory_iterator(dir_ / "cases" / "P02" / "fu1"))
    if (f.is_regular_file()) dicom = f.path();
  fs::last_write_time(dicom, fs::last_write_time(dicom) + std::chrono::seconds(10));
  std::ofstream(dir_ / "cases" / "P03" / "case.yaml", std::ios::app) << "# reviewed again\n";
  const RunResult third = runRecap({"batch", (dir_ / "cases").string(), "--out", (dir_ / "out").string(), "--jobs", "2"});
  EXPECT_EQ(third.exit_code, 11) << third.err;
  for (const auto& n : {"P01", "P04"}) EXPECT_NE(third.err.find(std::string(n) + ": skipped (up to date)"), std::string::npos);
  for (const auto& n : {"P02", "P03"}) {
    EXPECT_NE(third.err.find(std::string(n) + ": ok"), std::string::npos) << third.err;
    EXPECT_NE(fs::last_write_time(dir_ / "out" / n / "assessment.json"), before[n]) << n;
  }
  EXPECT_EQ(readText(dir_ / "out" / "batch_summary.csv"), first_summary_);
  EXPECT_TRUE(hidden(dir_ / "out").empty());
}

TEST_F(Batch, InterruptLeavesNoHalfWrittenCase) {
  const std::string before = readText(dir_ / "out" / "P01" / "assessment.json");
  std::vector<std::string> args = {RECAP_EXE, "batch", (dir_ / "cases").string(), "--out", (dir_ / "out").string(),
                                   "--jobs", "2", "--force"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 2, (dir_ / "interrupt.err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, RECAP_EXE, &fa, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  // Wait until the case processes are running (their temporary folders exist), then Ctrl-C.
  for (int i = 0; i < 100 && hidden(dir_ / "out").empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ::kill(pid, SIGINT);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 10) << readText(dir_ / "interrupt.err");
  EXPECT_NE(readText(dir_ / "interrupt.err").find("stopping on SIGINT"), std::string::npos);
  EXPECT_TRUE(hidden(dir_ / "out").empty());
  EXPECT_EQ(readText(dir_ / "out" / "P01" / "assessment.json"), before);  // the earlier result is intact
  // Unfinished cases keep their earlier, still valid results in the summary.
  EXPECT_EQ(readText(dir_ / "out" / "batch_summary.csv"), first_summary_);
}

TEST_F(Batch, ShardsCoverEveryCaseOnceAndMergeToTheSameSummary) {
  std::map<std::string, int> seen;
  std::vector<std::string> merge = {"batch", "--out", (dir_ / "merged").string(), "--merge"};
  for (int k = 1; k <= 3; ++k) {
    const fs::path out = dir_ / ("shard" + std::to_string(k));
    const RunResult r = runRecap({"batch", (dir_ / "cases").string(), "--out", out.string(), "--jobs", "2", "--shard",
                                  std::to_string(k) + "/3"});
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 11 || r.exit_code == 12) << r.err;
    EXPECT_NE(r.err.find("shard " + std::to_string(k) + "/3: 2 of 6 cases"), std::string::npos) << r.err;
    for (const auto& c : caseFolders(out)) ++seen[c];
    merge.push_back(out.string());
  }
  ASSERT_EQ(seen.size(), 6u);
  for (const auto& [c, n] : seen) EXPECT_EQ(n, 1) << c;
  const RunResult m = runRecap(merge);
  EXPECT_EQ(m.exit_code, 11) << m.err;
  EXPECT_EQ(readText(dir_ / "merged" / "batch_summary.csv"), first_summary_);
  // Merging a shard twice is refused.
  const RunResult twice = runRecap({"batch", "--out", (dir_ / "merged2").string(), "--merge", (dir_ / "shard1").string(),
                                    (dir_ / "shard1").string()});
  EXPECT_EQ(twice.exit_code, 2) << twice.err;
}

TEST_F(Batch, ManifestOfOnlyFailingCasesExits12) {
  std::ofstream(dir_ / "manifest.csv") << "case_file,name\ncases/P06-badcase/case.yaml,bad-one\n";
  const RunResult r = runRecap({"batch", (dir_ / "manifest.csv").string(), "--out", (dir_ / "none").string()});
  EXPECT_EQ(r.exit_code, 12) << r.err;
  EXPECT_TRUE(fs::is_regular_file(dir_ / "none" / "bad-one" / "batch_error.json"));
  const RunResult missing = runRecap({"batch", (dir_ / "nowhere").string(), "--out", (dir_ / "none").string()});
  EXPECT_EQ(missing.exit_code, 3) << missing.err;
  // Results written over the inputs are refused before anything runs.
  const RunResult over = runRecap({"batch", (dir_ / "cases").string(), "--out", (dir_ / "cases").string()});
  EXPECT_EQ(over.exit_code, 2) << over.err;
  EXPECT_NE(over.err.find("would replace its input"), std::string::npos) << over.err;
  EXPECT_TRUE(fs::is_regular_file(dir_ / "cases" / "P01" / "case.yaml"));
  EXPECT_TRUE(hidden(dir_ / "cases").empty());
}

}  // namespace
}  // namespace recap::e2e
