// recap validate end to end (docs/validation.md): two phantom presets at full resolution (cr: a
// complete response; pd-nadir: a partial response, then progression from the nadir) are generated,
// assessed through `recap validate --run` (recap batch), and validated against their truth.json
// with the thresholds of configs/validation-thresholds.yaml, which the pipeline meets. The same
// results then fail those thresholds when deliberately perturbed, and are validated against a
// reader's CSV, DICOM TID 1500 SRs written from the truth and DICOM SEGs made from recap's masks,
// each checked against figures computed here from the files themselves. One process; the tests
// share one run (~3.5 min).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "recap/srseg/seg.h"
#include "recap/srseg/sr.h"
#include "run.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace recap::e2e {
namespace {

const fs::path kThresholds = fs::path(RECAP_SOURCE_DIR) / "configs" / "validation-thresholds.yaml";
const std::vector<std::string> kPresets = {"cr", "pd-nadir"};

std::string num(double v) {
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}

// A case file as a reviewer would mark the lesions (as in assess_test.cpp): targets at their
// baseline centres, new lesions where they first appear; the patient id of the phantom.
std::string caseFile(const std::vector<std::string>& labels, const std::vector<json>& truth) {
  auto seed = [](const json& c) { return "[" + num(c[0]) + ", " + num(c[1]) + ", " + num(c[2]) + "]"; };
  std::string text = "patient_id: \"" + truth[0]["patient_id"].get<std::string>() + "\"\ntimepoints:\n";
  for (size_t t = 0; t < labels.size(); ++t) {
    text += "  - label: " + labels[t] + "\n    dicom: " + labels[t] + "\n";
    std::string news;
    for (const json& l : truth[t]["lesions"]) {
      bool before = false;
      for (size_t u = 0; u < t; ++u)
        for (const json& p : truth[u]["lesions"]) before = before || (p["id"] == l["id"] && p["present"].get<bool>());
      if (t > 0 && l["present"].get<bool>() && !before)
        news += "      - {id: " + l["id"].get<std::string>() + ", kind: " + l["kind"].get<std::string>() + ", seed_mm: " + seed(l["centre_mm"]) + "}\n";
    }
    if (!news.empty()) text += "    new_lesions:\n" + news;
  }
  text += "target_lesions:\n";
  for (const json& l : truth[0]["lesions"])
    if (l["present"].get<bool>())
      text += "  - {id: " + l["id"].get<std::string>() + ", kind: " + l["kind"].get<std::string>() + ", seed_mm: " + seed(l["centre_mm"]) + "}\n";
  return text;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

struct SharedRun {
  fs::path dir;
  RunResult generated, validated;
  std::map<std::string, std::vector<json>> truth;            // preset -> per timepoint
  std::map<std::string, std::vector<std::string>> labels;
};

class Validate : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    run_ = new SharedRun;
    run_->dir = fs::temp_directory_path() / ("recap-e2e-validate-" + std::to_string(::getpid()));
    fs::remove_all(run_->dir);
    fs::create_directories(run_->dir / "cases");
    for (const std::string& p : kPresets) {
      const fs::path out = run_->dir / "cases" / p;
      run_->generated = runRecap({"phantom", "--preset", p, "--out", out.string()});
      if (run_->generated.exit_code != 0) return;
      const json phantom = json::parse(readText(out / "phantom.json"));
      for (const json& tp : phantom["timepoints"]) {
        run_->labels[p].push_back(tp["label"].get<std::string>());
        run_->truth[p].push_back(json::parse(readText(out / run_->labels[p].back() / "truth.json")));
      }
      std::ofstream(out / "case.yaml") << caseFile(run_->labels[p], run_->truth[p]);
    }
    // The truth as the reference, recap batch run by recap validate on the same folder.
    run_->validated = runRecap({"validate", "--reference", (run_->dir / "cases").string(), "--run", (run_->dir / "cases").string(),
                                "--out", (run_->dir / "val").string(), "--jobs", "2", "--fail-on", kThresholds.string()});
    std::printf("%s", run_->validated.out.c_str());
  }
  static void TearDownTestSuite() {
    if (::testing::UnitTest::GetInstance()->failed_test_count() == 0) fs::remove_all(run_->dir);  // kept to look at otherwise
    delete run_;
  }
  void SetUp() override {
    ASSERT_EQ(run_->generated.exit_code, 0) << run_->generated.err;
    ASSERT_EQ(run_->validated.exit_code, 0) << run_->validated.err << run_->validated.out;
  }
  static fs::path results() { return run_->dir / "val" / "results"; }
  static json assessment(const std::string& preset) { return json::parse(readText(results() / preset / "assessment.json")); }
  static const json* recapLesion(const json& a, const std::string& label, const std::string& id) {
    for (const json& tp : a["timepoints"])
      if (tp["label"] == label)
        for (const json& l : tp["lesions"])
          if (l["id"] == id) return &l;
    return nullptr;
  }
  // |recap - reference| of `key` over the lesions both measured, `reference(preset, t, lesion)`
  // giving the reference's value (or NaN when it has none).
  template <typename Ref>
  static std::vector<double> errors(const char* key, Ref reference) {
    std::vector<double> out;
    for (const std::string& p : kPresets) {
      const json a = assessment(p);
      for (size_t t = 0; t < run_->labels[p].size(); ++t)
        for (const json& l : run_->truth[p][t]["lesions"]) {
          const json* r = recapLesion(a, run_->labels[p][t], l["id"]);
          if (!r || (*r)["status"] != "measured" || l["status"] != "measured") continue;
          const double ref = reference(p, t, l);
          if (!std::isnan(ref)) out.push_back((*r)[key].get<double>() - ref);
        }
    }
    return out;
  }
  static SharedRun* run_;
};
SharedRun* Validate::run_ = nullptr;

