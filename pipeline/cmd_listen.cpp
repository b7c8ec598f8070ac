// recap listen --config listen.yaml: a DICOM node (docs/listen.md). Received studies are archived;
// a stable study of a registry patient that is a new timepoint becomes a job in a persistent queue;
// each job runs `recap assess --dicom-out` in a child process of this executable (a crash of one
// assessment never takes the service down) and sends the timepoint's SR and SEG to the configured
// destinations by C-STORE. SIGTERM/SIGINT: stop accepting, stop running assessments (they run
// again on restart), exit 0.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <dcmtk/oflog/oflog.h>

#include "commands.h"
#include "recap/batch/process.h"
#include "recap/core/error.h"
#include "recap/core/files.h"
#include "recap/listen/config.h"
#include "recap/listen/queue.h"
#include "recap/listen/registry.h"
#include "recap/listen/scp.h"
#include "recap/listen/sender.h"

namespace fs = std::filesystem;

namespace recap::cli {
namespace {

volatile std::sig_atomic_t g_listen_stop = 0;
extern "C" void onListenStop(int sig) { g_listen_stop = sig; }

// Marks every open descriptor above stderr close-on-exec (DCMTK's sockets are not).
void closeOnExec() {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc/self/fd", ec)) {
    const int fd = std::atoi(e.path().filename().c_str());
    if (fd > 2) ::fcntl(fd, F_SETFD, ::fcntl(fd, F_GETFD) | FD_CLOEXEC);
  }
}

double nowSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

struct ListenOptions {
  std::string config;
  bool check = false;
};

class Service {
 public:
  explicit Service(const listen::Config& c) : cfg_(c), queue_(c.state / "jobs.sqlite") {}

