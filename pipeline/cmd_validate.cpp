// recap validate --reference REF... (--results RES | --run CASES) --out DIR [--fail-on THRESHOLDS]:
// recap's results against a reference (phantom truth, a reader's CSV, DICOM SR), written as
// validation.json, validation.csv and validation.html; exit 13 when a --fail-on threshold is not
// met. docs/validation.md describes it all.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "commands.h"
#include "recap/batch/process.h"
#include "recap/core/error.h"
#include "recap/core/files.h"
#include "recap/validate/compare.h"
#include "recap/validate/html.h"
#include "recap/validate/records.h"
#include "recap/validate/sr_reference.h"
#include "recap/validate/thresholds.h"

extern char** environ;

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

namespace recap::cli {

namespace {

struct ValidateOptions {
  std::vector<std::string> references;
  std::string results, run, out, fail_on;
  unsigned jobs = 0;
  size_t worst = 10;
  bool force = false;
};

std::string readText(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// recap batch CASES --out DIR, in this process group (Ctrl-C reaches it too), its log on our stderr.
fs::path runBatch(const ValidateOptions& o, const fs::path& out) {
  const fs::path results = out / "results";
  std::vector<std::string> args = {"recap", "batch", o.run, "--out", results.string()};
  if (o.jobs) args.insert(args.end(), {"--jobs", std::to_string(o.jobs)});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  spdlog::info("running: recap batch {} --out {}", o.run, results.string());
  pid_t pid = 0;
  if (::posix_spawn(&pid, "/proc/self/exe", nullptr, nullptr, argv.data(), environ) != 0)
    throw Error(ErrorCode::Internal, o.run, "cannot start recap batch");
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  const batch::ChildEnd end = batch::childEnd(status);
  // 0: every case ok; 11: some failed (validated on those that are there, the others count as not
  // in the results); anything else stops here with the batch's own exit code.
  if (end.exit_code != 0 && end.exit_code != 11) {
    const ErrorCode code = end.exit_code > 0 && end.exit_code <= 13 ? static_cast<ErrorCode>(end.exit_code) : ErrorCode::Internal;
    throw Error(code, o.run, "recap batch exited with code " + std::to_string(end.exit_code) + " (its log is above)");
  }
  return results;
}

// The key images of a worst case, from its patient's report.html: the lesion named, or for a
// timepoint's reading the lesion of that timepoint with the largest diameter error.
std::vector<validate::KeyImage> worstImages(const validate::WorstCase& w, const validate::Validation& v,
                                            const validate::Results& results, std::map<fs::path, std::string>& pages) {
  const auto folder = results.folders.find(w.patient_id);
  if (folder == results.folders.end()) return {};
  const fs::path page = folder->second / "report.html";
  if (!pages.count(page)) pages[page] = fs::exists(page) ? readText(page) : std::string();
  std::string lesion = w.lesion_id;
  if (lesion.empty()) {
    double worst = -1;
    for (const auto& p : v.lesions)
      if (p.patient_id == w.patient_id && p.timepoint == w.timepoint && p.recap) {
        const double e = std::max(std::fabs(p.ldi_error.value_or(0)), std::fabs(p.sdi_error.value_or(0)));
        if (e > worst) {
          worst = e;
          lesion = p.lesion_id;
        }
      }
  }
  return lesion.empty() ? std::vector<validate::KeyImage>{} : validate::keyImagesFromReport(pages[page], w.timepoint, lesion);
}

std::string figure(const json& v, int decimals = 2) {
  if (v.is_null()) return "n/a";
  char b[32];
  std::snprintf(b, sizeof b, "%.*f", decimals, v.get<double>());
  return b;
}

int runValidate(const ValidateOptions& o) {
  if (o.results.empty() == o.run.empty()) throw Error(ErrorCode::Usage, "", "give either --results RES or --run CASES");
  const fs::path out = o.out;
  if (fs::is_directory(out) && !fs::is_empty(out) && !o.force)
    throw Error(ErrorCode::Output, out.string(), "folder exists and is not empty (use --force to overwrite)");
  std::vector<validate::Threshold> thresholds;
  if (!o.fail_on.empty()) thresholds = validate::loadThresholds(o.fail_on);  // a bad file stops before any work

  validate::setDicomReferenceLoader(validate::readDicomReference);
  validate::RecordSet reference;
  for (const auto& r : o.references) reference.append(validate::loadReference(r));
  validate::checkUnique(reference);
  spdlog::info("reference: {} timepoints, {} lesions from {} files", reference.timepoints.size(), reference.lesions.size(),
               reference.sources.size());
  ensureWritableDirectory(out);

  const fs::path results_dir = o.run.empty() ? fs::path(o.results) : runBatch(o, out);
  const validate::Results results = validate::loadResults(results_dir);
  spdlog::info("results: {} patients, {} timepoints, {} lesions in {}", results.folders.size(), results.records.timepoints.size(),
               results.records.lesions.size(), results_dir.string());

  const validate::Validation v = validate::compare(reference, results.records, o.worst);
  json j;
  j["generator"] = "recap " RECAP_VERSION;
  j["reference"] = o.references;
  j["results"] = results_dir.string();
  const json figures = validate::toJson(v);
  for (const auto& [k, val] : figures.items()) j[k] = val;
  std::vector<validate::CheckResult> checks;
  if (!thresholds.empty()) checks = validate::checkThresholds(j, thresholds, o.fail_on);
  bool passed = true;
  for (const auto& c : checks) passed = passed && c.passed;
  j["checks"] = validate::checksJson(checks);
  j["passed"] = passed;

  validate::HtmlInput in;
  in.validation = &j;
  in.pairs = &v;
  in.generator = "recap " RECAP_VERSION;
  std::map<fs::path, std::string> pages;
  for (const auto& w : v.worst) in.worst_images.push_back(worstImages(w, v, results, pages));
  const std::string html = validate::renderHtml(in);
  writeFileAtomic(out / "validation.json", j.dump(2) + "\n");
  writeFileAtomic(out / "validation.csv", validate::toCsv(v));
  writeFileAtomic(out / "validation.html", html);
  spdlog::info("wrote {}, validation.csv and validation.html", (out / "validation.json").string());

  std::printf("%-14s %6s %10s %10s %10s %18s\n", "figure", "n", "mean err", "median|e|", "p95|e|", "limits of agreement");
  for (const char* k : {"ldi_mm", "sdi_mm", "ppd_mm2", "spd_mm2", "suv_max"}) {
    const json& s = j[k];
    std::printf("%-14s %6d %10s %10s %10s %8s .. %-8s\n", k, s["n"].get<int>(), figure(s["mean_error"]).c_str(),
                figure(s["median_abs_error"]).c_str(), figure(s["p95_abs_error"]).c_str(),
                figure(s["bland_altman"]["loa_low"]).c_str(), figure(s["bland_altman"]["loa_high"]).c_str());
  }
  std::printf("ct_response    n %ld, agreement %s, kappa %s\n", v.ct_response.total(), figure(j["ct_response"]["agreement"], 3).c_str(),
              figure(j["ct_response"]["kappa"], 3).c_str());
  std::printf("deauville      n %ld, agreement %s, weighted kappa %s\n", v.deauville.total(),
              figure(j["deauville"]["agreement"], 3).c_str(), figure(j["deauville"]["weighted_kappa"], 3).c_str());
  std::printf("lesions        found %d, missed %d, extra %d, mismatched %d\n", j["lesions"]["found"].get<int>(),
              j["lesions"]["missed"].get<int>(), j["lesions"]["extra"].get<int>(), j["lesions"]["mismatched"].get<int>());
  for (const auto& c : checks) {
    std::string bound;
    if (c.threshold.min) bound += ">= " + figure(*c.threshold.min, 4);
    if (c.threshold.max) bound += (bound.empty() ? "" : ", ") + std::string("<= ") + figure(*c.threshold.max, 4);
    std::printf("check %-28s %-10s %-18s %s\n", c.threshold.metric.c_str(), c.value ? figure(*c.value, 4).c_str() : "n/a",
                bound.c_str(), c.passed ? "pass" : "FAIL");
    if (!c.passed)
      spdlog::error("{}: {} is {}, required {}", o.fail_on, c.threshold.metric, c.value ? figure(*c.value, 4) : "n/a (nothing compared)",
                    bound);
  }
  if (!passed) return exitCode(ErrorCode::ValidationFailed);
  return 0;
}

}  // namespace

void addValidateCommand(CLI::App& app, Action& action) {
  auto opts = std::make_shared<ValidateOptions>();
  CLI::App* cmd = app.add_subcommand("validate", "Agreement of recap's results with a reference (truth, reader CSV, DICOM SR)");
  cmd->add_option("-r,--reference", opts->references,
                  "reference: a folder of phantom truth.json, a truth.json/phantom.json, a reader CSV or a DICOM SR (repeatable)")
      ->required();
  cmd->add_option("--results", opts->results, "folder of recap assess or recap batch outputs");
  cmd->add_option("--run", opts->run, "run recap batch on these cases first (folder or manifest), into OUT/results");
  cmd->add_option("-o,--out", opts->out, "output folder for validation.json, validation.csv, validation.html")->required();
  cmd->add_option("--fail-on", opts->fail_on, "thresholds (YAML, e.g. configs/validation-thresholds.yaml): exit 13 when one is not met");
  cmd->add_option("-j,--jobs", opts->jobs, "with --run: cases at once");
  cmd->add_option("--worst", opts->worst, "worst cases listed with their key images (default 10)");
  cmd->add_flag("--force", opts->force, "write into a non-empty output folder, replacing earlier outputs");
  cmd->callback([opts, &action] { action = [opts] { return runValidate(*opts); }; });
}

}  // namespace recap::cli
