// recap assess end to end on the bundled sample patient (3 timepoints: baseline, a partial
// response, progression from the nadir): the phantom is generated with `recap phantom`, a case file
// is written from its truth.json (targets at their baseline centres, new lesions at their centres
// where they appear), and assessment.json, lesions.csv and report.html are checked against the truth
// and each other. Bad case files and an occupied output folder are refused with their documented
// exit codes. The sample's report.html and assessment.json are left in RECAP_E2E_ARTIFACTS for the
// headless-browser test (report_browser_test.cpp).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "preset_names.h"
#include "run.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace recap::e2e {
namespace {

std::string num(double v) {
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}

std::string seedText(const json& centre) {
  return "[" + num(centre[0].get<double>()) + ", " + num(centre[1].get<double>()) + ", " + num(centre[2].get<double>()) + "]";
}

double seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// A preset patient, generated and assessed once (the sample: ~40 s + ~35 s); the checks share it.
struct Sample {
  std::string preset, patient_id;
  fs::path dir;
  RunResult generated, assessed;
  std::vector<std::string> labels;
  std::vector<json> truth;
  std::string case_text;
};

Sample makeSample(const std::string& preset, const std::string& patient_id) {
  Sample s;
  s.preset = preset;
  s.patient_id = patient_id;
  s.dir = fs::temp_directory_path() / ("recap-e2e-assess-" + preset + "-" + std::to_string(::getpid()));
  fs::remove_all(s.dir);
  fs::create_directories(s.dir);
  auto t0 = std::chrono::steady_clock::now();
  s.generated = runRecap({"phantom", "--preset", preset, "--out", (s.dir / "sample").string()});
  std::printf("recap phantom --preset %s: %.1f s\n", preset.c_str(), seconds(t0));
  if (s.generated.exit_code != 0) return s;
  const json phantom = json::parse(readText(s.dir / "sample" / "phantom.json"));
  for (const json& tp : phantom["timepoints"]) {
    s.labels.push_back(tp["label"].get<std::string>());
    s.truth.push_back(json::parse(readText(s.dir / "sample" / s.labels.back() / "truth.json")));
  }
  // The case file, as a reviewer would mark the lesions: targets at their baseline centres, new
  // lesions at their centres on the timepoint where they first appear.
  std::string text = "patient_id: \"" + patient_id + "\"\ntimepoints:\n";
  for (size_t t = 0; t < s.labels.size(); ++t) {
    text += "  - label: " + s.labels[t] + "\n    dicom: " + s.labels[t] + "\n";
    std::string news;
    for (const json& l : s.truth[t]["lesions"]) {
      if (t == 0 || !l["present"].get<bool>()) continue;
      bool seen_before = false;
      for (size_t u = 0; u < t; ++u)
        for (const json& p : s.truth[u]["lesions"])
          if (p["id"] == l["id"] && p["present"].get<bool>()) seen_before = true;
      if (!seen_before)
        news += "      - {id: " + l["id"].get<std::string>() + ", kind: " + l["kind"].get<std::string>() +
                ", seed_mm: " + seedText(l["centre_mm"]) + "}\n";
    }
    if (!news.empty()) text += "    new_lesions:\n" + news;
  }
  text += "target_lesions:\n";
  for (const json& l : s.truth[0]["lesions"])
    if (l["present"].get<bool>())
      text += "  - {id: " + l["id"].get<std::string>() + ", kind: " + l["kind"].get<std::string>() +
              ", seed_mm: " + seedText(l["centre_mm"]) + "}\n";
  s.case_text = text;
  std::ofstream(s.dir / "sample" / "case.yaml") << text;
  t0 = std::chrono::steady_clock::now();
  s.assessed = runRecap({"assess", (s.dir / "sample" / "case.yaml").string(), "--out", (s.dir / "out").string()});
  std::printf("recap assess: %.1f s\n%s", seconds(t0), s.assessed.out.c_str());
  return s;
}

// Rows the outputs hold: every target at every timepoint, and each new lesion from the timepoint
// where it first appears (from the truth).
size_t lesionRows(const Sample& s) {
  size_t rows = 0, targets = 0, news = 0;
  for (const json& l : s.truth[0]["lesions"]) targets += l["present"].get<bool>();
  for (size_t t = 0; t < s.truth.size(); ++t) {
    if (t > 0)
      for (const json& l : s.truth[t]["lesions"]) {
        bool before = false;
        for (size_t u = 0; u < t; ++u)
          for (const json& p : s.truth[u]["lesions"]) before = before || (p["id"] == l["id"] && p["present"].get<bool>());
        news += !before && l["present"].get<bool>();
      }
    rows += targets + news;
  }
  return rows;
}

void checkAgainstTruth(const Sample& s) {
  const fs::path& dir_ = s.dir;
  const auto& labels_ = s.labels;
  const auto& truth_ = s.truth;
  const auto& assessed_ = s.assessed;
  const json a = json::parse(readText(dir_ / "out" / "assessment.json"));
  EXPECT_EQ(a["patient_id"], s.patient_id);
  EXPECT_EQ(a["criteria"]["name"], "lugano2014");
  EXPECT_TRUE(a["criteria"]["version"].is_string());
  ASSERT_EQ(a["timepoints"].size(), labels_.size());
  for (size_t t = 0; t < labels_.size(); ++t) {
    const json& tp = a["timepoints"][t];
    const json& truth = truth_[t];
    SCOPED_TRACE(labels_[t]);
    EXPECT_EQ(tp["label"], labels_[t]);
    const std::string date = truth["date"].get<std::string>();
    EXPECT_EQ(tp["date"], date.substr(0, 4) + "-" + date.substr(4, 2) + "-" + date.substr(6, 2));
    EXPECT_EQ(tp["ct_response"], truth["expected"]["ct_response"]);  // null at baseline
    EXPECT_EQ(tp["deauville"], truth["expected"]["deauville"]);
    for (const char* key : {"label", "date", "ct_response", "response_reasons", "deauville", "qpet", "pet_response",
                            "liver_suv_mean", "liver_suv_max", "blood_pool_suv_mean", "spleen_length_mm", "spd_mm2",
                            "spd_change_from_baseline_pct", "spd_change_from_nadir_pct", "lesions"})
      EXPECT_TRUE(tp.contains(key)) << key;
    EXPECT_EQ(tp.size(), 15u);
    EXPECT_FALSE(tp["response_reasons"].empty());
    EXPECT_EQ(tp["spd_change_from_baseline_pct"].is_null(), t == 0);
    double spd = 0;
    for (const json& l : tp["lesions"]) {
      const std::string id = l["id"].get<std::string>();
      SCOPED_TRACE(id);
      EXPECT_EQ(l.size(), 14u);
      const auto it = std::find_if(truth["lesions"].begin(), truth["lesions"].end(), [&](const json& x) { return x["id"] == id; });
      ASSERT_NE(it, truth["lesions"].end());
      const json& lt = *it;
      EXPECT_EQ(l["kind"], lt["kind"]);
      EXPECT_EQ(l["status"], lt["status"]);
      EXPECT_EQ(l["new"].get<bool>(), t > 0 && lt["new"].get<bool>());
      if (!l["new"].get<bool>()) spd += l["ppd_mm2"].get<double>();
      const std::string status = l["status"].get<std::string>();
      if (status == "absent") EXPECT_EQ(l["ppd_mm2"].get<double>(), 0.0);
      if (status == "too_small") EXPECT_EQ(l["ppd_mm2"].get<double>(), 25.0);
      if (status == "measured") {
        EXPECT_NEAR(l["ppd_mm2"].get<double>(), l["ldi_mm"].get<double>() * l["sdi_mm"].get<double>(), 0.01);
        EXPECT_TRUE(l["ldi_ends_mm"].is_array() && l["sdi_ends_mm"].is_array());
        EXPECT_TRUE(l["slice_index"].is_number_integer());
      }
      // The accuracy target (docs/segmentation.md): max(1 mm, 5 %) for lesions of 10 mm or more.
      const double true_ldi = lt["ldi_mm"].get<double>(), true_sdi = lt["sdi_mm"].get<double>();
      if (status == "measured" && true_ldi >= 10) {
        EXPECT_NEAR(l["ldi_mm"].get<double>(), true_ldi, std::max(1.0, 0.05 * true_ldi)) << "LDi";
        EXPECT_NEAR(l["sdi_mm"].get<double>(), true_sdi, std::max(1.0, 0.05 * true_sdi)) << "SDi";
      }
    }
    EXPECT_NEAR(tp["spd_mm2"].get<double>(), spd, 0.01);
    // Every target appears at every timepoint.
    for (const json& l : truth_[0]["lesions"])
      if (l["present"].get<bool>())
        EXPECT_TRUE(std::any_of(tp["lesions"].begin(), tp["lesions"].end(), [&](const json& x) { return x["id"] == l["id"]; }))
            << l["id"];
  }
  // The summary table on stdout: one line per timepoint with its label and response.
  for (size_t t = 0; t < labels_.size(); ++t) {
    std::string line;
    std::istringstream out(assessed_.out);
    while (std::getline(out, line) && line.rfind(labels_[t] + " ", 0) != 0) {
    }
    ASSERT_EQ(line.rfind(labels_[t] + " ", 0), 0u) << "no summary line for " << labels_[t] << " in\n" << assessed_.out;
    if (t > 0) EXPECT_NE(line.find(" " + truth_[t]["expected"]["ct_response"].get<std::string>() + " "), std::string::npos) << line;
  }
}

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> cells;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, sep)) cells.push_back(cell);
  if (!line.empty() && line.back() == sep) cells.push_back("");
  return cells;
}

