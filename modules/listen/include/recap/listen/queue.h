// The persistent state of `recap listen` in SQLite (<state>/jobs.sqlite): received instances,
// studies and their stability, and the assessment jobs. A C-STORE is answered only after its
// instance is committed here, and jobs survive a stop or a crash: on reopening, a job that was
// running is pending again, a study whose association was cut by the crash counts as aborted.
// Thread-safe (one connection, one mutex).
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "recap/listen/archive.h"

struct sqlite3;

namespace recap::listen {

struct Study {
  std::string study_uid, patient_id, study_date;
  std::string modalities;  // received modalities, sorted, '\\'-separated (e.g. "CT\\PT")
  std::string state;       // receiving, complete, ignored
  std::string note;        // why a study was ignored
  int instances = 0;
  bool aborted = false;    // an association that delivered to it was aborted (partial)
};

struct Job {
  long id = 0;
  std::string study_uid, patient_id;
  // pending, running (assessing), sending, done, failed; after a stop or crash running is pending
  // again and sending is resend (taken as sending: the results are sent again)
  std::string state;
  int attempts = 0;
  std::string message;
};

class Queue {
 public:
  // Opens (creating) the database; Error(Output) naming the file on failure.
  explicit Queue(const std::filesystem::path& db_file);
  ~Queue();
  Queue(const Queue&) = delete;
  Queue& operator=(const Queue&) = delete;

  // Records a committed instance at `now_s`; returns false if that SOP instance was already stored
  // (the file was replaced by the same instance; counted once).
  bool recordInstance(const InstanceInfo& info, const std::string& path, double now_s);
  // An association begins or ends delivering to a study. A study with open associations is never
  // stable; an aborted end marks it partial until a later association to it ends normally.
  void associationOpened(const std::string& study_uid);
  void associationEnded(const std::string& study_uid, bool aborted, double now_s);

  // Studies still receiving whose last instance is older than now - stable_age, with no open and
  // no aborted association.
  std::vector<Study> stableStudies(double now_s, double stable_age_s);
  void setStudyState(const std::string& study_uid, const std::string& state, const std::string& note);
  std::optional<Study> study(const std::string& study_uid);
  // The patient's complete studies, by study date then UID.
  std::vector<Study> completeStudies(const std::string& patient_id);
  std::vector<std::string> instancePaths(const std::string& study_uid);

  // Adds a pending job for the study unless it has one (every study is assessed once); returns
  // whether it was added.
  bool addJob(const std::string& study_uid, const std::string& patient_id, double now_s);
  // The oldest pending (now running) or resend (now sending) job, attempts + 1.
  std::optional<Job> takePending(double now_s);
  void setJobState(long id, const std::string& state, const std::string& message, double now_s);
  std::vector<Job> jobs(const std::string& state = "");

 private:
  void exec(const std::string& sql);
  sqlite3* db_ = nullptr;
  std::filesystem::path file_;
  std::mutex mutex_;
};

}  // namespace recap::listen