std::vector<double> absolute(std::vector<double> v) {
  for (double& x : v) x = std::fabs(x);
  return v;
}

TEST_F(Validate, PhantomPresetsMeetTheThresholdsAgainstTheirTruth) {
  const json v = json::parse(readText(run_->dir / "val" / "validation.json"));
  EXPECT_TRUE(v["passed"].get<bool>());
  EXPECT_EQ(v["checks"].size(), 9u);
  for (const json& c : v["checks"]) EXPECT_TRUE(c["passed"].get<bool>()) << c.dump();
  EXPECT_EQ(v["patients"], 2);
  EXPECT_EQ(v["timepoints"], 5);
  // The "done when": LDi/SDi median error <= 1 mm, response agreement 100 %.
  EXPECT_LE(v["ldi_mm"]["median_abs_error"].get<double>(), 1.0);
  EXPECT_LE(v["sdi_mm"]["median_abs_error"].get<double>(), 1.0);
  EXPECT_EQ(v["ct_response"]["n"], 3);  // cr fu1 CR, pd-nadir fu1 PR and fu2 PD
  EXPECT_EQ(v["ct_response"]["agreement"], 1.0);
  EXPECT_EQ(v["ct_response"]["kappa"], 1.0);
  EXPECT_EQ(v["deauville"]["n"], 5);
  EXPECT_EQ(v["deauville"]["agreement"], 1.0);
  EXPECT_EQ(v["deauville"]["weighted_kappa"], 1.0);
  // The figures, recomputed here from truth.json and assessment.json.
  auto truthOf = [](const char* key) {
    return [key](const std::string&, size_t, const json& l) { return l[key].get<double>(); };
  };
  const auto ldi = errors("ldi_mm", truthOf("ldi_mm"));
  const auto sdi = errors("sdi_mm", truthOf("sdi_mm"));
  ASSERT_EQ(v["ldi_mm"]["n"].get<size_t>(), ldi.size());
  EXPECT_EQ(ldi.size(), 11u);
  EXPECT_NEAR(v["ldi_mm"]["median_abs_error"].get<double>(), median(absolute(ldi)), 2e-4);
  EXPECT_NEAR(v["sdi_mm"]["median_abs_error"].get<double>(), median(absolute(sdi)), 2e-4);
  double mean = 0;
  for (double e : ldi) mean += e / ldi.size();
  EXPECT_NEAR(v["ldi_mm"]["bland_altman"]["bias"].get<double>(), mean, 2e-4);
  EXPECT_NEAR(v["ppd_mm2"]["n"].get<double>(), ldi.size(), 0);
  // Lesions: every present truth lesion found, cr's vanished L3 absent in both.
  EXPECT_EQ(v["lesions"]["found"], 11);
  EXPECT_EQ(v["lesions"]["absent"], 1);
  EXPECT_EQ(v["lesions"]["missed"], 0);
  EXPECT_EQ(v["lesions"]["mismatched"], 0);
  // validation.csv: one row per timepoint, one per lesion pair.
  const auto csv = lines(readText(run_->dir / "val" / "validation.csv"));
  EXPECT_EQ(csv.size(), 1u + 5 + 12);
  // validation.html: three Bland-Altman plots with one point per pair, two confusion matrices,
  // the worst cases with the key images of their case's report.html.
  const std::string h = readText(run_->dir / "val" / "validation.html");
  EXPECT_NE(h.find("<span class=\"pass\">passed</span>"), std::string::npos);
  size_t plots = 0;
  for (size_t p = h.find("class=\"bland-altman\" data-points=\"11\""); p != std::string::npos;
       p = h.find("class=\"bland-altman\" data-points=\"11\"", p + 1))
    ++plots;
  EXPECT_EQ(plots, 3u);
  ASSERT_FALSE(v["worst"].empty());
  const json& w = v["worst"][0];
  ASSERT_FALSE(w["lesion_id"].is_null());
  const std::string report = readText(results() / (w["patient_id"] == "PH-CR" ? "cr" : "pd-nadir") / "report.html");
  const size_t section = report.find("id=\"tp-" + w["timepoint"].get<std::string>() + "\"");
  const size_t div = report.find("data-lesion=\"" + w["lesion_id"].get<std::string>() + "\"", section);
  const size_t img = report.find("<img src=\"", div);
  ASSERT_NE(img, std::string::npos);
  const std::string src = report.substr(img + 10, report.find('"', img + 10) - img - 10);
  EXPECT_GT(src.size(), 1000u);
  EXPECT_NE(h.find(src), std::string::npos) << "the worst case's CT key image is not in validation.html";
}

