#include "recap/listen/queue.h"

#include <sqlite3.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "recap/core/error.h"

namespace recap::listen {
namespace fs = std::filesystem;

namespace {

// One prepared statement; binds in order, steps, finalizes.
class Stmt {
 public:
  Stmt(sqlite3* db, const std::string& sql, const fs::path& file) : db_(db), file_(file) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s_, nullptr) != SQLITE_OK) fail("prepare");
  }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt& bind(const std::string& v) {
    sqlite3_bind_text(s_, ++n_, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& bind(double v) {
    sqlite3_bind_double(s_, ++n_, v);
    return *this;
  }
  Stmt& bind(long v) {
    sqlite3_bind_int64(s_, ++n_, v);
    return *this;
  }
  bool step() {
    const int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) fail("step");
    return false;
  }
  std::string text(int i) const {
    const auto* t = sqlite3_column_text(s_, i);
    return t ? reinterpret_cast<const char*>(t) : "";
  }
  long integer(int i) const { return static_cast<long>(sqlite3_column_int64(s_, i)); }

 private:
  [[noreturn]] void fail(const char* what) {
    throw Error(ErrorCode::Output, file_.string(), std::string("SQLite ") + what + ": " + sqlite3_errmsg(db_));
  }
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
  fs::path file_;
  int n_ = 0;
};

const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS instances(sop_uid TEXT PRIMARY KEY, study_uid TEXT NOT NULL, series_uid TEXT,
  path TEXT NOT NULL, received_at REAL);
CREATE INDEX IF NOT EXISTS instances_study ON instances(study_uid);
CREATE TABLE IF NOT EXISTS studies(study_uid TEXT PRIMARY KEY, patient_id TEXT, study_date TEXT,
  modalities TEXT DEFAULT '', state TEXT DEFAULT 'receiving', note TEXT DEFAULT '', last_at REAL,
  open_assocs INTEGER DEFAULT 0, aborted INTEGER DEFAULT 0);
CREATE TABLE IF NOT EXISTS jobs(id INTEGER PRIMARY KEY AUTOINCREMENT, study_uid TEXT UNIQUE NOT NULL,
  patient_id TEXT, state TEXT NOT NULL, attempts INTEGER DEFAULT 0, message TEXT DEFAULT '',
  created_at REAL, updated_at REAL);
)sql";

std::string addModality(const std::string& list, const std::string& m) {
  std::set<std::string> all;
  std::stringstream in(list);
  for (std::string s; std::getline(in, s, '\\');)
    if (!s.empty()) all.insert(s);
  if (!m.empty()) all.insert(m);
  std::string out;
  for (const auto& s : all) out += (out.empty() ? "" : "\\") + s;
  return out;
}

}  // namespace

Queue::Queue(const fs::path& db_file) : file_(db_file) {
  std::error_code ec;
  fs::create_directories(db_file.parent_path(), ec);
  if (sqlite3_open(db_file.c_str(), &db_) != SQLITE_OK) {
    const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw Error(ErrorCode::Output, db_file.string(), "cannot open the job database: " + why);
  }
  sqlite3_busy_timeout(db_, 10000);
  exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
  exec(kSchema);
  // After a stop or crash: running jobs run again; associations that were open were cut.
  exec("UPDATE jobs SET state='pending' WHERE state='running';"
       "UPDATE jobs SET state='resend' WHERE state='sending';"
       "UPDATE studies SET aborted=1, open_assocs=0 WHERE open_assocs>0;");
}

Queue::~Queue() { sqlite3_close(db_); }

void Queue::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string why = err ? err : "unknown";
    sqlite3_free(err);
    throw Error(ErrorCode::Output, file_.string(), "SQLite: " + why);
  }
}

