// recap listen with a real PACS: Debian's Orthanc (own config and storage folder, started and
// stopped by PID) routes stable CT/PET studies to `recap listen` (Lua OnStableStudy, as in
// docs/listen.md); the test sends a phantom's baseline and follow-up to Orthanc with storescu,
// recap assesses the follow-up and sends its SR and SEG back to Orthanc, and the test finds the SR
// through Orthanc's REST API and checks its response and Deauville score against the phantom's
// truth. Orthanc listens on all interfaces, so the test re-runs itself in a private network
// namespace (unshare -n, loopback only): it must run as root and fails (not skips) otherwise.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "recap/srseg/sr.h"
#include "run.h"
#include "tiny_spec.h"

namespace fs = std::filesystem;
using json = nlohmann::json;
using recap::e2e::readText;
using recap::e2e::runRecap;
using recap::e2e::runTool;

namespace {

constexpr int kOrthancHttp = 18042, kOrthancDicom = 14242, kRecapPort = 11112;

// Starts argv with stdout and stderr to `log`; returns its PID.
pid_t start(const std::vector<std::string>& argv, const fs::path& log) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    std::vector<char*> a;
    for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
    a.push_back(nullptr);
    ::execvp(a[0], a.data());
    ::_exit(127);
  }
  return pid;
}

