// The phantom generator checked through recap's own ingestion: every preset is generated (on
// coarser grids, to stay fast), read back, and compared with its truth and its spec; and every
// preset's stated expectation (Lugano CT response, Deauville score) is checked against the truth
// with the rules written out here, so that a preset cannot claim a response its numbers do not
// support.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "recap/core/error.h"
#include "recap/dicom/index.h"
#include "recap/dicom/volume.h"
#include "recap/phantom/spec.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace recap {
namespace {

phantom::GenerateOptions coarse() {
  phantom::GenerateOptions o;
  o.ct_matrix = 256;
  o.ct_pixel_mm = 1.8;
  o.pet_matrix = 144;
  o.pet_pixel_mm = 5.0;
  return o;
}

fs::path scratch(const std::string& name) {
  const fs::path p = fs::temp_directory_path() / ("recap-phantom-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(p);
  return p;
}

json readJson(const fs::path& p) {
  std::ifstream in(p);
  return json::parse(in);
}

// Mean of `image` over voxels whose centre lies within `radius` of `centre` (LPS mm).
double sphereMean(const dicom::Image* image, const json& centre, double radius) {
  dicom::Image::PointType c;
  for (int i = 0; i < 3; ++i) c[i] = centre[i].get<double>();
  const auto size = image->GetLargestPossibleRegion().GetSize();
  double sum = 0;
  size_t n = 0;
  dicom::Image::IndexType idx;
  for (idx[2] = 0; idx[2] < long(size[2]); ++idx[2])
    for (idx[1] = 0; idx[1] < long(size[1]); ++idx[1])
      for (idx[0] = 0; idx[0] < long(size[0]); ++idx[0]) {
        dicom::Image::PointType p;
        image->TransformIndexToPhysicalPoint(idx, p);
        if (p.EuclideanDistanceTo(c) <= radius) {
          sum += image->GetPixel(idx);
          ++n;
        }
      }
  return n ? sum / double(n) : std::nan("");
}

const dicom::Series* findSeries(const dicom::Study& st, const std::string& uid) {
  for (const auto& s : st.series)
    if (s.uid == uid) return &s;
  return nullptr;
}

// ---- The rules, written out independently of recap's response engine ------------------------

// Deauville from the hottest lesion's SUVmax against the blood-pool and liver means.
int deauville(const json& truth) {
  double hottest = -1;
  bool any_new = false;
  for (const auto& l : truth["lesions"]) {
    if (!l["present"].get<bool>()) continue;
    hottest = std::max(hottest, l["suv_max"].get<double>());
    any_new = any_new || l["new"].get<bool>();
  }
  const double liver = truth["liver_suv_mean"], blood = truth["blood_pool_suv_mean"];
  if (any_new) return 5;
  if (hottest < 0) return 1;
  if (hottest <= blood) return 2;
  if (hottest <= liver) return 3;
  if (hottest <= 2 * liver) return 4;
  return 5;
}

// Lugano 2014 CT response of timepoint `t` from the truth of all timepoints up to `t`.
std::string lugano(const std::vector<json>& tps, size_t t) {
  auto spd = [](const json& tp) {
    double s = 0;
    for (const auto& l : tp["lesions"])
      if (!l["new"].get<bool>() && !(tp["timepoint_index"] == 0 && !l["present"].get<bool>()))
        s += l["ppd_for_spd_mm2"].get<double>();
    return s;
  };
  const json& now = tps[t];
  // PD: a new lesion over the size limit.
  for (const auto& l : now["lesions"]) {
    if (!l["new"].get<bool>()) continue;
    const double limit = l["kind"] == "nodal" ? 15.0 : 10.0;
    if (l["ldi_mm"].get<double>() > limit) return "PD";
  }
  // PD: a target lesion growing from its nadir (smallest earlier PPD, baseline included).
  for (size_t i = 0; i < now["lesions"].size(); ++i) {
    const json& l = now["lesions"][i];
    if (l["new"].get<bool>() || !tps[0]["lesions"][i]["present"].get<bool>()) continue;
    size_t nadir = 0;
    for (size_t k = 1; k < t; ++k)
      if (tps[k]["lesions"][i]["ppd_for_spd_mm2"].get<double>() < tps[nadir]["lesions"][i]["ppd_for_spd_mm2"].get<double>())
        nadir = k;
    const json& n = tps[nadir]["lesions"][i];
    const double ppd_n = n["ppd_for_spd_mm2"], ldi_n = n["ldi_mm"], sdi_n = n["sdi_mm"];
    const double step = ldi_n <= 20.0 ? 5.0 : 10.0;
    const bool grew = ppd_n > 0 ? l["ppd_for_spd_mm2"].get<double>() >= 1.5 * ppd_n : l["ppd_for_spd_mm2"].get<double>() > 0;
    if (l["ldi_mm"].get<double>() > 15.0 && grew &&
        (l["ldi_mm"].get<double>() - ldi_n >= step || l["sdi_mm"].get<double>() - sdi_n >= step))
      return "PD";
  }
  // PD: the spleen.
  const double s0 = tps[0]["spleen_length_mm"], s = now["spleen_length_mm"];
  if (s0 > 130.0 ? s > s0 + 0.5 * (s0 - 130.0) : (s >= s0 + 20.0 && s > 130.0)) return "PD";
  // CR: every target node <= 15 mm LDi, no extranodal disease, spleen normal.
  bool cr = s <= 130.0;
  for (const auto& l : now["lesions"]) {
    if (!l["present"].get<bool>()) continue;
    if (l["kind"] == "extranodal" || l["ldi_mm"].get<double>() > 15.0) cr = false;
  }
  if (cr) return "CR";
  const double base = spd(tps[0]);
  return spd(now) <= 0.5 * base ? "PR" : "SD";
}

// ---- Tests ------------------------------------------------------------------------------------

TEST(PhantomPresets, AllParseAndCoverEveryCategoryAndVendor) {
  std::set<std::string> responses, vendors, statuses;
  const auto names = phantom::presetNames();
  ASSERT_GE(names.size(), 9u);
  for (const auto& name : names) {
    const auto spec = phantom::parseSpec(phantom::presetYaml(name), name);
    EXPECT_EQ(spec.name, name);
    EXPECT_GE(spec.timepoints.size(), 2u) << name;
    EXPECT_TRUE(spec.timepoints[0].expected.ct_response.empty()) << name << ": baseline has no response";
    for (size_t t = 1; t < spec.timepoints.size(); ++t) {
      EXPECT_FALSE(spec.timepoints[t].expected.ct_response.empty()) << name;
      responses.insert(spec.timepoints[t].expected.ct_response);
    }
    for (const auto& tp : spec.timepoints) vendors.insert(std::to_string(static_cast<int>(tp.encoding.vendor)));
  }
  EXPECT_EQ(responses, (std::set<std::string>{"CR", "PR", "SD", "PD"}));
  EXPECT_EQ(vendors.size(), 4u) << "Siemens, GE, Philips (7053,1000) and Philips (7053,1009)";
  for (const char* needed : {"sample", "cr", "pr", "sd", "pd-nadir", "pd-new-lesion", "pd-spleen", "too-small", "vanished"})
    EXPECT_NE(std::find(names.begin(), names.end(), needed), names.end()) << needed;
}

TEST(PhantomSpec, ErrorsNameTheKey) {
  const std::string base = "timepoints:\n  - {label: a}\n  - {label: b}\n";
  auto message = [](const std::string& yaml) {
    try {
      phantom::parseSpec(yaml, "t.yaml");
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::CaseFile);
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message(base + "colour: red\n").find("colour: unknown key"), std::string::npos);
  EXPECT_NE(message(base + "lesions:\n  - {id: L1, centre_mm: [1, 2], states: [absent, absent]}\n")
                .find("lesions[0].centre_mm: expected a list of 3 numbers"),
            std::string::npos);
  EXPECT_NE(message(base + "lesions:\n  - {id: L1, centre_mm: [1, 2, 3], states: [absent]}\n")
                .find("lesions[0].states: expected a list with one state per timepoint (2)"),
            std::string::npos);
  EXPECT_NE(message("timepoints: [{label: a, encoding: {vendor: canon}}]\n").find("'canon' is not one of"),
            std::string::npos);
  EXPECT_NE(message("timepoints: [\n").find("YAML syntax error"), std::string::npos);
}

class PresetThroughIngestion : public ::testing::TestWithParam<std::string> {};

TEST_P(PresetThroughIngestion, MatchesItsTruthAndItsExpectations) {
  const std::string name = GetParam();
  const auto spec = phantom::parseSpec(phantom::presetYaml(name), name);
  const fs::path out = scratch(name);
  // Noise-free, so that the 1 % SUV check tests the decoding and not the noise (with 5 mm PET
  // voxels a 3 cm sphere holds ~110 voxels: noise alone moves its mean by ~0.6 %).
  auto options = coarse();
  options.noise = false;
  phantom::generate(spec, out, options);
  std::vector<json> truths;
  for (size_t t = 0; t < spec.timepoints.size(); ++t) {
    const auto& tp = spec.timepoints[t];
    SCOPED_TRACE(name + "/" + tp.label);
    const json truth = readJson(out / tp.label / "truth.json");
    truths.push_back(truth);

    const dicom::Index index = dicom::indexPath(out / tp.label);
    ASSERT_EQ(index.studies.size(), 1u);
    EXPECT_TRUE(index.unreadable.empty());
    EXPECT_EQ(index.skipped_non_dicom, (tp.encoding.junk ? 3u : 0u) + 1u);  // + truth.json
    const dicom::Study& st = index.studies[0];
    EXPECT_EQ(st.patient_id, spec.patient.id);
    ASSERT_TRUE(st.selected_ct && st.selected_pet);
    EXPECT_EQ(st.series[*st.selected_ct].uid, truth["ct_series_uid"]);
    EXPECT_EQ(st.series[*st.selected_pet].uid, truth["pet_series_uid"]);
    if (tp.encoding.nac) {
      const dicom::Series* nac = findSeries(st, truth["nac_series_uid"]);
      ASSERT_NE(nac, nullptr);
      EXPECT_EQ(nac->role, dicom::SeriesRole::PetNac);
    }
    if (tp.encoding.localizer) {
      const dicom::Series* loc = findSeries(st, truth["localizer_series_uid"]);
      ASSERT_NE(loc, nullptr);
      EXPECT_EQ(loc->role, dicom::SeriesRole::Localizer);
    }

    // CT geometry as generated, and HU in the liver.
    const dicom::Volume ct = dicom::loadVolume(st.series[*st.selected_ct]);
    const json& g = truth["grids"]["ct"];
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(long(ct.image->GetLargestPossibleRegion().GetSize()[i]), g["size"][i].get<long>());
      EXPECT_NEAR(ct.image->GetOrigin()[i], g["origin_mm"][i].get<double>(), 1e-3);
    }
    EXPECT_NEAR(ct.image->GetSpacing()[0], g["pixel_mm"].get<double>(), 1e-4);
    EXPECT_NEAR(ct.image->GetSpacing()[2], g["slice_mm"].get<double>(), 1e-3);
    EXPECT_DOUBLE_EQ(ct.image->GetDirection()(0, 0), g["orientation"][0].get<double>());
    const double liver_hu = sphereMean(ct.image.GetPointer(), truth["liver_sphere_centre_mm"], 15.0);
    EXPECT_NEAR(liver_hu, 60.0, tp.encoding.syntax == phantom::Syntax::J2kLossy ? 2.0 : 0.5);

    // PET: the vendor's encoding decodes to the SUV factor the generator used, and SUV in the
    // liver VOI is the truth within 1 %.
    const dicom::Volume pet = dicom::loadVolume(st.series[*st.selected_pet]);
    ASSERT_TRUE(pet.suv);
    const double factor = truth["pet_timing"]["suv_per_rescaled_unit"];
    EXPECT_NEAR(pet.suv->bw_factor, factor, factor * 1e-6) << pet.suv->method;
    const double liver_suv = sphereMean(pet.image.GetPointer(), truth["liver_sphere_centre_mm"], 15.0);
    EXPECT_NEAR(liver_suv, truth["liver_suv_mean"].get<double>(), 0.01 * truth["liver_suv_mean"].get<double>());
    EXPECT_NEAR(truth["liver_suv_mean"].get<double>(), tp.physiology.liver_suv, 0.03 * tp.physiology.liver_suv);

    // The expectations written in the preset hold for the truth.
    if (tp.expected.deauville) {
      EXPECT_EQ(deauville(truth), tp.expected.deauville) << truth["lesions"].dump();
    }
    if (t > 0) {
      EXPECT_EQ(lugano(truths, t), tp.expected.ct_response) << tp.expected.reason;
    }
  }
  fs::remove_all(out);
}

INSTANTIATE_TEST_SUITE_P(Presets, PresetThroughIngestion, ::testing::ValuesIn(phantom::presetNames()),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n)
                             if (c == '-') c = '_';
                           return n;
                         });