void checkCsv(const Sample& s) {
  const fs::path& dir_ = s.dir;
  const auto& labels_ = s.labels;
  const json a = json::parse(readText(dir_ / "out" / "assessment.json"));
  std::istringstream csv(readText(dir_ / "out" / "lesions.csv"));
  std::string line;
  std::getline(csv, line);
  const std::vector<std::string> header = split(line, ',');
  EXPECT_EQ(line,
            "patient_id,timepoint,date,lesion_id,kind,new,status,ldi_mm,sdi_mm,ppd_mm2,suv_max,suv_peak,"
            "centre_x_mm,centre_y_mm,centre_z_mm,slice_index,slice_z_mm");
  size_t rows = 0;
  for (const json& tp : a["timepoints"])
    for (const json& l : tp["lesions"]) {
      ASSERT_TRUE(std::getline(csv, line));
      ++rows;
      const auto cells = split(line, ',');
      ASSERT_EQ(cells.size(), header.size()) << line;
      std::map<std::string, std::string> row;
      for (size_t i = 0; i < cells.size(); ++i) row[header[i]] = cells[i];
      EXPECT_EQ(row["patient_id"], a["patient_id"]);
      EXPECT_EQ(row["timepoint"], tp["label"]);
      EXPECT_EQ(row["date"], tp["date"]);
      EXPECT_EQ(row["lesion_id"], l["id"]);
      EXPECT_EQ(row["kind"], l["kind"]);
      EXPECT_EQ(row["status"], l["status"]);
      EXPECT_EQ(row["new"], l["new"].get<bool>() ? "true" : "false");
      for (const char* k : {"ldi_mm", "sdi_mm", "ppd_mm2", "suv_max", "suv_peak", "slice_z_mm", "slice_index"}) {
        if (l[k].is_null()) EXPECT_EQ(row[k], "") << k;
        else EXPECT_NEAR(std::stod(row[k]), l[k].get<double>(), 1e-9) << k;
      }
      for (int i = 0; i < 3; ++i)
        EXPECT_NEAR(std::stod(row[std::string("centre_") + "xyz"[i] + "_mm"]), l["centre_mm"][i].get<double>(), 1e-9);
    }
  EXPECT_FALSE(std::getline(csv, line)) << "extra row: " << line;
  EXPECT_EQ(rows, lesionRows(s));
}

