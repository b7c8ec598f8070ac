// Catalogue, case file: recap assess with a broken case file (docs/robustness.md): exit 9, an
// [error] line naming the case file and the key, and no output. Checks that need the images
// (seed outside the image or in air, date order) run on the tiny patient.
#include <fstream>

#include "fixture.h"

namespace recap::robustness {
namespace {

class CaseFile : public Robustness {
 protected:
  // The tiny patient's case file with `from` replaced by `to` (and `extra` appended).
  fs::path variant(const std::string& name, const std::string& from, const std::string& to, const std::string& extra = "") {
    const fs::path c = tinyCase(name, extra);
    std::string text = readText(c);
    if (!from.empty()) {
      const size_t at = text.find(from);
      EXPECT_NE(at, std::string::npos) << from;
      if (at != std::string::npos) text.replace(at, from.size(), to);
    }
    std::ofstream(c, std::ios::trunc) << text;
    return c;
  }
  void expectRefused(const fs::path& c, const std::vector<std::string>& parts) {
    const RunResult r = runRecap({"assess", c.string(), "--out", (dir_ / "out").string()});
    std::vector<std::string> all{c.string()};
    all.insert(all.end(), parts.begin(), parts.end());
    expectError(r, 9, all);
    EXPECT_TRUE(filesUnder(dir_ / "out").empty());
  }
};

TEST_F(CaseFile, YamlSyntaxError) {
  expectRefused(variant("syntax", "target_lesions:", "target_lesions: [\n"), {"not valid YAML"});
}

TEST_F(CaseFile, UnknownKey) { expectRefused(variant("unknown", "", "", "reviewer: me\n"), {"reviewer: unknown key"}); }

TEST_F(CaseFile, WrongType) {
  expectRefused(variant("type", "seed_mm: [42, 25, -120]", "seed_mm: [42, 25, minus]"), {"target_lesions[0].seed_mm", "expected a number"});
}

TEST_F(CaseFile, SeedOutsideTheImage) {
  const fs::path c = variant("outside", "seed_mm: [42, 25, -120]", "seed_mm: [42, 25, -500]");
  const RunResult r = runRecap({"assess", c.string(), "--out", (dir_ / "out").string()});
  expectError(r, 9, {"lesion L1", "(42.0, 25.0, -500.0) mm lies outside the CT volume"});
  EXPECT_TRUE(filesUnder(dir_ / "out").empty());
}

TEST_F(CaseFile, SeedInAirOutsideTheBody) {
  expectRefused(variant("air", "seed_mm: [42, 25, -120]", "seed_mm: [210, 210, -120]"),
                {"target_lesions[0] (L1): the seed (210.0, 210.0, -120.0) mm is in air on the baseline CT"});
}

TEST_F(CaseFile, DuplicateLesionIds) {
  expectRefused(variant("dup", "", "", "  - {id: L1, kind: extranodal, seed_mm: [40, 20, -110]}\n"),
                {"target_lesions[1].id: duplicate lesion id 'L1'"});
}

TEST_F(CaseFile, MoreThanSixTargets) {
  std::string more;
  for (int i = 2; i <= 7; ++i) more += "  - {id: L" + std::to_string(i) + ", kind: nodal, seed_mm: [0, 0, -120]}\n";
  expectRefused(variant("seven", "", "", more), {"target_lesions: 7 target lesions, more than the 6"});
}

TEST_F(CaseFile, TimepointsOutOfDateOrder) {
  const fs::path c = variant("order", "dicom: order/baseline}", "dicom: order/fu1}");
  std::string text = readText(c);
  text.replace(text.rfind("dicom: order/fu1}"), 17, "dicom: order/baseline}");
  std::ofstream(c, std::ios::trunc) << text;
  expectRefused(c, {"timepoints[1] (fu1): study date 2023-03-01", "is before 2023-06-01 of timepoints[0] (baseline)",
                    "list the timepoints in time order"});
}

}  // namespace
}  // namespace recap::robustness