// Preset-specific truths the categories rely on.
TEST(PhantomTruth, TooSmallVanishedAndNewLesions) {
  struct Case {
    const char* preset;
    const char* label;
    const char* lesion;
    const char* status;
    bool is_new;
  };
  for (const Case& c : {Case{"too-small", "fu1", "L1", "too_small", false}, Case{"vanished", "fu1", "L2", "absent", false},
                        Case{"pd-new-lesion", "fu1", "N1", "measured", true}}) {
    const auto spec = phantom::parseSpec(phantom::presetYaml(c.preset), c.preset);
    const fs::path out = scratch(std::string("truth-") + c.preset);
    auto o = coarse();
    o.noise = false;
    phantom::generate(spec, out, o);
    const json truth = readJson(out / c.label / "truth.json");
    bool found = false;
    for (const auto& l : truth["lesions"])
      if (l["id"] == c.lesion) {
        found = true;
        EXPECT_EQ(l["status"], c.status) << c.preset;
        EXPECT_EQ(l["new"], c.is_new) << c.preset;
        EXPECT_EQ(l["ppd_for_spd_mm2"].get<double>(),
                  std::string(c.status) == "too_small" ? 25.0 : std::string(c.status) == "absent" ? 0.0 : l["ppd_mm2"].get<double>());
      }
    EXPECT_TRUE(found) << c.preset << " " << c.lesion;
    fs::remove_all(out);
  }
}

TEST(PhantomGenerator, DeterministicForASeedAndRefusesANonEmptyFolder) {
  auto spec = phantom::parseSpec(phantom::presetYaml("cr"), "cr");
  spec.timepoints.resize(1);
  for (auto& l : spec.lesions) l.states.resize(1);
  auto o = coarse();
  o.ct_matrix = 128;
  o.ct_pixel_mm = 3.6;
  const fs::path a = scratch("det-a"), b = scratch("det-b");
  phantom::generate(spec, a, o);
  phantom::generate(spec, b, o);
  size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(a)) {
    if (!e.is_regular_file()) continue;
    const fs::path rel = fs::relative(e.path(), a);
    std::ifstream fa(e.path(), std::ios::binary), fb(b / rel, std::ios::binary);
    const std::string sa((std::istreambuf_iterator<char>(fa)), {}), sb((std::istreambuf_iterator<char>(fb)), {});
    ASSERT_EQ(sa, sb) << rel;
    ++files;
  }
  EXPECT_GT(files, 50u);
  try {
    phantom::generate(spec, a, o);
    FAIL() << "expected a refusal";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Output);
  }
  fs::remove_all(a);
  fs::remove_all(b);
}

}  // namespace
}  // namespace recap