// The text after `from` up to the next `to`, searching from `pos`; advances `pos` ("" if absent).
std::string between(const std::string& s, const std::string& from, const std::string& to, size_t& pos) {
  const size_t a = s.find(from, pos);
  if (a == std::string::npos) return {};
  const size_t b = s.find(to, a + from.size());
  if (b == std::string::npos) return {};
  pos = b;
  return s.substr(a + from.size(), b - a - from.size());
}

void checkReport(const Sample& s) {
  const fs::path out = s.dir / "out";
  ASSERT_TRUE(fs::exists(out / "report.html"));
  // Written atomically: nothing but the three outputs in the folder (no temporary file left).
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(out)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"assessment.json", "lesions.csv", "report.html"}));
  const std::string h = readText(out / "report.html");
  const json a = json::parse(readText(out / "assessment.json"));
  EXPECT_EQ(h.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(h.find("</html>"), std::string::npos);
  EXPECT_NE(h.find(s.patient_id), std::string::npos);
  EXPECT_NE(h.find("lugano2014 " + a["criteria"]["version"].get<std::string>()), std::string::npos);
  // Every timepoint and every lesion, and the measurements table's numbers those of assessment.json.
  for (const json& tp : a["timepoints"]) {
    const std::string label = tp["label"].get<std::string>();
    EXPECT_NE(h.find("id=\"tp-" + label + "\""), std::string::npos) << label;
    EXPECT_NE(h.find(tp["date"].get<std::string>()), std::string::npos) << label;
    for (const json& r : tp["response_reasons"]) EXPECT_NE(h.find(r["rule"].get<std::string>()), std::string::npos);
  }
  size_t pos = h.find("<table class=\"measurements\">");
  ASSERT_NE(pos, std::string::npos);
  size_t rows = 0;
  for (const json& tp : a["timepoints"])
    for (const json& l : tp["lesions"]) {
      const std::string row = between(h, "<tr data-timepoint=\"", "</tr>", pos);
      ASSERT_FALSE(row.empty());
      ++rows;
      EXPECT_EQ(row.rfind(tp["label"].get<std::string>() + "\" data-lesion=\"" + l["id"].get<std::string>() + "\"", 0), 0u) << row;
      for (const char* k : {"ldi_mm", "sdi_mm", "ppd_mm2", "suv_max", "suv_peak"}) {
        size_t p = 0;
        const std::string cell = between(row, std::string("class=\"") + k + " num\">", "<", p);
        if (l[k].is_null()) {
          EXPECT_EQ(cell, "n/a") << k;
        } else {
          EXPECT_EQ(std::stod(cell), l[k].get<double>()) << k << " of " << l["id"] << " at " << tp["label"];
        }
      }
      for (const char* k : {"kind", "status"}) {
        size_t p = 0;
        EXPECT_EQ(between(row, std::string("class=\"") + k + "\">", "<", p), l[k].get<std::string>());
      }
    }
  EXPECT_EQ(rows, lesionRows(s));
  // One CT and one PET/CT image per lesion per timepoint, and the plot; all PNG data URIs.
  size_t images = 0, png = 0;
  for (size_t p = h.find("<img "); p != std::string::npos; p = h.find("<img ", p + 1)) {
    ++images;
    png += h.compare(p, 37, "<img src=\"data:image/png;base64,iVBOR") == 0;
  }
  EXPECT_EQ(images, 2 * rows + 1);
  EXPECT_EQ(png, images);
}