// SIGTERM, then the exit code (128 + signal when killed by one; SIGKILL after 30 s).
int stop(pid_t pid) {
  ::kill(pid, SIGTERM);
  int status = 0;
  for (int i = 0; i < 300; ++i) {
    if (::waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  return -1;
}

std::string http(const std::string& method, const std::string& path, const std::string& body = "") {
  std::vector<std::string> a = {"curl", "-sf", "-X", method, "http://127.0.0.1:" + std::to_string(kOrthancHttp) + path};
  if (!body.empty()) a.insert(a.end(), {"--data-binary", body});
  const auto r = runTool(a);
  return r.exit_code == 0 ? r.out : "";
}

std::vector<std::string> dicomFiles(const fs::path& dir) {
  std::vector<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (e.is_regular_file() && name[0] != '.' && name != "Thumbs.db" && name != "README.TXT" && name != "truth.json")
      files.push_back(e.path().string());
  }
  return files;
}

double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Waits up to `seconds` for `text` in the file.
bool waitFor(const fs::path& file, const std::string& text, double seconds) {
  const auto t0 = std::chrono::steady_clock::now();
  while (since(t0) < seconds) {
    if (readText(file).find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return false;
}

// The cr phantom (--fast), made once for all tests, and its registry case file.
struct Shared {
  fs::path root, ph, registry;
  json base, fu;
  std::string patient;
  bool ok = false;
};
fs::path g_shared_root;  // set once the shared folder exists; removed when every test passed
Shared& shared() {
  static Shared s = [] {
    Shared r;
    r.root = fs::temp_directory_path() / ("recap_listen_e2e_" + std::to_string(::getpid()));
    fs::remove_all(r.root);
    g_shared_root = r.root;
    r.ph = r.root / "ph";
    r.registry = r.root / "registry";
    fs::create_directories(r.registry);
    const auto t0 = std::chrono::steady_clock::now();
    if (runRecap({"phantom", "--preset", "cr", "--fast", "--out", r.ph.string()}).exit_code != 0) return r;
    std::printf("recap phantom --preset cr --fast: %.1f s\n", since(t0));
    r.base = json::parse(readText(r.ph / "baseline" / "truth.json"));
    r.fu = json::parse(readText(r.ph / "fu1" / "truth.json"));
    r.patient = json::parse(readText(r.ph / "phantom.json"))["patient"]["id"];
    // The registry: the patient's targets at their baseline centres, no timepoints.
    std::string reg = "patient_id: \"" + r.patient + "\"\ntarget_lesions:\n";
    for (const json& l : r.base["lesions"])
      if (l["present"].get<bool>())
        reg += "  - {id: " + l["id"].get<std::string>() + ", kind: " + l["kind"].get<std::string>() + ", seed_mm: [" +
               std::to_string(l["centre_mm"][0].get<double>()) + ", " + std::to_string(l["centre_mm"][1].get<double>()) +
               ", " + std::to_string(l["centre_mm"][2].get<double>()) + "]}\n";
    std::ofstream(r.registry / "patient.yaml") << reg;
    r.ok = true;
    return r;
  }();
  return s;
}

}  // namespace

TEST(ListenOrthanc, RoundTripFromOrthancThroughRecapListenBackToOrthanc) {
  const Shared& sh = shared();
  ASSERT_TRUE(sh.ok) << "recap phantom failed";
  const fs::path dir = sh.root / "orthanc-test";
  fs::create_directories(dir / "orthanc");
  const fs::path ph = sh.ph;
  const json& fu = sh.fu;
  const std::string& patient = sh.patient;
  auto t0 = std::chrono::steady_clock::now();

  // Orthanc: forwards the CT and PET series of every stable study to recap (not the SR/SEG that
  // come back), as in docs/listen.md.
  std::ofstream(dir / "route.lua") << R"lua(
function OnStableStudy(studyId, tags, metadata)
  local ids = {}
  for _, s in pairs(ParseJson(RestApiGet('/studies/' .. studyId .. '/series'))) do
    local m = s['MainDicomTags']['Modality']
    if m == 'CT' or m == 'PT' then table.insert(ids, s['ID']) end
  end
  if #ids > 0 then RestApiPost('/modalities/recap/store', DumpJson(ids, true)) end
end
)lua";
  json oc = {{"Name", "recap-test"},
             {"StorageDirectory", (dir / "orthanc").string()},
             {"IndexDirectory", (dir / "orthanc").string()},
             {"HttpPort", kOrthancHttp},
             {"DicomPort", kOrthancDicom},
             {"DicomAet", "ORTHANC"},
             {"RemoteAccessAllowed", false},
             {"AuthenticationEnabled", false},
             {"StableAge", 2},
             {"LuaScripts", {(dir / "route.lua").string()}},
             {"Plugins", json::array()},
             {"DicomModalities", {{"recap", {"RECAP", "127.0.0.1", kRecapPort}}}}};
  std::ofstream(dir / "orthanc.json") << oc.dump(2);
  std::ofstream(dir / "listen.yaml") << "ae_title: RECAP\nport: " << kRecapPort
                                      << "\nallowed_callers: [ORTHANC]\narchive: archive\nregistry: " << sh.registry.string() << "\n"
                                         
                                         "stable_age_s: 2\nsend_attempts: 5\nsend_backoff_s: 1\n"
                                         "destinations: [{ae_title: ORTHANC, host: 127.0.0.1, port: "
                                      << kOrthancDicom << "}]\n";

  const pid_t orthanc = start({"Orthanc", (dir / "orthanc.json").string()}, dir / "orthanc.log");
  const pid_t listen = start({RECAP_EXE, "listen", "--config", (dir / "listen.yaml").string()}, dir / "listen.log");
  bool up = false;
  for (int i = 0; i < 100 && !up; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    up = !http("GET", "/system").empty() && runRecap({"listen", "--config", (dir / "listen.yaml").string(), "--check"}).exit_code == 0;
  }
  ASSERT_TRUE(up) << "Orthanc or recap listen did not answer\n" << readText(dir / "orthanc.log") << readText(dir / "listen.log");

  // The scanner sends both studies to the PACS.
  t0 = std::chrono::steady_clock::now();
  for (const char* tp : {"baseline", "fu1"}) {
    std::vector<std::string> a = {"storescu", "-aet", "SCANNER", "-aec", "ORTHANC", "127.0.0.1", std::to_string(kOrthancDicom)};
    const auto files = dicomFiles(ph / tp);
    a.insert(a.end(), files.begin(), files.end());
    const auto r = runTool(a);
    ASSERT_EQ(r.exit_code, 0) << tp << ": " << r.err;
  }
  std::printf("sent to Orthanc: %.1f s\n", since(t0));

  // The SR comes back to Orthanc.
  std::string sr_id;
  for (int i = 0; i < 1200 && sr_id.empty(); ++i) {  // up to 10 min on a loaded machine
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const std::string found = http("POST", "/tools/find", R"({"Level":"Instance","Query":{"Modality":"SR"}})");
    if (!found.empty() && !json::parse(found).empty()) sr_id = json::parse(found)[0].get<std::string>();
  }
  const double round_trip = since(t0);
  const std::string listen_log = readText(dir / "listen.log");
  ASSERT_FALSE(sr_id.empty()) << "no SR in Orthanc\n" << listen_log;
  std::printf("SR in Orthanc %.1f s after the studies were sent\n", round_trip);
  const auto file = runTool({"curl", "-sf", "-o", (dir / "sr.dcm").string(),
                             "http://127.0.0.1:" + std::to_string(kOrthancHttp) + "/instances/" + sr_id + "/file"});
  ASSERT_EQ(file.exit_code, 0);
  const recap::srseg::MeasurementReport sr = recap::srseg::readMeasurementReport(dir / "sr.dcm");
  EXPECT_EQ(sr.patient_id, patient);
  EXPECT_EQ(sr.timepoint_label, "fu1");
  ASSERT_TRUE(sr.lugano_response);
  EXPECT_EQ(*sr.lugano_response, fu["expected"]["ct_response"].get<std::string>());
  ASSERT_TRUE(sr.deauville);
  EXPECT_EQ(*sr.deauville, fu["expected"]["deauville"].get<int>());
  // On the follow-up study (the one the SR answers), next to its images, with a SEG.
  const json sr_tags = json::parse(http("GET", "/instances/" + sr_id + "/simplified-tags"));
  const json studies = json::parse(http("GET", "/studies?expand"));
  std::string fu_study_uid;
  for (const json& s : studies)
    if (s["MainDicomTags"]["StudyDate"] == fu["date"]) fu_study_uid = s["MainDicomTags"]["StudyInstanceUID"];
  EXPECT_EQ(sr_tags["StudyInstanceUID"], fu_study_uid);
  const std::string segs = http("POST", "/tools/find", R"({"Level":"Instance","Query":{"Modality":"SEG"}})");
  EXPECT_EQ(json::parse(segs.empty() ? "[]" : segs).size(), 1u);
  // The baseline was a timepoint, not assessed on its own: exactly one job, done, and the SR was
  // not routed back to recap (it would be ignored as a study without CT anyway).
  EXPECT_TRUE(waitFor(dir / "listen.log", ": done in", 30)) << listen_log;  // logged after the send
  EXPECT_EQ(readText(dir / "listen.log").find("failed"), std::string::npos) << listen_log;

  EXPECT_EQ(stop(listen), 0) << readText(dir / "listen.log");
  EXPECT_NE(readText(dir / "listen.log").find("recap listen: stopped"), std::string::npos);
  stop(orthanc);
  if (!HasFailure()) fs::remove_all(dir);
}

// ---- recap listen with DCMTK's storescu/echoscu as senders --------------------------------------

namespace {

// Starts recap listen on `port` with archive/state in `dir` and the shared registry; waits until
// it answers C-ECHO. `extra` is appended to the configuration.
pid_t startListen(const fs::path& dir, int port, const std::string& extra) {
  fs::create_directories(dir);
  std::ofstream(dir / "listen.yaml") << "ae_title: RECAP\nport: " << port
                                      << "\nallowed_callers: [SENDER, S0, S1, S2, S3, S4, S5, S6, S7, S8, S9]\n"
                                         "archive: archive\nregistry: " << shared().registry.string()
                                      << "\nstable_age_s: 2\nsend_backoff_s: 1\n" << extra;
  const pid_t pid = start({RECAP_EXE, "listen", "--config", (dir / "listen.yaml").string()}, dir / "listen.log");
  for (int i = 0; i < 100; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    if (runRecap({"listen", "--config", (dir / "listen.yaml").string(), "--check"}).exit_code == 0) return pid;
  }
  return pid;
}

std::string sql(const fs::path& dir, const std::string& query) {
  const auto r = runTool({"sqlite3", (dir / "archive" / ".recap" / "jobs.sqlite").string(), query});
  std::string out = r.out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

size_t countFiles(const fs::path& archive) {
  size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(archive))
    if (e.is_regular_file() && e.path().extension() == ".dcm" && e.path().string().find("/.") == std::string::npos) ++n;
  return n;
}

std::vector<std::string> storescu(const std::string& aet, int port, const std::vector<std::string>& files) {
  std::vector<std::string> a = {"storescu", "-ta", "600", "-aet", aet, "-aec", "RECAP", "127.0.0.1", std::to_string(port)};
  a.insert(a.end(), files.begin(), files.end());
  return a;
}

}  // namespace

TEST(ListenStorescu, CallingAndCalledAeTitlesNotAllowedAreRejectedAtAssociation) {
  ASSERT_TRUE(shared().ok);
  const fs::path dir = shared().root / "reject";
  const int port = 11121;
  const pid_t pid = startListen(dir, port, "");
  const auto files = dicomFiles(shared().ph / "baseline");
  const std::vector<std::string> some(files.begin(), files.begin() + 5);
  const auto evil = runTool(storescu("EVIL", port, some));
  EXPECT_NE(evil.exit_code, 0);
  EXPECT_NE(evil.err.find("Calling AE Title Not Recognized"), std::string::npos) << evil.err;
  const auto wrong_called = runTool({"echoscu", "-aet", "SENDER", "-aec", "NOTRECAP", "127.0.0.1", std::to_string(port)});
  EXPECT_NE(wrong_called.exit_code, 0);
  EXPECT_NE(wrong_called.err.find("Called AE Title Not Recognized"), std::string::npos) << wrong_called.err;
  EXPECT_EQ(runTool({"echoscu", "-aet", "SENDER", "-aec", "RECAP", "127.0.0.1", std::to_string(port)}).exit_code, 0);
  EXPECT_EQ(countFiles(dir / "archive"), 0u);
  EXPECT_NE(readText(dir / "listen.log").find("'EVIL' rejected"), std::string::npos);
  EXPECT_EQ(stop(pid), 0);
}

TEST(ListenStorescu, AStudyFromAnAbortedAssociationWaitsForACompleteDelivery) {
  ASSERT_TRUE(shared().ok);
  const fs::path dir = shared().root / "abort";
  const int port = 11122;
  const pid_t pid = startListen(dir, port, "");
  // The baseline's CT series only (109 files; folder 2 of the phantom's DICOMDIR-style layout).
  auto files = dicomFiles(shared().ph / "baseline" / "DICOM" / "2");
  ASSERT_EQ(files.size(), 109u);
  std::sort(files.begin(), files.end());
  // storescu stops at the unreadable file and aborts the association half way.
  std::vector<std::string> half(files.begin(), files.begin() + files.size() / 2);
  std::ofstream(dir / "broken.dcm") << "not DICOM";
  half.push_back((dir / "broken.dcm").string());
  half.push_back(files.back());
  EXPECT_NE(runTool(storescu("SENDER", port, half)).exit_code, 0);
  std::this_thread::sleep_for(std::chrono::seconds(6));  // three stable ages
  EXPECT_EQ(sql(dir, "SELECT state, aborted, (SELECT COUNT(*) FROM instances) FROM studies"),
            "receiving|1|" + std::to_string(files.size() / 2));
  EXPECT_EQ(readText(dir / "listen.log").find("): complete"), std::string::npos) << readText(dir / "listen.log");
  // The sender tries again with the whole study: complete (the baseline: no job).
  EXPECT_EQ(runTool(storescu("SENDER", port, files)).exit_code, 0);
  EXPECT_TRUE(waitFor(dir / "listen.log", std::to_string(files.size()) + " instances, CT): complete", 30))
      << readText(dir / "listen.log");
  EXPECT_EQ(sql(dir, "SELECT state, aborted FROM studies"), "complete|0");
  EXPECT_EQ(countFiles(dir / "archive"), files.size());
  EXPECT_EQ(sql(dir, "SELECT COUNT(*) FROM jobs"), "0");
  EXPECT_EQ(stop(pid), 0);
}

TEST(ListenStorescu, TenSimultaneousSendersThenKilledMidJobAndRestarted) {
  ASSERT_TRUE(shared().ok);
  const fs::path dir = shared().root / "concurrent";
  const int port = 11123, dest_port = 11124;
  fs::create_directories(dir / "received");
  const pid_t scp = start({"storescp", "-aet", "DEST", "--output-directory", (dir / "received").string(),
                           std::to_string(dest_port)}, dir / "storescp.log");
  const std::string dest = "destinations: [{ae_title: DEST, host: 127.0.0.1, port: " + std::to_string(dest_port) + "}]\n";
  pid_t pid = startListen(dir, port, dest);
  // Both studies dealt over 10 senders started at once (served one association at a time): each
  // association delivers to both studies.
  auto files = dicomFiles(shared().ph / "baseline");
  const auto fu_files = dicomFiles(shared().ph / "fu1");
  files.insert(files.end(), fu_files.begin(), fu_files.end());
  std::vector<std::vector<std::string>> parts(10);
  for (size_t i = 0; i < files.size(); ++i) parts[i % 10].push_back(files[i]);
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> senders;
  std::vector<int> codes(10, -1);
  for (int k = 0; k < 10; ++k)
    senders.emplace_back([&, k] { codes[k] = runTool(storescu("S" + std::to_string(k), port, parts[k])).exit_code; });
  for (auto& t : senders) t.join();
  std::printf("%zu instances from 10 simultaneous senders: %.1f s\n", files.size(), since(t0));
  for (int k = 0; k < 10; ++k) EXPECT_EQ(codes[k], 0) << "association " << k;
  EXPECT_EQ(sql(dir, "SELECT COUNT(*) FROM instances"), std::to_string(files.size()));
  EXPECT_EQ(countFiles(dir / "archive"), files.size());
  // The follow-up's job starts; the service is killed while it runs.
  ASSERT_TRUE(waitFor(dir / "listen.log", "queued", 60)) << readText(dir / "listen.log");
  ASSERT_TRUE(waitFor(dir / "archive" / ".recap" / "jobs" / "1" / "assess-1.log", "[info]", 60));
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  EXPECT_EQ(sql(dir, "SELECT state, attempts FROM jobs"), "running|1");
  pid = startListen(dir, port, dest);
  ASSERT_TRUE(waitFor(dir / "listen.log", ": done in", 600)) << readText(dir / "listen.log");
  EXPECT_EQ(sql(dir, "SELECT COUNT(*), state, attempts FROM jobs"), "1|done|2");  // assessed once, on the second attempt
  EXPECT_EQ(sql(dir, "SELECT COUNT(*) FROM studies WHERE state='complete'"), "2");
  EXPECT_EQ(sql(dir, "SELECT COUNT(*) FROM instances"), std::to_string(files.size()));  // nothing lost
  size_t received = 0;
  for (const auto& e : fs::directory_iterator(dir / "received")) received += e.is_regular_file();
  EXPECT_EQ(received, 2u);  // fu1's SR and SEG
  EXPECT_EQ(stop(pid), 0);
  stop(scp);
}


// A study whose assessment fails fails its own job only: a second patient (a small phantom of its
// own) whose registry entry seeds its target outside the CT is sent at the same time as the cr
// patient; its job ends `failed` with recap assess's reason, the cr patient's job is assessed and
// sent, and the service goes on and stops cleanly.
TEST(ListenStorescu, AFailedAssessmentFailsItsJobOnlyAndTheOtherPatientIsDone) {
  ASSERT_TRUE(shared().ok);
  const fs::path dir = shared().root / "failing";
  const int port = 11125, dest_port = 11126;
  fs::create_directories(dir / "received");
  std::ofstream(dir / "bad.yaml") << recap::testing::tinyPhantomSpec("bad", 9, "PH-BAD", "Phantom^Bad");
  ASSERT_EQ(runRecap({"phantom", "--spec", (dir / "bad.yaml").string(), "--out", (dir / "bad").string()}).exit_code, 0);
  // The seed lies 400 mm in front of the patient: outside the CT, a case-file error (exit 9).
  std::ofstream(shared().registry / "bad-patient.yaml")
      << "patient_id: \"PH-BAD\"\ntarget_lesions:\n  - {id: L1, kind: nodal, seed_mm: [42, -400, -120]}\n";
  const pid_t scp = start({"storescp", "-aet", "DEST", "--output-directory", (dir / "received").string(),
                           std::to_string(dest_port)}, dir / "storescp.log");
  const std::string dest = "destinations: [{ae_title: DEST, host: 127.0.0.1, port: " + std::to_string(dest_port) + "}]\n";
  const pid_t pid = startListen(dir, port, dest);
  std::vector<std::string> good, bad;
  for (const char* tp : {"baseline", "fu1"}) {
    for (const auto& f : dicomFiles(shared().ph / tp)) good.push_back(f);
    for (const auto& f : dicomFiles(dir / "bad" / tp)) bad.push_back(f);
  }
  std::thread other([&] { EXPECT_EQ(runTool(storescu("S1", port, bad)).exit_code, 0); });
  EXPECT_EQ(runTool(storescu("S0", port, good)).exit_code, 0);
  other.join();
  ASSERT_TRUE(waitFor(dir / "listen.log", ": failed: ", 600)) << readText(dir / "listen.log");
  ASSERT_TRUE(waitFor(dir / "listen.log", ": done in", 600)) << readText(dir / "listen.log");
  EXPECT_EQ(sql(dir, "SELECT patient_id, state FROM jobs ORDER BY patient_id"), "PH-BAD|failed\n" + shared().patient + "|done");
  const std::string why = sql(dir, "SELECT message FROM jobs WHERE state = 'failed'");
  EXPECT_NE(why.find("recap assess"), std::string::npos) << why;
  EXPECT_NE(why.find("outside the CT volume"), std::string::npos) << why;
  EXPECT_EQ(sql(dir, "SELECT COUNT(*) FROM studies WHERE state = 'complete'"), "4");
  size_t received = 0;
  for (const auto& e : fs::directory_iterator(dir / "received")) received += e.is_regular_file();
  EXPECT_EQ(received, 2u);  // the cr patient's fu1 SR and SEG
  EXPECT_EQ(stop(pid), 0);
  stop(scp);
  fs::remove(shared().registry / "bad-patient.yaml");
}

int main(int argc, char** argv) {
  if (!std::getenv("RECAP_LISTEN_NETNS")) {
    if (::geteuid() != 0) {
      std::fprintf(stderr, "recap_listen_e2e_tests: must run as root to create a private network namespace "
                           "(unshare -n) for Orthanc, which listens on all interfaces\n");
      return 1;
    }
    ::setenv("RECAP_LISTEN_NETNS", "1", 1);
    std::vector<char*> a = {const_cast<char*>("unshare"), const_cast<char*>("-n"), const_cast<char*>("--"),
                            const_cast<char*>("sh"), const_cast<char*>("-c"),
                            const_cast<char*>("ip link set lo up && exec \"$0\" \"$@\"")};
    for (int i = 0; i < argc; ++i) a.push_back(argv[i]);
    a.push_back(nullptr);
    ::execvp("unshare", a.data());
    std::perror("recap_listen_e2e_tests: cannot run unshare -n");
    return 1;
  }
  ::testing::InitGoogleTest(&argc, argv);
  const int rc = RUN_ALL_TESTS();
  if (rc == 0 && !g_shared_root.empty()) fs::remove_all(g_shared_root);  // kept for a look when a test failed
  return rc;
}
