// recap batch INPUT --out DIR: many cases, each run as `recap assess` in a child process of this
// executable, concurrently (--jobs, --memory-budget), each into DIR/<case>/ (renamed into place
// when finished), skipping cases whose inputs are unchanged, with DIR/batch_summary.csv and
// DIR/batch_report.html at the end. `recap batch --merge D1 D2 ... --out DIR` joins shards'
// summaries. docs/batch.md describes it all.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <thread>

#include "commands.h"
#include "recap/batch/cases.h"
#include "recap/batch/digest.h"
#include "recap/batch/process.h"
#include "recap/batch/report.h"
#include "recap/batch/summary.h"
#include "recap/core/error.h"
#include "recap/core/files.h"

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;

namespace recap::cli {

namespace {

// Peak resident memory of one `recap assess` on a full-size three-timepoint case (the bundled
// sample at full resolution: 1.6 GB, /usr/bin/time -v; docs/performance.md), rounded up.
constexpr double kAssessPeakGb = 2.0;

struct BatchOptions {
  std::string input;
  std::string out;
  unsigned jobs = 0;  // 0: the number of cores
  double memory_budget_gb = 0;
  double memory_per_case_gb = kAssessPeakGb;
  bool force = false;
  std::string shard;
  std::vector<std::string> merge;
  double progress_interval_s = 30;
};

volatile std::sig_atomic_t g_stop_signal = 0;
extern "C" void onStopSignal(int sig) { g_stop_signal = sig; }

std::string readText(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string duration(double s) {
  if (s < 0) return "?";
  const long t = long(s + 0.5);
  char b[32];
  if (t >= 3600)
    std::snprintf(b, sizeof b, "%ldh%02ldm", t / 3600, t / 60 % 60);
  else
    std::snprintf(b, sizeof b, "%ldm%02lds", t / 60, t % 60);
  return b;
}

// Progress on stderr: a bar redrawn in place on a terminal, plain log lines every
// `interval` seconds otherwise. Log lines of the batch go through say() so that the bar is
// cleared first and redrawn after.
class Progress {
 public:
  Progress(size_t total, double interval) : total_(total), interval_(interval), tty_(::isatty(2)) {}
  void say(spdlog::level::level_enum level, const std::string& msg) {
    clear();
    spdlog::log(level, "{}", msg);
    draw(true);
  }
  void update(size_t done, size_t failed, size_t skipped, size_t running, size_t ran) {
    done_ = done, failed_ = failed, skipped_ = skipped, running_ = running, ran_ = ran;
    draw(false);
  }
  void finish() { clear(); }

 private:
  std::string line() const {
    const double el = std::chrono::duration<double>(Clock::now() - start_).count();
    const size_t remaining = total_ - done_;
    const double eta = ran_ > 0 ? el / double(ran_) * double(remaining) : -1;
    char b[200];
    std::snprintf(b, sizeof b, "%zu/%zu done, %zu failed, %zu up to date, %zu running, elapsed %s, ETA %s", done_, total_,
                  failed_, skipped_, running_, duration(el).c_str(), remaining == 0 ? "0m00s" : duration(eta).c_str());
    return b;
  }
  void clear() {
    if (tty_ && drawn_) std::fprintf(stderr, "\r\033[K");
    drawn_ = false;
  }
  void draw(bool force) {
    const auto now = Clock::now();
    if (tty_) {
      const size_t width = 30, filled = total_ ? done_ * width / total_ : width;
      const std::string text = "[" + std::string(filled, '#') + std::string(width - filled, '.') + "] " + line();
      if (drawn_ && text == shown_) return;  // redrawn when it changes (about once a second)
      std::fprintf(stderr, "\r\033[K%s", text.c_str());
      std::fflush(stderr);
      shown_ = text;
      drawn_ = true;
    } else if (!force && std::chrono::duration<double>(now - last_).count() >= interval_) {
      spdlog::info("progress: {}", line());
      last_ = now;
    }
  }
  size_t total_, done_ = 0, failed_ = 0, skipped_ = 0, running_ = 0, ran_ = 0;
  double interval_;
  bool tty_, drawn_ = false;
  std::string shown_;
  Clock::time_point start_ = Clock::now(), last_ = Clock::now();
};

struct Running {
  batch::CaseEntry c;
  batch::InputDigest digest;
  fs::path tmp;
  Clock::time_point start;
};

void removeQuietly(const fs::path& p) {
  std::error_code ec;
  fs::remove_all(p, ec);
}

// Puts the finished temporary folder `tmp` in place as `dest` (replacing an earlier one).
void commitFolder(const fs::path& tmp, const fs::path& dest) {
  std::error_code ec;
  fs::path old;
  if (fs::exists(dest, ec)) {
    old = dest.parent_path() / ("." + dest.filename().string() + ".old-" + std::to_string(::getpid()));
    removeQuietly(old);
    fs::rename(dest, old, ec);
    if (ec) throw Error(ErrorCode::Output, dest.string(), "cannot move the earlier result aside: " + ec.message());
  }
  fs::rename(tmp, dest, ec);
  if (ec) throw Error(ErrorCode::Output, dest.string(), "cannot rename " + tmp.string() + " into place: " + ec.message());
  if (!old.empty()) removeQuietly(old);
}

// A finished case whose inputs are unchanged: its rows, else nothing.
std::optional<std::vector<batch::SummaryRow>> upToDate(const fs::path& dir, const std::string& name,
                                                       const batch::InputDigest& d) {
  if (d.sha256.empty()) return std::nullopt;
  try {
    const json stored = json::parse(readText(dir / "batch_digest.json"));
    if (stored.value("digest", "") != d.sha256) return std::nullopt;
    return batch::rowsFromAssessment(name, json::parse(readText(dir / "assessment.json")));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// The failure record of an earlier run on the same inputs, else nothing.
std::optional<batch::SummaryRow> earlierFailure(const fs::path& dir, const std::string& name, const batch::InputDigest& d) {
  try {
    const json e = json::parse(readText(dir / "batch_error.json"));
    if (e.value("digest", "") != d.sha256) return std::nullopt;
    return batch::failureRow(name, e.at("exit_code").get<int>(), e.at("error").get<std::string>());
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

void writeOutputs(const fs::path& out, std::vector<batch::SummaryRow> rows, const std::string& title) {
  batch::sortRows(rows);
  writeFileAtomic(out / "batch_summary.csv", batch::summaryCsv(rows));
  writeFileAtomic(out / "batch_report.html", batch::htmlReport(rows, title));
}

int runMerge(const BatchOptions& o) {
  if (!o.input.empty()) throw Error(ErrorCode::Usage, "", "--merge takes shard output folders, not an INPUT");
  std::vector<batch::SummarySource> sources;
  for (const auto& d : o.merge) {
    const fs::path f = fs::path(d) / "batch_summary.csv";
    if (!fs::is_regular_file(f)) throw Error(ErrorCode::NoInput, f.string(), "not found (not a recap batch output folder?)");
    sources.push_back({d, batch::parseSummaryCsv(readText(f), f.string())});
  }
  std::vector<batch::SummaryRow> rows = batch::mergeSummaries(sources);
  const fs::path out(o.out);
  ensureWritableDirectory(out);
  writeOutputs(out, rows, "recap batch: " + std::to_string(o.merge.size()) + (o.merge.size() == 1 ? " shard" : " shards") + " merged");
  const batch::Outcome oc = batch::outcomeOf(rows);
  spdlog::info("merged {} shards: {} cases, {} ok, {} failed -> {}", o.merge.size(), oc.cases, oc.ok, oc.failed,
               (out / "batch_summary.csv").string());
  return batch::batchExitCode(oc);
}

int runBatch(const BatchOptions& o) {
  if (!o.merge.empty()) return runMerge(o);
  if (o.input.empty()) throw Error(ErrorCode::Usage, "", "batch: INPUT (a folder of cases or a manifest) is required");
  std::vector<batch::CaseEntry> cases = batch::discoverCases(o.input);
  const size_t all = cases.size();
  if (!o.shard.empty()) {
    const batch::Shard s = batch::parseShard(o.shard);
    cases = batch::shardCases(cases, s);
    spdlog::info("shard {}/{}: {} of {} cases", s.index, s.count, cases.size(), all);
  }
  const fs::path out(o.out);
  if (fs::exists(out) && !fs::is_directory(out)) throw Error(ErrorCode::Output, out.string(), "exists and is not a folder");
  ensureWritableDirectory(out);
  // DIR/<case> is replaced by each result: it must not hold a case's inputs (e.g. --out INPUT).
  for (const auto& c : cases) {
    const fs::path dest = fs::weakly_canonical(out / c.name), file = fs::weakly_canonical(c.case_file);
    const auto [end, at] = std::mismatch(dest.begin(), dest.end(), file.begin(), file.end());
    if (end == dest.end())
      throw Error(ErrorCode::Usage, out.string(),
                  "the output folder of case '" + c.name + "' would replace its input " + c.case_file.string() +
                      "; choose an --out outside the cases");
  }

  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  size_t limit = o.jobs ? o.jobs : cores;
  if (o.memory_budget_gb > 0) {
    const size_t by_memory = std::max<size_t>(1, size_t(o.memory_budget_gb / o.memory_per_case_gb));
    if (by_memory < limit)
      spdlog::info("memory budget {} GB / {} GB per case: {} concurrent cases instead of {}", o.memory_budget_gb,
                   o.memory_per_case_gb, by_memory, limit);
    limit = std::min(limit, by_memory);
  }
  // ITK threads per case: the cores shared among the concurrent cases, unless the user set it.
  const char* user_threads = std::getenv("ITK_GLOBAL_DEFAULT_NUMBER_OF_THREADS");
  const std::string threads =
      user_threads ? std::string(user_threads)
                   : std::to_string(std::max<size_t>(1, cores / std::min(limit, std::max<size_t>(1, cases.size()))));

  // Leftovers of an interrupted (killed) earlier batch: temporaries of these cases.
  for (const auto& d : fs::directory_iterator(out)) {
    const std::string n = d.path().filename().string();
    for (const auto& c : cases)
      if (n.rfind("." + c.name + ".partial-", 0) == 0 || n.rfind("." + c.name + ".old-", 0) == 0) removeQuietly(d.path());
  }

  struct sigaction sa {};
  sa.sa_handler = onStopSignal;
  sigemptyset(&sa.sa_mask);
  struct sigaction old_int {}, old_term {};
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);

  Progress progress(cases.size(), o.progress_interval_s);
  std::vector<batch::SummaryRow> rows;
  std::vector<std::pair<batch::CaseEntry, batch::InputDigest>> queue;
  size_t done = 0, failed = 0, skipped = 0, ran = 0;
  for (const auto& c : cases) {
    batch::InputDigest d = batch::inputDigest(c.case_file, RECAP_VERSION);
    if (!o.force)
      if (auto r = upToDate(out / c.name, c.name, d)) {
        rows.insert(rows.end(), r->begin(), r->end());
        ++done, ++skipped;
        progress.say(spdlog::level::info, c.name + ": skipped (up to date)");
        continue;
      }
    queue.emplace_back(c, d);
  }
  progress.say(spdlog::level::info, std::to_string(queue.size()) + " of " + std::to_string(cases.size()) +
                                        " cases to run, " + std::to_string(limit) + " at a time, into " + out.string());

  const std::string exe = "/proc/self/exe";
  std::map<pid_t, Running> running;
  size_t next = 0;
  while ((next < queue.size() || !running.empty()) && !g_stop_signal) {
    while (next < queue.size() && running.size() < limit && !g_stop_signal) {
      const auto& [c, d] = queue[next++];
      Running r{c, d, out / ("." + c.name + ".partial-" + std::to_string(::getpid())), Clock::now()};
      removeQuietly(r.tmp);
      fs::create_directories(r.tmp);
      const pid_t pid = batch::spawnLogged(
          exe, {"recap", "assess", c.case_file.string(), "--out", r.tmp.string(), "--force"}, r.tmp / "recap.log",
          {{"ITK_GLOBAL_DEFAULT_NUMBER_OF_THREADS", threads}});
      running.emplace(pid, r);
      progress.say(spdlog::level::debug, c.name + ": started (pid " + std::to_string(pid) + ")");
    }
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid <= 0) {
      progress.update(done, failed, skipped, running.size(), ran);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    auto it = running.find(pid);
    if (it == running.end()) continue;
    Running r = it->second;
    running.erase(it);
    const batch::ChildEnd end = batch::childEnd(status);
    if (g_stop_signal && (end.signal == SIGINT || end.signal == SIGTERM)) {
      // Signalled with the batch (e.g. a scheduler signalling the whole job): interrupted, not failed.
      removeQuietly(r.tmp);
      continue;
    }
    const double secs = std::chrono::duration<double>(Clock::now() - r.start).count();
    ++done, ++ran;
    const fs::path dest = out / r.c.name;
    try {
      if (end.exit_code == 0) {
        json d;
        d["digest"] = r.digest.sha256;
        d["recap_version"] = RECAP_VERSION;
        d["profile"] = r.digest.profile;
        d["case_file"] = fs::absolute(r.c.case_file).lexically_normal().string();
        d["seconds"] = std::round(secs * 10) / 10;
        writeFileAtomic(r.tmp / "batch_digest.json", d.dump(2) + "\n");
        auto case_rows = batch::rowsFromAssessment(r.c.name, json::parse(readText(r.tmp / "assessment.json")));
        commitFolder(r.tmp, dest);
        rows.insert(rows.end(), case_rows.begin(), case_rows.end());
        progress.say(spdlog::level::info, r.c.name + ": ok (" + duration(secs) + ")");
      } else {
        const std::string why = batch::failureReason(r.tmp / "recap.log", end);
        // Only the log and the error record are kept of a failed case.
        for (const auto& f : fs::directory_iterator(r.tmp))
          if (f.path().filename() != "recap.log") removeQuietly(f.path());
        json e;
        e["status"] = "failed";
        e["exit_code"] = end.exit_code;
        e["signal"] = end.signal ? json(end.signal) : json(nullptr);
        e["error"] = why;
        e["digest"] = r.digest.sha256;  // empty when the case file could not be read
        e["case_file"] = fs::absolute(r.c.case_file).lexically_normal().string();
        e["seconds"] = std::round(secs * 10) / 10;
        writeFileAtomic(r.tmp / "batch_error.json", e.dump(2) + "\n");
        commitFolder(r.tmp, dest);
        rows.push_back(batch::failureRow(r.c.name, end.exit_code, why));
        ++failed;
        progress.say(spdlog::level::err, r.c.name + ": failed, exit code " + std::to_string(end.exit_code) + ": " + why +
                                             " (log: " + (dest / "recap.log").string() + ")");
      }
    } catch (const std::exception& e) {
      removeQuietly(r.tmp);
      rows.push_back(batch::failureRow(r.c.name, exitCode(ErrorCode::Output), e.what()));
      ++failed;
      progress.say(spdlog::level::err, r.c.name + ": failed: " + std::string(e.what()));
    }
    progress.update(done, failed, skipped, running.size(), ran);
  }

  if (g_stop_signal) {
    const int sig = g_stop_signal;
    progress.say(spdlog::level::warn, std::string("stopping on ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") + ": " +
                                          std::to_string(running.size()) + " running cases abandoned");
    for (const auto& [pid, r] : running) ::kill(pid, SIGTERM);
    for (const auto& [pid, r] : running) {
      int st = 0;
      ::waitpid(pid, &st, 0);
      removeQuietly(r.tmp);
    }
  }
  progress.finish();
  if (g_stop_signal) {
    // Cases not finished in this run keep their earlier result if it is still up to date (e.g.
    // under --force); their rows stay in the summary.
    std::map<std::string, bool> finished;
    for (const auto& r : rows) finished[r.case_name] = true;
    for (const auto& [c, d] : queue)
      if (!finished.count(c.name)) {
        if (auto r = upToDate(out / c.name, c.name, d)) rows.insert(rows.end(), r->begin(), r->end());
        else if (auto f = earlierFailure(out / c.name, c.name, d)) rows.push_back(*f);
      }
  }
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);

  fs::path input_name(o.input);
  if (input_name.filename().empty()) input_name = input_name.parent_path();  // "trial/"
  std::string title = "recap batch: " + input_name.filename().string();
  if (!o.shard.empty()) title += " (shard " + o.shard + ")";
  writeOutputs(out, rows, title);
  const batch::Outcome oc = batch::outcomeOf(rows);
  spdlog::info("{} cases: {} ok ({} up to date), {} failed; {} and {}", cases.size(), oc.ok, skipped, oc.failed,
               (out / "batch_summary.csv").string(), (out / "batch_report.html").string());
  if (g_stop_signal) {
    spdlog::error("{}: interrupted: {} of {} cases finished", out.string(), done, cases.size());
    return exitCode(ErrorCode::Interrupted);
  }
  return batch::batchExitCode(oc);
}

}  // namespace

void addBatchCommand(CLI::App& app, Action& action) {
  auto opts = std::make_shared<BatchOptions>();
  CLI::App* cmd = app.add_subcommand("batch", "Assess many cases concurrently, resumably, with a summary (docs/batch.md)");
  cmd->add_option("input", opts->input, "a folder whose subfolders hold case.yaml, or a manifest (.csv, .yaml)");
  cmd->add_option("-o,--out", opts->out, "output folder: DIR/<case>/, batch_summary.csv, batch_report.html")->required();
  cmd->add_option("-j,--jobs", opts->jobs, "cases run at once (default: the number of cores)")->check(CLI::Range(1u, 1024u));
  cmd->add_option("--memory-budget", opts->memory_budget_gb,
                  "GB for all running cases together: caps --jobs at budget / --memory-per-case")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--memory-per-case", opts->memory_per_case_gb, "GB one case needs at its peak (default 2)")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--force", opts->force, "rerun cases that are up to date");
  cmd->add_option("--shard", opts->shard, "K/N: run only the K-th of N deterministic shards of the cases");
  cmd->add_option("--merge", opts->merge, "join the summaries of these shard output folders into --out (runs no case)")
      ->expected(1, -1);
  cmd->add_option("--progress-interval", opts->progress_interval_s,
                  "seconds between progress lines when stderr is not a terminal (default 30)")
      ->check(CLI::PositiveNumber);
  cmd->callback([opts, &action] { action = [opts] { return runBatch(*opts); }; });
}

}  // namespace recap::cli