// assessment.json against the truth, lesions.csv and report.html against assessment.json.
void checkOutputs(const Sample& s) {
  {
    SCOPED_TRACE("assessment.json against truth.json");
    checkAgainstTruth(s);
  }
  {
    SCOPED_TRACE("lesions.csv against assessment.json");
    checkCsv(s);
  }
  {
    SCOPED_TRACE("report.html against assessment.json");
    checkReport(s);
  }
}

// One test (generation and two assessments of a full-size patient, about 2 minutes): responses,
// Deauville, lesion states and diameters against the truth; the CSV against the JSON; a rerun gives
// the same bytes; the occupied output folder is refused.
TEST(Assess, SamplePatientMatchesItsTruthAndRerunsIdentically) {
  const fs::path artifacts = RECAP_E2E_ARTIFACTS;  // for report_browser_test.cpp; never a stale one
  fs::remove_all(artifacts);
  const Sample s = makeSample("sample", "SAMPLE-001");
  ASSERT_EQ(s.generated.exit_code, 0) << s.generated.err;
  ASSERT_EQ(s.assessed.exit_code, 0) << s.assessed.err;
  fs::create_directories(artifacts);
  for (const char* f : {"report.html", "assessment.json"})
    fs::copy_file(s.dir / "out" / f, artifacts / f, fs::copy_options::overwrite_existing);
  checkOutputs(s);
  const RunResult occupied = runRecap({"assess", (s.dir / "sample" / "case.yaml").string(), "--out", (s.dir / "out").string()});
  EXPECT_EQ(occupied.exit_code, 8);
  EXPECT_NE(occupied.err.find("use --force"), std::string::npos) << occupied.err;

  const auto t0 = std::chrono::steady_clock::now();
  const RunResult again = runRecap({"assess", (s.dir / "sample" / "case.yaml").string(), "--out", (s.dir / "out-rerun").string()});
  std::printf("rerun: %.1f s\n", seconds(t0));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, s.assessed.out);
  EXPECT_EQ(readText(s.dir / "out-rerun" / "assessment.json"), readText(s.dir / "out" / "assessment.json"));
  EXPECT_EQ(readText(s.dir / "out-rerun" / "lesions.csv"), readText(s.dir / "out" / "lesions.csv"));
  EXPECT_EQ(readText(s.dir / "out-rerun" / "report.html"), readText(s.dir / "out" / "report.html"));
  fs::remove_all(s.dir);
}