  int run() {
    listen::StorageServer server(cfg_, queue_);
    std::string server_error;
    std::thread scp([&] {
      try {
        server.run();
      } catch (const std::exception& e) {
        server_error = e.what();
        g_listen_stop = SIGTERM;
      }
    });
    spdlog::info("recap listen: {} on port {}, archive {}, {} destination(s), stable age {} s", cfg_.ae_title, cfg_.port,
                 cfg_.archive.string(), cfg_.destinations.size(), cfg_.stable_age_s);
    for (const auto& j : queue_.jobs("pending")) spdlog::info("job {} (study {}): pending, resumes", j.id, j.study_uid);
    for (const auto& j : queue_.jobs("resend")) spdlog::info("job {} (study {}): results to send again", j.id, j.study_uid);
    while (!g_listen_stop) {
      try {
        planStudies();
        startJobs();
      } catch (const Error& e) {
        spdlog::error("{}", e.what());
      }
      reapThreads(false);
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    spdlog::info("recap listen: stopping (signal {})", static_cast<int>(g_listen_stop));
    stopping_ = true;
    server.stop();
    {
      std::lock_guard lock(mutex_);
      for (pid_t pid : children_) ::kill(pid, SIGTERM);
    }
    reapThreads(true);
    scp.join();
    if (!server_error.empty()) throw Error(ErrorCode::Output, "", server_error);
    spdlog::info("recap listen: stopped");
    return 0;
  }

 private:
  // Stable studies: ignored (no CT, unknown patient) or complete; a complete study of a registry
  // patient that is not the earliest becomes a job (each study once).
  void planStudies() {
    for (const listen::Study& s : queue_.stableStudies(nowSeconds(), cfg_.stable_age_s)) {
      const std::string what = "study " + s.study_uid + " (patient " + s.patient_id + ", " + std::to_string(s.instances) +
                               " instances, " + (s.modalities.empty() ? "no modality" : s.modalities) + ")";
      if (s.modalities.find("CT") == std::string::npos) {
        queue_.setStudyState(s.study_uid, "ignored", "no CT");
        spdlog::info("{}: complete, no CT: left alone", what);
        continue;
      }
      if (!listen::findPatient(cfg_.registry, s.patient_id)) {
        queue_.setStudyState(s.study_uid, "ignored", "unknown patient");
        spdlog::info("{}: complete, patient not in the registry: left alone", what);
        continue;
      }
      queue_.setStudyState(s.study_uid, "complete", "");
      spdlog::info("{}: complete", what);
      const auto studies = queue_.completeStudies(s.patient_id);
      for (size_t i = 1; i < studies.size(); ++i)
        if (queue_.addJob(studies[i].study_uid, s.patient_id, nowSeconds()))
          spdlog::info("job for study {} (patient {}, timepoint {} of {}): queued", studies[i].study_uid, s.patient_id,
                       i + 1, studies.size());
    }
  }

  void startJobs() {
    while (!g_listen_stop) {
      {
        std::lock_guard lock(mutex_);
        if (static_cast<int>(threads_.size()) >= cfg_.max_jobs) return;
      }
      auto job = queue_.takePending(nowSeconds());
      if (!job) return;
      std::lock_guard lock(mutex_);
      const long id = job->id;
      threads_[id] = std::thread([this, j = *job] { runJob(j); });
    }
  }

  void reapThreads(bool all) {
    std::vector<long> ids;
    {
      std::lock_guard lock(mutex_);
      for (const auto& [id, t] : threads_)
        if (all || finished_.count(id)) ids.push_back(id);
    }
    for (long id : ids) {
      std::thread t;
      {
        std::lock_guard lock(mutex_);
        t = std::move(threads_[id]);
        threads_.erase(id);
        finished_.erase(id);
      }
      t.join();
    }
  }

  void runJob(listen::Job job) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::string tag = "job " + std::to_string(job.id) + " (study " + job.study_uid + ", patient " + job.patient_id + ")";
    try {
      // Each attempt its own output folder: an assessment orphaned by a crash of the service may
      // still be writing to the previous one.
      fs::path out = cfg_.state / "jobs" / std::to_string(job.id) / ("out-" + std::to_string(job.attempts));
      std::string label;
      if (job.state == "running") {
        label = assess(job, out);
        if (!label.empty()) queue_.setJobState(job.id, "sending", label + "\t" + out.string(), nowSeconds());
      } else {  // a resend: the label and the folder were kept with the job
        const auto tab = job.message.find('\t');
        label = job.message.substr(0, tab);
        out = tab == std::string::npos ? fs::path() : fs::path(job.message.substr(tab + 1));
      }
      if (!label.empty()) send(job, out, label, tag, t0);
    } catch (const std::exception& e) {
      if (!stopping_) {
        queue_.setJobState(job.id, "failed", e.what(), nowSeconds());
        spdlog::error("{}: failed: {}", tag, e.what());
      } else {
        spdlog::info("{}: interrupted, resumes on restart", tag);
      }
    }
    std::lock_guard lock(mutex_);
    finished_.insert(job.id);
  }

