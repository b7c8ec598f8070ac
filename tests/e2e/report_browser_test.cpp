// report.html in a real browser: the report of the bundled sample, written by the assess end-to-end
// test (Assess.SamplePatientMatchesItsTruthAndRerunsIdentically copies it to RECAP_E2E_ARTIFACTS;
// CTest runs that test first, as the fixture `sample_report`), opened in headless Chromium with a
// script that reports, once the page has loaded, how many <img> there are and how many decoded.
// Chromium is a test-only dependency (scripts/deps-apt-test.txt, installed by scripts/test.sh);
// without it the test fails, it does not skip.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "run.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace recap::e2e {
namespace {

// The first of `names` found in PATH, or "".
std::string findInPath(std::initializer_list<const char*> names) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  std::vector<std::string> ds;
  for (std::string d; std::getline(dirs, d, ':');) ds.push_back(d);
  for (const char* n : names)
    for (const auto& d : ds)
      if (!d.empty() && ::access((fs::path(d) / n).c_str(), X_OK) == 0) return (fs::path(d) / n).string();
  return "";
}

// Written into the page: after `load`, a <pre id="recap-check"> with the counts and the title.
const char* kCheckScript = R"(<script>
window.addEventListener('load', function () {
  var imgs = Array.prototype.slice.call(document.images);
  var decoded = imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length;
  var out = document.createElement('pre');
  out.id = 'recap-check';
  out.textContent = 'images=' + imgs.length + ' decoded=' + decoded + ' title=' + document.title;
  document.body.appendChild(out);
});
</script>
)";

struct BrowserCheck {
  bool found = false;
  int images = -1, decoded = -1;
  std::string title, error;
};

// Opens `html` (with the check script added before </body>) in headless Chromium, returns what the
// script wrote into the DOM.
BrowserCheck openInChromium(const std::string& chromium, const std::string& html, const fs::path& dir, const std::string& name) {
  BrowserCheck c;
  std::string page = html;
  const size_t body = page.rfind("</body>");
  if (body == std::string::npos) {
    c.error = "no </body> in the report";
    return c;
  }
  page.insert(body, kCheckScript);
  const fs::path file = dir / name;
  std::ofstream(file, std::ios::binary) << page;
  // --no-sandbox: tests run as root in CI; a profile of its own, so that runs do not share state.
  const RunResult r = runTool({"timeout", "120", chromium, "--headless", "--no-sandbox", "--disable-gpu",
                               "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=" + (dir / "profile").string(),
                               "--virtual-time-budget=10000", "--dump-dom", "file://" + file.string()});
  if (r.exit_code != 0) {
    c.error = "chromium exited with " + std::to_string(r.exit_code) + ": " + r.err.substr(0, 2000);
    return c;
  }
  std::smatch m;
  const std::regex re("<pre id=\"recap-check\">images=(\\d+) decoded=(\\d+) title=([^<]*)</pre>");
  if (!std::regex_search(r.out, m, re)) {
    c.error = "the check script wrote nothing (" + std::to_string(r.out.size()) + " bytes of DOM)";
    return c;
  }
  c.found = true;
  c.images = std::stoi(m[1]);
  c.decoded = std::stoi(m[2]);
  c.title = m[3];
  return c;
}

TEST(ReportBrowser, EveryImageOfTheSampleReportDecodesInHeadlessChromium) {
  const fs::path artifacts = RECAP_E2E_ARTIFACTS;
  ASSERT_TRUE(fs::exists(artifacts / "report.html"))
      << artifacts / "report.html" << " is missing: it is written by the e2e test "
      << "Assess.SamplePatientMatchesItsTruthAndRerunsIdentically (ctest runs it first: fixture sample_report)";
  const std::string chromium = findInPath({"chromium", "chromium-browser"});
  ASSERT_FALSE(chromium.empty()) << "chromium is not installed: scripts/test.sh installs it (scripts/deps-apt-test.txt)";

  const std::string html = readText(artifacts / "report.html");
  const json a = json::parse(readText(artifacts / "assessment.json"));
  // One CT image and one PET/CT image per lesion per timepoint (the sample has PET at every
  // timepoint), and the SPD plot.
  int expected = 1;
  for (const json& tp : a["timepoints"]) {
    ASSERT_FALSE(tp["deauville"].is_null()) << "the sample has PET at " << tp["label"];
    expected += 2 * int(tp["lesions"].size());
  }
  EXPECT_EQ(expected, 19);  // 3 lesions x 3 timepoints x 2 + 1

  const fs::path dir = fs::temp_directory_path() / ("recap-e2e-browser-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const auto t0 = std::chrono::steady_clock::now();
  const BrowserCheck c = openInChromium(chromium, html, dir, "report.html");
  std::printf("chromium: %.1f s\n", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  ASSERT_TRUE(c.found) << c.error;
  EXPECT_EQ(c.images, expected);
  EXPECT_EQ(c.decoded, expected);
  EXPECT_EQ(c.title, "recap report: " + a["patient_id"].get<std::string>());

  // The check itself sees a broken image: the same page with one PNG's data cut short.
  std::string broken = html;
  const size_t p = broken.find("data:image/png;base64,", broken.find("<img", broken.find("id=\"measurements\"")));
  ASSERT_NE(p, std::string::npos);
  broken.replace(p + 22, 400, "AAAA");
  const BrowserCheck b = openInChromium(chromium, broken, dir, "broken.html");
  ASSERT_TRUE(b.found) << b.error;
  EXPECT_EQ(b.images, expected);
  EXPECT_EQ(b.decoded, expected - 1);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace recap::e2e