// Other presets end to end through DICOM (each ~1.5 min): pd-spleen (spleen progression from
// splenomegaly, a 58 mm lobulated mass, Philips SUV factors, JPEG-LS near-lossless, unsigned CT) and
// pr (a partial response; GE private scan time, feet-first, RLE, 0.78 mm pixels). Not yet vanished:
// its fu1 L1 (a node 1-2 mm off the psoas) measures 1.4 mm long on the draw of noise the preset
// writes (docs/segmentation.md, issue 4).
class AssessPreset : public ::testing::TestWithParam<std::string> {};

TEST_P(AssessPreset, MatchesItsTruth) {
  std::string id = GetParam();
  for (char& c : id) c = char(std::toupper(static_cast<unsigned char>(c)));
  const Sample s = makeSample(GetParam(), id);
  ASSERT_EQ(s.generated.exit_code, 0) << s.generated.err;
  ASSERT_EQ(s.assessed.exit_code, 0) << s.assessed.err;
  checkOutputs(s);
  fs::remove_all(s.dir);
}

INSTANTIATE_TEST_SUITE_P(Presets, AssessPreset, ::testing::Values("pd-spleen", "pr"),
                         testing::presetTestName);

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const size_t p = text.find(from);
  EXPECT_NE(p, std::string::npos) << from;
  return p == std::string::npos ? text : text.replace(p, from.size(), to);
}