  // Runs recap assess for the job's study and the patient's earlier studies; returns the study's
  // timepoint label, or "" when interrupted by the stop.
  std::string assess(const listen::Job& job, const fs::path& out) {
    const auto entry = listen::findPatient(cfg_.registry, job.patient_id);
    if (!entry) throw Error(ErrorCode::CaseFile, cfg_.registry.string(), "patient " + job.patient_id + " no longer in the registry");
    std::vector<listen::Timepoint> tps;
    std::string label;
    for (const auto& s : queue_.completeStudies(job.patient_id)) {
      tps.push_back({listen::timepointLabel(tps.size()), cfg_.archive / listen::sanitizeUid(s.study_uid)});
      if (s.study_uid == job.study_uid) {
        label = tps.back().label;
        break;
      }
    }
    if (label.empty() || tps.size() < 2)
      throw Error(ErrorCode::CaseFile, job.study_uid, "not a follow-up of a complete baseline study");
    const fs::path dir = out.parent_path();
    fs::remove_all(out);
    fs::create_directories(dir);
    writeFileAtomic(dir / "case.yaml", listen::caseFileText(*entry, job.patient_id, tps));
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const std::string threads = std::to_string(std::max(1u, cores / static_cast<unsigned>(cfg_.max_jobs)));
    const fs::path log = dir / ("assess-" + std::to_string(job.attempts) + ".log");
    closeOnExec();  // the assessment must not inherit the listening socket (it would outlive a killed service)
    const pid_t pid = batch::spawnLogged("/proc/self/exe",
                                         {"recap", "assess", (dir / "case.yaml").string(), "--out", out.string(), "--dicom-out"},
                                         log, {{"ITK_GLOBAL_DEFAULT_NUMBER_OF_THREADS", threads}});
    {
      std::lock_guard lock(mutex_);
      children_.insert(pid);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    {
      std::lock_guard lock(mutex_);
      children_.erase(pid);
    }
    const batch::ChildEnd end = batch::childEnd(status);
    if (stopping_) throw Error(ErrorCode::Interrupted, "", "stopped");
    if (end.exit_code != 0)
      throw Error(ErrorCode::Internal, log.string(), "recap assess: " + batch::failureReason(log, end));
    spdlog::info("job {} (study {}): assessed as timepoint {} of patient {}", job.id, job.study_uid, label, job.patient_id);
    return label;
  }

  void send(const listen::Job& job, const fs::path& out, const std::string& label, const std::string& tag,
            std::chrono::steady_clock::time_point t0) {
    std::vector<fs::path> files;
    for (const char* kind : {"_SR.dcm", "_SEG.dcm"})
      if (fs::exists(out / (label + kind))) files.push_back(out / (label + kind));
    if (files.empty()) throw Error(ErrorCode::Output, out.string(), "no " + label + "_SR.dcm to send");
    std::string failures;
    for (const auto& d : cfg_.destinations) {
      const std::string why =
          listen::storeWithRetries(cfg_.ae_title, d, files, cfg_.send_attempts, cfg_.send_backoff_s, stopping_);
      if (!why.empty()) failures += (failures.empty() ? "" : "; ") + why;
    }
    if (stopping_) throw Error(ErrorCode::Interrupted, "", "stopped");
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!failures.empty()) throw Error(ErrorCode::Output, out.string(), "sending: " + failures);
    queue_.setJobState(job.id, "done", label, nowSeconds());
    spdlog::info("{}: done in {:.1f} s, {} file(s) sent to {} destination(s)", tag, secs, files.size(), cfg_.destinations.size());
  }

  const listen::Config& cfg_;
  listen::Queue queue_;
  std::mutex mutex_;
  std::map<long, std::thread> threads_;
  std::set<long> finished_;
  std::set<pid_t> children_;
  std::atomic<bool> stopping_{false};
};

int runListen(const ListenOptions& o) {
  const listen::Config cfg = listen::loadConfig(o.config);
  // DCMTK's own log: errors only (each association is logged by recap at debug level).
  OFLog::configure(spdlog::get_level() <= spdlog::level::debug ? OFLogger::INFO_LOG_LEVEL : OFLogger::ERROR_LOG_LEVEL);
  if (o.check) {
    // C-ECHO to this service as its first allowed caller (the service refuses other callers).
    const std::string why = listen::echo(cfg.allowed_callers.front(), {cfg.ae_title, "127.0.0.1", cfg.port});
    if (!why.empty()) throw Error(ErrorCode::NoInput, o.config, "the service does not answer C-ECHO: " + why);
    std::printf("%s on port %d: C-ECHO ok\n", cfg.ae_title.c_str(), cfg.port);
    return 0;
  }
  ensureWritableDirectory(cfg.archive);
  ensureWritableDirectory(cfg.state);
  struct sigaction sa {};
  sa.sa_handler = onListenStop;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  Service service(cfg);
  return service.run();
}

}  // namespace

void addListenCommand(CLI::App& app, Action& action) {
  auto opts = std::make_shared<ListenOptions>();
  CLI::App* cmd = app.add_subcommand("listen", "DICOM Storage SCP: assess new timepoints sent by a PACS (docs/listen.md)");
  cmd->add_option("--config", opts->config, "listen.yaml (docs/listen.md)")->required()->check(CLI::ExistingFile);
  cmd->add_flag("--check", opts->check, "C-ECHO the running service and exit (0 when it answers)");
  cmd->callback([opts, &action] { action = [opts] { return runListen(*opts); }; });
}

}  // namespace recap::cli
