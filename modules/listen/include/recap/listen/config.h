// The configuration of `recap listen` (docs/listen.md): a YAML file.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace recap::listen {

// A DICOM node results are sent to by C-STORE.
struct Destination {
  std::string ae_title;
  std::string host;
  int port = 104;
};

struct Config {
  std::string ae_title = "RECAP";
  int port = 11112;
  std::vector<std::string> allowed_callers;  // calling AE titles accepted; others rejected at association
  std::filesystem::path archive;             // received instances: <archive>/<study>/<series>/<sop>.dcm
  std::filesystem::path registry;            // case files (patient_id + targets) or baseline SRs
  std::filesystem::path state;               // job queue (jobs.sqlite) and job folders; default <archive>/.recap
  double stable_age_s = 60;                  // a study is complete when nothing arrived for this long
  int max_jobs = 1;                          // assessments run at once
  std::vector<Destination> destinations;
  int send_attempts = 5;                     // C-STORE attempts per destination
  double send_backoff_s = 2;                 // wait before the 2nd attempt, doubled after each
};

// Reads and checks `path`: unknown keys, wrong types, an AE title longer than 16 characters or a
// port outside 1..65535 throw Error(Usage) naming the file and the key. Relative folders are taken
// relative to the file's folder.
Config loadConfig(const std::filesystem::path& path);

}  // namespace recap::listen