// Case files that are refused before any image is read: a small folder tree without images.
class AssessCaseFile : public ::testing::Test {
 protected:
  void SetUp() override {
    static int n = 0;
    dir_ = fs::temp_directory_path() / ("recap-e2e-case-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::remove_all(dir_);
    for (const char* d : {"baseline", "fu1", "fu2"}) fs::create_directories(dir_ / "sample" / d);
    std::ofstream(dir_ / "sample" / "baseline" / "notes.txt") << "no images here\n";
    case_text_ =
        "patient_id: P-1\ntimepoints:\n  - {label: baseline, dicom: baseline}\n  - {label: fu1, dicom: fu1}\n"
        "  - label: fu2\n    dicom: fu2\n    new_lesions: [{id: N1, kind: nodal, seed_mm: [1, 2, 3]}]\n"
        "target_lesions:\n  - {id: L1, kind: nodal, seed_mm: [42.0, 25.0, -120.0]}\n"
        "  - {id: L2, kind: extranodal, seed_mm: [-25.0, 5.0, 150.0]}\n";
  }
  void TearDown() override { fs::remove_all(dir_); }
  RunResult assessVariant(const std::string& text, const std::string& name) {
    const fs::path p = dir_ / "sample" / name;
    std::ofstream(p) << text;
    return runRecap({"assess", p.string(), "--out", (dir_ / ("out-" + name)).string()});
  }
  fs::path dir_;
  std::string case_text_;
};

TEST_F(AssessCaseFile, BadCaseFilesExit9NamingTheKeyOrFile) {
  {
    const RunResult r = assessVariant(case_text_ + "reviewer: me\n", "unknown-key.yaml");
    EXPECT_EQ(r.exit_code, 9);
    EXPECT_NE(r.err.find("unknown-key.yaml: reviewer: unknown key"), std::string::npos) << r.err;
  }
  {
    std::string text = case_text_;
    for (int i = 0; i < 7; ++i)
      text += "  - {id: X" + std::to_string(i) + ", kind: nodal, seed_mm: [0, 0, " + std::to_string(i * 10) + "]}\n";
    const RunResult r = assessVariant(text, "many-targets.yaml");
    EXPECT_EQ(r.exit_code, 9);
    EXPECT_NE(r.err.find("many-targets.yaml: target_lesions: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("more than the 6"), std::string::npos) << r.err;
  }
  {
    const RunResult r = assessVariant(replaced(case_text_, "dicom: fu1", "dicom: fu7"), "missing-folder.yaml");
    EXPECT_EQ(r.exit_code, 9);
    EXPECT_NE(r.err.find("missing-folder.yaml: timepoints[1].dicom: folder not found: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("fu7"), std::string::npos) << r.err;
  }
  {
    const RunResult r = assessVariant(replaced(case_text_, "id: N1", "id: L1"), "duplicate-id.yaml");
    EXPECT_EQ(r.exit_code, 9);
    EXPECT_NE(r.err.find("timepoints[2].new_lesions[0].id: duplicate lesion id 'L1'"), std::string::npos) << r.err;
  }
  EXPECT_FALSE(fs::exists(dir_ / "out-unknown-key.yaml"));
}

TEST_F(AssessCaseFile, ATimepointFolderWithoutImagesIsNamed) {
  const RunResult r = assessVariant(case_text_, "no-ct.yaml");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("baseline: timepoints[0] (baseline): no DICOM files found"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "out-no-ct.yaml" / "assessment.json"));
}

TEST_F(AssessCaseFile, AnOccupiedOutputFolderIsRefusedBeforeAnyWork) {
  fs::create_directories(dir_ / "out-busy.yaml");
  std::ofstream(dir_ / "out-busy.yaml" / "keep.txt") << "x\n";
  const RunResult r = assessVariant(case_text_, "busy.yaml");
  EXPECT_EQ(r.exit_code, 8);
  EXPECT_NE(r.err.find("out-busy.yaml: folder exists and is not empty (use --force to overwrite)"), std::string::npos) << r.err;
  EXPECT_EQ(readText(dir_ / "out-busy.yaml" / "keep.txt"), "x\n");
}

// A case whose timepoints come from two patients (a mix-up in the archive export) is refused with
// exit code 9, naming both folders and both PatientIDs; nothing is written.
TEST_F(AssessCaseFile, TimepointsFromTwoPatientsAreRefused) {
  const std::string spec =
      "name: two-patients\nseed: 5\n"
      "patient: {id: PID, name: \"Phantom^Mixup\", sex: M, birth_date: \"19550101\", weight_kg: 80, height_m: 1.8}\n"
      "defaults:\n"
      "  ct: {matrix: 128, pixel_mm: 3.5, slice_mm: 5, z_from_mm: -150, z_to_mm: -90}\n"
      "  pet: {matrix: 64, pixel_mm: 7.0, slice_mm: 5, z_from_mm: -150, z_to_mm: -90}\n"
      "timepoints:\n  - {label: baseline, date: \"20230301\"}\n  - {label: fu1, date: \"20230601\"}\n"
      "lesions:\n  - id: L1\n    kind: nodal\n    centre_mm: [42, 25, -120]\n"
      "    states:\n      - {diameters_mm: [30, 22, 20], suv: 10}\n      - {diameters_mm: [20, 14, 14], suv: 5}\n";
  for (const char* who : {"PAT-A", "PAT-B"}) {
    std::ofstream(dir_ / (std::string(who) + ".yaml")) << replaced(spec, "id: PID", std::string("id: ") + who);
    const RunResult g = runRecap({"phantom", "--spec", (dir_ / (std::string(who) + ".yaml")).string(), "--out",
                                  (dir_ / who).string(), "--no-noise"});
    ASSERT_EQ(g.exit_code, 0) << g.err;
  }
  const std::string text = "patient_id: PAT-A\ntimepoints:\n  - {label: baseline, dicom: PAT-A/baseline}\n"
                           "  - {label: fu1, dicom: PAT-B/fu1}\n"
                           "target_lesions:\n  - {id: L1, kind: nodal, seed_mm: [42, 25, -120]}\n";
  std::ofstream(dir_ / "mixup.yaml") << text;
  const RunResult r = runRecap({"assess", (dir_ / "mixup.yaml").string(), "--out", (dir_ / "out-mixup").string()});
  EXPECT_EQ(r.exit_code, 9);
  EXPECT_NE(r.err.find("timepoints[1].dicom: PatientID 'PAT-B'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("differs from 'PAT-A' at the baseline"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("PAT-B/fu1"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "out-mixup" / "assessment.json"));
}

}  // namespace
}  // namespace recap::e2e