// The same results with recap's LDi of pd-nadir's lesions 3 mm longer and its fu2 response SD
// instead of PD: the thresholds catch both (exit 13), and the figures say by how much.
TEST_F(Validate, PerturbedResultsFailTheThresholds) {
  const fs::path perturbed = run_->dir / "perturbed";
  fs::remove_all(perturbed);
  fs::create_directories(perturbed);
  fs::copy(results() / "cr", perturbed / "cr", fs::copy_options::recursive);
  fs::copy(results() / "pd-nadir", perturbed / "pd-nadir", fs::copy_options::recursive);
  json a = assessment("pd-nadir");
  for (json& tp : a["timepoints"]) {
    if (tp["label"] == "fu2") tp["ct_response"] = "SD";
    for (json& l : tp["lesions"])
      if (l["status"] == "measured") l["ldi_mm"] = l["ldi_mm"].get<double>() + 3;
  }
  std::ofstream(perturbed / "pd-nadir" / "assessment.json") << a.dump(2);
  const RunResult r = runRecap({"validate", "--reference", (run_->dir / "cases").string(), "--results", perturbed.string(), "--out",
                                (run_->dir / "val-perturbed").string(), "--fail-on", kThresholds.string()});
  EXPECT_EQ(r.exit_code, 13) << r.err;
  EXPECT_NE(r.err.find("ct_response.agreement is 0.6667, required >= 1.0000"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("ldi_mm.p95_abs_error is "), std::string::npos) << r.err;
  const json v = json::parse(readText(run_->dir / "val-perturbed" / "validation.json"));
  EXPECT_FALSE(v["passed"].get<bool>());
  EXPECT_NEAR(v["ct_response"]["agreement"].get<double>(), 2.0 / 3, 1e-4);
  EXPECT_EQ(v["ct_response"]["confusion"][3][2], 1);  // reference PD, recap SD
  EXPECT_EQ(v["worst"][0]["what"], "CT response: reference PD, recap SD");
  // pd-nadir's LDi errors are each 3 mm larger than before.
  const json before = json::parse(readText(run_->dir / "val" / "validation.json"));
  auto truthLdi = [](const std::string&, size_t, const json& l) { return l["ldi_mm"].get<double>(); };
  auto ldi = errors("ldi_mm", truthLdi);  // unperturbed
  double shift = 0;
  size_t pd_nadir = 0;
  for (size_t t = 0; t < run_->labels["pd-nadir"].size(); ++t)
    for (const json& l : run_->truth["pd-nadir"][t]["lesions"]) pd_nadir += l["status"] == "measured";
  shift = 3.0 * pd_nadir / ldi.size();
  EXPECT_NEAR(v["ldi_mm"]["mean_error"].get<double>(), before["ldi_mm"]["mean_error"].get<double>() + shift, 2e-4);
  // Without --fail-on the same comparison exits 0: the thresholds, not the figures, decide.
  const RunResult plain = runRecap({"validate", "--reference", (run_->dir / "cases").string(), "--results", perturbed.string(),
                                    "--out", (run_->dir / "val-perturbed-plain").string()});
  EXPECT_EQ(plain.exit_code, 0) << plain.err;
}

// A reader's CSV: the truth's diameters read 0.5 mm long, and a reader who calls cr's fu1 a PR and
// its Deauville 3. The figures move by exactly that.
TEST_F(Validate, ReaderCsvReference) {
  std::string csv = "patient_id,timepoint,lesion_id,ldi_mm,sdi_mm,ct_response,deauville\n";
  for (const std::string& p : kPresets)
    for (size_t t = 0; t < run_->labels[p].size(); ++t) {
      const json& tr = run_->truth[p][t];
      const bool cr_fu1 = p == "cr" && t == 1;
      const std::string resp = cr_fu1 ? "PR" : tr["expected"]["ct_response"].is_null() ? "" : tr["expected"]["ct_response"].get<std::string>();
      const std::string dv = cr_fu1 ? "3" : std::to_string(tr["expected"]["deauville"].get<int>());
      for (const json& l : tr["lesions"]) {
        if (l["status"] == "absent" && l["new"].get<bool>() == false && !l["present"].get<bool>() && t == 0) continue;
        const bool measured = l["status"] == "measured";
        csv += tr["patient_id"].get<std::string>() + "," + run_->labels[p][t] + "," + l["id"].get<std::string>() + "," +
               (measured ? num(l["ldi_mm"].get<double>() + 0.5) : "0") + "," + (measured ? num(l["sdi_mm"].get<double>() + 0.5) : "0") +
               "," + resp + "," + dv + "\n";
      }
    }
  std::ofstream(run_->dir / "reader.csv") << csv;
  const RunResult r = runRecap({"validate", "--reference", (run_->dir / "reader.csv").string(), "--results", results().string(),
                                "--out", (run_->dir / "val-reader").string(), "--fail-on", kThresholds.string()});
  EXPECT_EQ(r.exit_code, 13) << r.err;  // the response and Deauville agreement are below 1
  const json v = json::parse(readText(run_->dir / "val-reader" / "validation.json"));
  const json truth = json::parse(readText(run_->dir / "val" / "validation.json"));
  EXPECT_EQ(v["ldi_mm"]["n"], truth["ldi_mm"]["n"]);
  EXPECT_NEAR(v["ldi_mm"]["mean_error"].get<double>(), truth["ldi_mm"]["mean_error"].get<double>() - 0.5, 2e-4);
  EXPECT_NEAR(v["sdi_mm"]["mean_error"].get<double>(), truth["sdi_mm"]["mean_error"].get<double>() - 0.5, 2e-4);
  EXPECT_NEAR(v["ldi_mm"]["sd"].get<double>(), truth["ldi_mm"]["sd"].get<double>(), 2e-4);
  EXPECT_NEAR(v["ct_response"]["agreement"].get<double>(), 2.0 / 3, 1e-4);
  EXPECT_EQ(v["ct_response"]["confusion"][1][0], 1);  // reader PR, recap CR
  // Deauville: 4 of 5 agree; the reader's 3 against recap's 2 is one step apart.
  EXPECT_NEAR(v["deauville"]["agreement"].get<double>(), 0.8, 1e-4);
  EXPECT_EQ(v["deauville"]["confusion"][2][1], 1);
  // Linear weighted kappa by hand: reader 5,3 (cr), 5,4,5 (pd-nadir); recap 5,2,5,4,5. Over the
  // categories 1..5 (weights 1 - |i-j|/4): p_o = (4 + 0.75)/5 = 0.95; marginals reader
  // {3: 1, 4: 1, 5: 3}, recap {2: 1, 4: 1, 5: 3}: sum of w r_i c_j = 3 + 3.75 + 12 = 18.75, p_e =
  // 18.75 / 25 = 0.75; kappa_w = 0.2 / 0.25 = 0.8.
  EXPECT_NEAR(v["deauville"]["weighted_kappa"].get<double>(), 0.8, 1e-4);
  EXPECT_EQ(v["lesions"]["found"], 11);
}

// DICOM TID 1500 SRs as a viewer would store a reader's measurements (one per timepoint, written
// here with modules/srseg from the truth): the same figures as the truth itself.
TEST_F(Validate, DicomSrReference) {
  std::vector<std::string> args = {"validate"};
  for (const std::string& p : kPresets)
    for (size_t t = 0; t < run_->labels[p].size(); ++t) {
      const json& tr = run_->truth[p][t];
      srseg::MeasurementReport m;
      m.timepoint_label = run_->labels[p][t];
      if (!tr["expected"]["ct_response"].is_null()) m.lugano_response = tr["expected"]["ct_response"].get<std::string>();
      m.deauville = tr["expected"]["deauville"].get<int>();
      for (const json& l : tr["lesions"]) {
        if (!l["present"].get<bool>() && t == 0) continue;
        srseg::LesionReport g;
        g.tracking_id = l["id"].get<std::string>();
        g.tracking_uid = srseg::uidFromText(p + "/" + g.tracking_id);
        g.nodal = l["kind"] == "nodal";
        g.status = l["status"].get<std::string>();
        if (g.status != "absent") {
          g.long_axis_mm = l["ldi_mm"].get<double>();
          g.short_axis_mm = l["sdi_mm"].get<double>();
          g.suv_max = l["suv_max"].get<double>();
        }
        m.lesions.push_back(g);
      }
      srseg::SourceContext s;
      s.patient_id = tr["patient_id"].get<std::string>();
      s.study_uid = tr["study_uid"].get<std::string>();
      s.study_date = tr["date"].get<std::string>();
      s.ct_series_uid = tr["ct_series_uid"].get<std::string>();
      const fs::path file = run_->dir / "sr" / (p + "-" + run_->labels[p][t] + ".dcm");
      fs::create_directories(file.parent_path());
      srseg::writeMeasurementReport(file, m, s, {});
      args.insert(args.end(), {"--reference", file.string()});
    }
  args.insert(args.end(), {"--results", results().string(), "--out", (run_->dir / "val-sr").string(), "--fail-on", kThresholds.string()});
  const RunResult r = runRecap(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const json v = json::parse(readText(run_->dir / "val-sr" / "validation.json"));
  const json truth = json::parse(readText(run_->dir / "val" / "validation.json"));
  EXPECT_EQ(v["reference"].size(), 5u);
  for (const char* k : {"ldi_mm", "sdi_mm", "ppd_mm2", "suv_max"}) {
    EXPECT_EQ(v[k]["n"], truth[k]["n"]) << k;
    for (const char* f : {"mean_error", "sd", "median_abs_error", "p95_abs_error"})
      EXPECT_NEAR(v[k][f].get<double>(), truth[k][f].get<double>(), 1e-3) << k << " " << f;
  }
  EXPECT_EQ(v["ct_response"]["confusion"], truth["ct_response"]["confusion"]);
  EXPECT_EQ(v["deauville"]["confusion"], truth["deauville"]["confusion"]);
  EXPECT_EQ(v["lesions"], truth["lesions"]);
}

// Masks: cr assessed with --dicom-out (its <label>_SEG.dcm beside assessment.json), and a reader's
// SEG per timepoint made from recap's own masks moved 2 columns to the patient's left. Dice is
// counted here voxel by voxel; the Hausdorff distance of a mask and its copy moved by 2 columns is
// above 0 and at most 2 column spacings.
TEST_F(Validate, DicomSegReferenceGivesDiceAndHausdorff) {
  const fs::path out = run_->dir / "assess-cr";
  const RunResult assessed =
      runRecap({"assess", (run_->dir / "cases" / "cr" / "case.yaml").string(), "--out", out.string(), "--dicom-out"});
  ASSERT_EQ(assessed.exit_code, 0) << assessed.err;
  std::vector<std::string> args = {"validate", "--reference", (run_->dir / "cases" / "cr").string()};
  std::vector<double> expected_dice;
  double column_spacing = 0;
  for (const std::string& label : run_->labels["cr"]) {
    const srseg::Segmentation seg = srseg::readSegmentation(out / (label + "_SEG.dcm"));
    column_spacing = seg.pixel_spacing[1];
    // The CT grid of the frames that hold a mask, in slice order.
    std::map<double, srseg::CtGrid::Slice> slices;
    for (const auto& s : seg.segments)
      for (const auto& f : s.frames) slices[f.position[2]] = {{"1.2.840.10008.5.1.4.1.1.2", f.source_sop_instance_uid, ""}, f.position};
    srseg::CtGrid grid;
    grid.rows = seg.rows;
    grid.columns = seg.columns;
    grid.orientation = seg.orientation;
    grid.pixel_spacing = seg.pixel_spacing;
    std::vector<double> zs;
    for (const auto& [z, sl] : slices) {
      grid.slices.push_back(sl);
      zs.push_back(z);
    }
    std::vector<srseg::SegmentMask> masks;
    for (const auto& s : seg.segments) {
      if (s.frames.empty()) continue;
      srseg::SegmentMask m;
      m.label = s.tracking_id;
      m.tracking_uid = s.tracking_uid.empty() ? srseg::uidFromText("reader/" + s.tracking_id) : s.tracking_uid;
      long first = long(zs.size()), last = -1;
      for (const auto& f : s.frames) {
        const long k = long(std::find(zs.begin(), zs.end(), f.position[2]) - zs.begin());
        first = std::min(first, k);
        last = std::max(last, k);
      }
      m.offset = {0, 0, first};
      m.size = {seg.columns, seg.rows, last - first + 1};
      m.mask.assign(size_t(m.size[0] * m.size[1] * m.size[2]), 0);
      size_t both = 0, voxels = 0;
      for (const auto& f : s.frames) {
        const long k = long(std::find(zs.begin(), zs.end(), f.position[2]) - zs.begin()) - first;
        for (long r = 0; r < seg.rows; ++r)
          for (long c = 0; c < seg.columns; ++c) {
            const bool in = f.mask[size_t(r * seg.columns + c)] != 0;
            voxels += in;
            if (in && c + 2 < seg.columns) m.mask[size_t((k * seg.rows + r) * seg.columns + c + 2)] = 1;
            both += in && c >= 2 && f.mask[size_t(r * seg.columns + c - 2)] != 0;
          }
      }
      expected_dice.push_back(2.0 * both / (2.0 * voxels));  // the moved copy keeps the voxel count
      masks.push_back(m);
    }
    srseg::SourceContext src;
    src.patient_id = seg.patient_id;
    src.study_uid = seg.study_uid;
    src.ct_series_uid = seg.referenced_series_uid;
    src.frame_of_reference_uid = seg.frame_of_reference_uid;
    const fs::path file = run_->dir / "reader-seg" / (label + ".dcm");
    fs::create_directories(file.parent_path());
    srseg::writeSegmentation(file, src, grid, masks, {});
    args.insert(args.end(), {"--reference", file.string()});
  }
  args.insert(args.end(), {"--results", out.string(), "--out", (run_->dir / "val-seg").string()});
  const RunResult r = runRecap(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json v = json::parse(readText(run_->dir / "val-seg" / "validation.json"));
  std::printf("masks: Dice median %.4f, min %.4f; Hausdorff median %.4f mm, max %.4f mm (column spacing %.4f mm)\n",
              v["dice"]["median"].get<double>(), v["dice"]["min"].get<double>(), v["hausdorff_mm"]["median"].get<double>(),
              v["hausdorff_mm"]["max"].get<double>(), column_spacing);
  ASSERT_EQ(v["dice"]["n"].get<size_t>(), expected_dice.size());
  EXPECT_EQ(expected_dice.size(), 5u);  // cr: L1-L3 at baseline, L1 and L2 at fu1
  EXPECT_EQ(v["masks"]["not_in_results"], 0);
  EXPECT_NEAR(v["dice"]["min"].get<double>(), *std::min_element(expected_dice.begin(), expected_dice.end()), 1e-4);
  EXPECT_NEAR(v["dice"]["median"].get<double>(), median(expected_dice), 1e-4);
  EXPECT_EQ(v["hausdorff_mm"]["n"], 5);
  EXPECT_LT(v["dice"]["median"].get<double>(), 1.0);
  EXPECT_GT(v["hausdorff_mm"]["median"].get<double>(), 0.0);
  EXPECT_LE(v["hausdorff_mm"]["max"].get<double>(), 2 * column_spacing + 1e-3);
  // The truth reference is still compared alongside.
  EXPECT_EQ(v["lesions"]["found"], 5);
  EXPECT_NE(readText(run_->dir / "val-seg" / "validation.html").find(" reference masks, 0 without a mask"), std::string::npos);
}

// Refusals, each with its documented exit code, before anything is written.
TEST_F(Validate, BadInvocationsAreRefused) {
  const std::string ref = (run_->dir / "cases").string();
  auto out = [&](const char* n) { return (run_->dir / n).string(); };
  EXPECT_EQ(runRecap({"validate", "--reference", ref, "--out", out("x1")}).exit_code, 2);  // neither --results nor --run
  EXPECT_EQ(runRecap({"validate", "--reference", ref, "--results", results().string(), "--run", ref, "--out", out("x1")}).exit_code, 2);
  const RunResult missing = runRecap({"validate", "--reference", out("nowhere"), "--results", results().string(), "--out", out("x2")});
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_NE(missing.err.find("nowhere: reference not found"), std::string::npos) << missing.err;
  std::ofstream(run_->dir / "bad.yaml") << "checks:\n  - {metric: ldi_mm.median, max: 1}\n";
  const RunResult bad = runRecap({"validate", "--reference", ref, "--results", results().string(), "--out", out("x3"), "--fail-on",
                                  (run_->dir / "bad.yaml").string()});
  EXPECT_EQ(bad.exit_code, 9);
  EXPECT_NE(bad.err.find("metric ldi_mm.median: validation.json has no such figure"), std::string::npos) << bad.err;
  EXPECT_FALSE(fs::exists(run_->dir / "x3" / "validation.json"));
  const RunResult occupied = runRecap({"validate", "--reference", ref, "--results", results().string(), "--out", out("val")});
  EXPECT_EQ(occupied.exit_code, 8);
  EXPECT_EQ(runRecap({"validate", "--reference", ref, "--results", out("nowhere"), "--out", out("x4")}).exit_code, 3);
}

}  // namespace
}  // namespace recap::e2e