bool Queue::recordInstance(const InstanceInfo& info, const std::string& path, double now_s) {
  std::lock_guard lock(mutex_);
  exec("BEGIN IMMEDIATE");
  try {
    Stmt ins(db_, "INSERT OR IGNORE INTO instances(sop_uid, study_uid, series_uid, path, received_at) VALUES(?,?,?,?,?)", file_);
    ins.bind(info.sop_uid).bind(info.study_uid).bind(info.series_uid).bind(path).bind(now_s).step();
    const bool added = sqlite3_changes(db_) > 0;
    std::string modalities;
    {
      Stmt q(db_, "SELECT modalities FROM studies WHERE study_uid=?", file_);
      q.bind(info.study_uid);
      if (q.step()) modalities = q.text(0);
    }
    Stmt up(db_,
            "INSERT INTO studies(study_uid, patient_id, study_date, modalities, last_at) VALUES(?,?,?,?,?) "
            "ON CONFLICT(study_uid) DO UPDATE SET modalities=excluded.modalities, last_at=excluded.last_at",
            file_);
    up.bind(info.study_uid).bind(info.patient_id).bind(info.study_date).bind(addModality(modalities, info.modality)).bind(now_s).step();
    exec("COMMIT");
    return added;
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void Queue::associationOpened(const std::string& study_uid) {
  std::lock_guard lock(mutex_);
  Stmt s(db_, "UPDATE studies SET open_assocs=open_assocs+1 WHERE study_uid=?", file_);
  s.bind(study_uid).step();
}

void Queue::associationEnded(const std::string& study_uid, bool aborted, double now_s) {
  std::lock_guard lock(mutex_);
  Stmt s(db_, "UPDATE studies SET open_assocs=MAX(open_assocs-1,0), aborted=?, last_at=MAX(last_at,?) WHERE study_uid=?", file_);
  s.bind(static_cast<long>(aborted)).bind(now_s).bind(study_uid).step();
}

namespace {
const char* kStudyColumns = "study_uid, patient_id, study_date, modalities, state, note, aborted, "
                            "(SELECT COUNT(*) FROM instances i WHERE i.study_uid=studies.study_uid)";
Study readStudy(const Stmt& s) {
  return Study{s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), static_cast<int>(s.integer(7)), s.integer(6) != 0};
}
}  // namespace

std::vector<Study> Queue::stableStudies(double now_s, double stable_age_s) {
  std::lock_guard lock(mutex_);
  Stmt s(db_, std::string("SELECT ") + kStudyColumns +
                  " FROM studies WHERE state='receiving' AND open_assocs=0 AND aborted=0 AND last_at<=? ORDER BY last_at",
         file_);
  s.bind(now_s - stable_age_s);
  std::vector<Study> out;
  while (s.step()) out.push_back(readStudy(s));
  return out;
}

void Queue::setStudyState(const std::string& study_uid, const std::string& state, const std::string& note) {
  std::lock_guard lock(mutex_);
  Stmt s(db_, "UPDATE studies SET state=?, note=? WHERE study_uid=?", file_);
  s.bind(state).bind(note).bind(study_uid).step();
}

std::optional<Study> Queue::study(const std::string& study_uid) {
  std::lock_guard lock(mutex_);
  Stmt s(db_, std::string("SELECT ") + kStudyColumns + " FROM studies WHERE study_uid=?", file_);
  s.bind(study_uid);
  if (!s.step()) return std::nullopt;
  return readStudy(s);
}

std::vector<Study> Queue::completeStudies(const std::string& patient_id) {
  std::lock_guard lock(mutex_);
  Stmt s(db_, std::string("SELECT ") + kStudyColumns +
                  " FROM studies WHERE patient_id=? AND state='complete' ORDER BY study_date, study_uid",
         file_);
  s.bind(patient_id);
  std::vector<Study> out;
  while (s.step()) out.push_back(readStudy(s));
  return out;
}

std::vector<std::string> Queue::instancePaths(const std::string& study_uid) {
  std::lock_guard lock(mutex_);
  Stmt s(db_, "SELECT path FROM instances WHERE study_uid=? ORDER BY path", file_);
  s.bind(study_uid);
  std::vector<std::string> out;
  while (s.step()) out.push_back(s.text(0));
  return out;
}

bool Queue::addJob(const std::string& study_uid, const std::string& patient_id, double now_s) {
  std::lock_guard lock(mutex_);
  Stmt s(db_, "INSERT OR IGNORE INTO jobs(study_uid, patient_id, state, created_at, updated_at) VALUES(?,?,'pending',?,?)", file_);
  s.bind(study_uid).bind(patient_id).bind(now_s).bind(now_s).step();
  return sqlite3_changes(db_) > 0;
}

namespace {
const char* kJobColumns = "id, study_uid, patient_id, state, attempts, message";
Job readJob(const Stmt& s) {
  return Job{s.integer(0), s.text(1), s.text(2), s.text(3), static_cast<int>(s.integer(4)), s.text(5)};
}
}  // namespace

std::optional<Job> Queue::takePending(double now_s) {
  std::lock_guard lock(mutex_);
  std::optional<Job> job;
  {
    Stmt s(db_, std::string("SELECT ") + kJobColumns + " FROM jobs WHERE state IN ('pending','resend') ORDER BY id LIMIT 1", file_);
    if (s.step()) job = readJob(s);
  }
  if (!job) return job;
  // A job stopped while sending its results (assessed already) sends them again.
  job->state = job->state == "pending" ? "running" : "sending";
  ++job->attempts;
  Stmt u(db_, "UPDATE jobs SET state=?, attempts=?, updated_at=? WHERE id=?", file_);
  u.bind(job->state).bind(static_cast<long>(job->attempts)).bind(now_s).bind(job->id).step();
  return job;
}

void Queue::setJobState(long id, const std::string& state, const std::string& message, double now_s) {
  std::lock_guard lock(mutex_);
  Stmt s(db_, "UPDATE jobs SET state=?, message=?, updated_at=? WHERE id=?", file_);
  s.bind(state).bind(message).bind(now_s).bind(id).step();
}

std::vector<Job> Queue::jobs(const std::string& state) {
  std::lock_guard lock(mutex_);
  Stmt s(db_, std::string("SELECT ") + kJobColumns + " FROM jobs" + (state.empty() ? "" : " WHERE state=?") + " ORDER BY id", file_);
  if (!state.empty()) s.bind(state);
  std::vector<Job> out;
  while (s.step()) out.push_back(readJob(s));
  return out;
}

}  // namespace recap::listen
