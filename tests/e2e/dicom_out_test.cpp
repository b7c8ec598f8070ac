// recap assess --dicom-out end to end on the bundled sample patient (issue 7): the sample is
// generated and assessed once (about 3 minutes in all) with --dicom-out, and every DICOM object it
// writes is checked:
// - each validates: dciodvfy prints no Error line, dsrdump (SRs) exits 0 with no E: line;
// - each SR reads back (recap's reader) to assessment.json's numbers: long/short axes, SUVmax,
//   status, SPD, Deauville, the Lugano response; its caliper polylines, mapped to patient space here
//   with the CT slice's own header (independently of recap's mapping), land on ldi_ends_mm /
//   sdi_ends_mm; tracking UIDs are the same for a lesion at every timepoint;
// - each SEG reads back: one segment per delineated lesion, frames that reference CT slices of that
//   timepoint at their positions, the lesion's LDi midpoint inside its mask on the measured slice;
// - the baseline SR fed back as `target_lesions_from` reproduces the targets (ids, kinds, the same
//   diameters, measured on the same slices) and keeps the tracking UIDs;
// - an SR whose calipers lie on another study's images is refused with exit 9, naming the SR.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/oflog/oflog.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "recap/srseg/capture.h"
#include "recap/srseg/seg.h"
#include "recap/srseg/sr.h"
#include "run.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace recap::e2e {
namespace {

using srseg::Point2;
using srseg::Point3;

struct CtSlice {
  Point3 position{0, 0, 0};
  std::array<double, 6> orientation{};
  std::array<double, 2> spacing{};  // between rows, between columns
  std::string patient_id, study_uid;
};

// SOP Instance UID -> plane of every CT file of a timepoint folder, read with DCMTK here.
std::map<std::string, CtSlice> ctSlices(const fs::path& dir) {
  std::map<std::string, CtSlice> out;
  OFLog::configure(OFLogger::FATAL_LOG_LEVEL);  // the folders hold non-DICOM files too (lock, notes)
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().extension() == ".json") continue;  // truth.json beside the DICOM
    DcmFileFormat f;
    if (f.loadFile(e.path().c_str(), EXS_Unknown, EGL_noChange, 256).bad()) continue;
    DcmDataset& d = *f.getDataset();
    OFString modality, uid;
    d.findAndGetOFString(DCM_Modality, modality);
    if (modality != "CT") continue;
    d.findAndGetOFString(DCM_SOPInstanceUID, uid);
    CtSlice s;
    OFString v;
    d.findAndGetOFString(DCM_PatientID, v);
    s.patient_id = v.c_str();
    d.findAndGetOFString(DCM_StudyInstanceUID, v);
    s.study_uid = v.c_str();
    for (unsigned long i = 0; i < 3; ++i) d.findAndGetFloat64(DCM_ImagePositionPatient, s.position[i], i);
    for (unsigned long i = 0; i < 6; ++i) d.findAndGetFloat64(DCM_ImageOrientationPatient, s.orientation[i], i);
    for (unsigned long i = 0; i < 2; ++i) d.findAndGetFloat64(DCM_PixelSpacing, s.spacing[i], i);
    out[uid.c_str()] = s;
  }
  return out;
}

// SCOORD (column, row), top left corner of the first pixel at (0, 0), to patient coordinates.
Point3 patientOf(const CtSlice& s, const Point2& px) {
  Point3 p;
  for (int i = 0; i < 3; ++i)
    p[size_t(i)] = s.position[size_t(i)] + (px[0] - 0.5) * s.spacing[1] * s.orientation[size_t(i)] +
                   (px[1] - 0.5) * s.spacing[0] * s.orientation[size_t(3 + i)];
  return p;
}

double distance(const Point3& a, const json& b) {
  double d = 0;
  for (size_t i = 0; i < 3; ++i) d += std::pow(a[i] - b[i].get<double>(), 2);
  return std::sqrt(d);
}

std::vector<std::string> linesStarting(const std::string& text, const std::string& prefix) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(prefix, 0) == 0) out.push_back(line);
  return out;
}

std::string num(double v) {
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}

// The sample, generated and assessed once with --dicom-out; the tests share it.
struct SampleRun {
  fs::path dir;
  RunResult generated, assessed;
  std::vector<std::string> labels;
  json assessment;
};

const SampleRun& sample() {
  static const SampleRun run = [] {
    SampleRun r;
    r.dir = fs::temp_directory_path() / ("recap-e2e-dicom-out-" + std::to_string(::getpid()));
    fs::remove_all(r.dir);
    fs::create_directories(r.dir);
    const auto t0 = std::chrono::steady_clock::now();
    r.generated = runRecap({"phantom", "--preset", "sample", "--out", (r.dir / "sample").string()});
    if (r.generated.exit_code != 0) return r;
    const json phantom = json::parse(readText(r.dir / "sample" / "phantom.json"));
    std::string text = "patient_id: \"SAMPLE-001\"\ntimepoints:\n";
    for (const json& tp : phantom["timepoints"]) {
      r.labels.push_back(tp["label"].get<std::string>());
      text += "  - label: " + r.labels.back() + "\n    dicom: " + r.labels.back() + "\n";
    }
    // Targets at their baseline centres (the sample has no new lesions).
    text += "target_lesions:\n";
    const json truth = json::parse(readText(r.dir / "sample" / r.labels[0] / "truth.json"));
    for (const json& l : truth["lesions"])
      if (l["present"].get<bool>())
        text += "  - {id: " + l["id"].get<std::string>() + ", kind: " + l["kind"].get<std::string>() + ", seed_mm: [" +
                num(l["centre_mm"][0]) + ", " + num(l["centre_mm"][1]) + ", " + num(l["centre_mm"][2]) + "]}\n";
    std::ofstream(r.dir / "sample" / "case.yaml") << text;
    r.assessed = runRecap({"assess", (r.dir / "sample" / "case.yaml").string(), "--out", (r.dir / "out").string(), "--dicom-out"});
    std::printf("sample generated and assessed with --dicom-out: %.0f s\n",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    if (r.assessed.exit_code == 0) r.assessment = json::parse(readText(r.dir / "out" / "assessment.json"));
    return r;
  }();
  return run;
}

class DicomOut : public ::testing::Test {
 protected:
  void SetUp() override {
    const SampleRun& r = sample();
    ASSERT_EQ(r.generated.exit_code, 0) << r.generated.err;
    ASSERT_EQ(r.assessed.exit_code, 0) << r.assessed.err;
    ASSERT_EQ(r.labels.size(), 3u);
  }
  static void TearDownTestSuite() { fs::remove_all(sample().dir); }
  static fs::path out(const std::string& name) { return sample().dir / "out" / name; }
};

bool anyDelineated(const json& tp) {
  for (const json& l : tp["lesions"])
    if (l["status"] != "absent") return true;
  return false;
}

TEST_F(DicomOut, EveryObjectValidates) {
  const SampleRun& r = sample();
  size_t files = 0;
  for (size_t t = 0; t < r.labels.size(); ++t) {
    const std::string& label = r.labels[t];
    ASSERT_TRUE(fs::is_regular_file(out(label + "_SR.dcm"))) << label;
    // A SEG wherever a lesion was delineated (every timepoint of the sample).
    ASSERT_EQ(fs::is_regular_file(out(label + "_SEG.dcm")), anyDelineated(r.assessment["timepoints"][t])) << label;
    ASSERT_TRUE(fs::is_regular_file(out(label + "_SPD.dcm"))) << label;
    for (const std::string kind : {"_SR.dcm", "_SEG.dcm", "_SPD.dcm"}) {
      const fs::path f = out(label + kind);
      if (!fs::exists(f)) continue;
      ++files;
      const RunResult v = runTool({"dciodvfy", f.string()});
      ASSERT_NE(v.exit_code, 127) << "dciodvfy is not installed (scripts/deps-apt-test.txt)";
      const std::string all = v.out + v.err;
      EXPECT_NE(all.find(kind == "_SR.dcm" ? "Comprehensive3DSR" : kind == "_SEG.dcm" ? "Segmentation" : "SCImage"),
                std::string::npos)
          << all;
      const auto errors = linesStarting(all, "Error");
      EXPECT_TRUE(errors.empty()) << f << ":\n" << all;
      if (kind == "_SR.dcm") {
        const RunResult d = runTool({"dsrdump", f.string()});
        EXPECT_EQ(d.exit_code, 0) << d.err;
        EXPECT_TRUE(linesStarting(d.out + d.err, "E:").empty()) << d.out << d.err;
        EXPECT_NE(d.out.find("Imaging Measurement Report"), std::string::npos);
      }
    }
  }
  EXPECT_EQ(files, 9u);
}

// The SPD plot up to each timepoint as a Secondary Capture: the report's plot (720 x 360) in RGB
// order: the baseline marker's blue (RGB 20, 100, 170) is there and, before any progression, no
// pixel of the PD red (RGB 210, 40, 40), which the sample's fu2 (PD) shows.
TEST_F(DicomOut, SpdPlotCaptureShowsTheResponses) {
  const SampleRun& r = sample();
  auto count = [](const srseg::RgbImage& img, uint8_t red, uint8_t green, uint8_t blue) {
    size_t n = 0;
    for (size_t i = 0; i + 2 < img.rgb.size(); i += 3)
      n += img.rgb[i] == red && img.rgb[i + 1] == green && img.rgb[i + 2] == blue;
    return n;
  };
  for (size_t t = 0; t < r.labels.size(); ++t) {
    SCOPED_TRACE(r.labels[t]);
    const srseg::RgbImage img = srseg::readSecondaryCapture(out(r.labels[t] + "_SPD.dcm"));
    EXPECT_EQ(img.width, 720);
    EXPECT_EQ(img.height, 360);
    EXPECT_GT(count(img, 20, 100, 170), 20u);
    const bool pd_so_far = [&] {
      for (size_t u = 0; u <= t; ++u)
        if (r.assessment["timepoints"][u]["ct_response"] == "PD") return true;
      return false;
    }();
    if (pd_so_far) {
      EXPECT_GT(count(img, 210, 40, 40), 20u);
    } else {
      EXPECT_EQ(count(img, 210, 40, 40), 0u);
    }
    EXPECT_EQ(count(img, 170, 100, 20), 0u) << "red and blue swapped";
  }
  EXPECT_EQ(r.assessment["timepoints"][2]["ct_response"], "PD");
}

TEST_F(DicomOut, SrReadsBackToTheAssessmentsNumbers) {
  const SampleRun& r = sample();
  std::map<std::string, std::string> tracking;  // lesion id -> tracking UID at the baseline
  std::set<std::string> uids;
  for (size_t t = 0; t < r.labels.size(); ++t) {
    SCOPED_TRACE(r.labels[t]);
    const json& tp = r.assessment["timepoints"][t];
    const auto slices = ctSlices(r.dir / "sample" / r.labels[t]);
    ASSERT_FALSE(slices.empty());
    const srseg::MeasurementReport sr = srseg::readMeasurementReport(out(r.labels[t] + "_SR.dcm"));
    EXPECT_EQ(sr.patient_id, slices.begin()->second.patient_id);
    EXPECT_EQ(sr.study_uid, slices.begin()->second.study_uid);
    EXPECT_EQ(sr.timepoint_label, r.labels[t]);
    ASSERT_TRUE(sr.spd_mm2);
    EXPECT_NEAR(*sr.spd_mm2, tp["spd_mm2"].get<double>(), 1e-9);
    EXPECT_EQ(sr.deauville.has_value(), !tp["deauville"].is_null());
    if (sr.deauville) {
      EXPECT_EQ(*sr.deauville, tp["deauville"].get<int>());
    }
    EXPECT_EQ(sr.lugano_response.has_value(), !tp["ct_response"].is_null());
    if (sr.lugano_response) {
      EXPECT_EQ(*sr.lugano_response, tp["ct_response"].get<std::string>());
    }
    ASSERT_EQ(sr.lesions.size(), tp["lesions"].size());
    for (size_t i = 0; i < sr.lesions.size(); ++i) {
      const srseg::LesionReport& l = sr.lesions[i];
      const json& jl = tp["lesions"][i];
      SCOPED_TRACE(l.tracking_id);
      EXPECT_EQ(l.tracking_id, jl["id"].get<std::string>());
      EXPECT_EQ(l.nodal, jl["kind"] == "nodal");
      EXPECT_EQ(l.status, jl["status"].get<std::string>());
      EXPECT_EQ(l.is_new, jl["new"].get<bool>());
      if (t == 0) {
        tracking[l.tracking_id] = l.tracking_uid;
        EXPECT_TRUE(uids.insert(l.tracking_uid).second) << "two lesions share a tracking UID";
      } else {
        EXPECT_EQ(l.tracking_uid, tracking.at(l.tracking_id)) << "the tracking UID changed";
      }
      EXPECT_EQ(l.suv_max.has_value(), !jl["suv_max"].is_null());
      if (l.suv_max) {
        EXPECT_NEAR(*l.suv_max, jl["suv_max"].get<double>(), 1e-9);
      }
      if (jl["ldi_ends_mm"].is_null()) {
        EXPECT_FALSE(l.long_axis_mm);
        continue;
      }
      ASSERT_TRUE(l.long_axis_mm && l.short_axis_mm && l.image);
      EXPECT_NEAR(*l.long_axis_mm, jl["ldi_mm"].get<double>(), 1e-9);
      EXPECT_NEAR(*l.short_axis_mm, jl["sdi_mm"].get<double>(), 1e-9);
      // The calipers on their CT slice, mapped back with that slice's own header.
      const auto s = slices.find(l.image->sop_instance_uid);
      ASSERT_NE(s, slices.end()) << "the SR refers to an image that is not a CT of this timepoint";
      EXPECT_NEAR(s->second.position[2], jl["slice_z_mm"].get<double>(), 1e-3);
      ASSERT_EQ(l.long_axis_polyline.size(), 2u);
      ASSERT_EQ(l.short_axis_polyline.size(), 2u);
      for (size_t e = 0; e < 2; ++e) {
        EXPECT_LT(distance(patientOf(s->second, l.long_axis_polyline[e]), jl["ldi_ends_mm"][e]), 1e-3);
        EXPECT_LT(distance(patientOf(s->second, l.short_axis_polyline[e]), jl["sdi_ends_mm"][e]), 1e-3);
      }
      const Point3 a = patientOf(s->second, l.long_axis_polyline[0]), b = patientOf(s->second, l.long_axis_polyline[1]);
      EXPECT_NEAR(std::hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]), *l.long_axis_mm, 1e-3);
    }
  }
}

TEST_F(DicomOut, SegReadsBackWithTheLesionsOnTheirCtSlices) {
  const SampleRun& r = sample();
  for (size_t t = 0; t < r.labels.size(); ++t) {
    SCOPED_TRACE(r.labels[t]);
    const json& tp = r.assessment["timepoints"][t];
    const auto slices = ctSlices(r.dir / "sample" / r.labels[t]);
    const srseg::Segmentation seg = srseg::readSegmentation(out(r.labels[t] + "_SEG.dcm"));
    const srseg::MeasurementReport sr = srseg::readMeasurementReport(out(r.labels[t] + "_SR.dcm"));
    EXPECT_EQ(seg.patient_id, sr.patient_id);
    EXPECT_EQ(seg.study_uid, sr.study_uid);
    size_t delineated = 0;
    for (size_t i = 0; i < tp["lesions"].size(); ++i) {
      const json& jl = tp["lesions"][i];
      const srseg::LesionReport& l = sr.lesions.at(i);
      SCOPED_TRACE(l.tracking_id);
      if (jl["status"] == "absent") {
        EXPECT_FALSE(l.segment_number);
        continue;
      }
      ++delineated;
      ASSERT_TRUE(l.segment_number && l.segmentation);
      EXPECT_EQ(l.segmentation->sop_instance_uid, seg.sop_instance_uid);
      const srseg::SegSegment& g = seg.segments.at(size_t(*l.segment_number - 1));
      EXPECT_EQ(g.label, l.tracking_id);
      EXPECT_EQ(g.tracking_uid, l.tracking_uid);
      EXPECT_EQ(g.property_type_code, l.nodal ? "59441001" : "108369006");
      ASSERT_FALSE(g.frames.empty());
      // Every frame lies on a CT slice of this timepoint, at its position.
      const srseg::SegFrame* measured = nullptr;
      for (const srseg::SegFrame& f : g.frames) {
        const auto s = slices.find(f.source_sop_instance_uid);
        ASSERT_NE(s, slices.end());
        for (size_t c = 0; c < 3; ++c) EXPECT_NEAR(f.position[c], s->second.position[c], 1e-3);
        if (l.image && f.source_sop_instance_uid == l.image->sop_instance_uid) measured = &f;
      }
      // The LDi's midpoint is inside the mask on the measured slice.
      ASSERT_NE(measured, nullptr) << "no frame on the measured slice";
      const CtSlice& s = slices.at(l.image->sop_instance_uid);
      const Point2 mid{(l.long_axis_polyline[0][0] + l.long_axis_polyline[1][0]) / 2,
                       (l.long_axis_polyline[0][1] + l.long_axis_polyline[1][1]) / 2};
      const long col = long(std::floor(mid[0])), row = long(std::floor(mid[1]));
      ASSERT_TRUE(col >= 0 && row >= 0 && col < seg.columns && row < seg.rows);
      EXPECT_EQ(measured->mask[size_t(row * seg.columns + col)], 1);
      // And the mask's extent on that slice is about the LDi (within 2 pixels).
      double ext = 0;
      std::vector<Point3> pts;
      for (long j = 0; j < seg.rows; ++j)
        for (long i2 = 0; i2 < seg.columns; ++i2)
          if (measured->mask[size_t(j * seg.columns + i2)]) pts.push_back(patientOf(s, {i2 + 0.5, j + 0.5}));
      for (size_t p = 0; p < pts.size(); p += 3)
        for (size_t q = p + 1; q < pts.size(); ++q)
          ext = std::max(ext, std::hypot(pts[p][0] - pts[q][0], pts[p][1] - pts[q][1]));
      EXPECT_NEAR(ext, *l.long_axis_mm, 2 * std::max(s.spacing[0], s.spacing[1])) << "mask extent vs LDi";
    }
    EXPECT_EQ(seg.segments.size(), delineated);
  }
}

TEST_F(DicomOut, BaselineSrFedBackReproducesTheTargets) {
  const SampleRun& r = sample();
  const fs::path case_file = r.dir / "sample" / "case-from-sr.yaml";
  std::ofstream(case_file) << "patient_id: \"SAMPLE-001\"\ntimepoints:\n  - label: " << r.labels[0]
                           << "\n    dicom: " << r.labels[0] << "\ntarget_lesions_from: ../out/" << r.labels[0]
                           << "_SR.dcm\n";
  const RunResult again = runRecap({"assess", case_file.string(), "--out", (r.dir / "out-from-sr").string(), "--dicom-out"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  const json a = json::parse(readText(r.dir / "out-from-sr" / "assessment.json"));
  const json& before = r.assessment["timepoints"][0]["lesions"];
  const json& now = a["timepoints"][0]["lesions"];
  ASSERT_EQ(now.size(), before.size());
  for (size_t i = 0; i < now.size(); ++i) {
    SCOPED_TRACE(before[i]["id"].get<std::string>());
    EXPECT_EQ(now[i]["id"], before[i]["id"]);
    EXPECT_EQ(now[i]["kind"], before[i]["kind"]);
    EXPECT_EQ(now[i]["status"], before[i]["status"]);
    // The SR's axes are the reviewer's measurement at the baseline.
    EXPECT_NEAR(now[i]["ldi_mm"].get<double>(), before[i]["ldi_mm"].get<double>(), 1e-9);
    EXPECT_NEAR(now[i]["sdi_mm"].get<double>(), before[i]["sdi_mm"].get<double>(), 1e-9);
    // The PPD is now the product of the SR's 4-decimal axes: within (LDi + SDi) x 0.5e-4 of before.
    EXPECT_NEAR(now[i]["ppd_mm2"].get<double>(), before[i]["ppd_mm2"].get<double>(), 0.01);
    // Seeded at the long axis' midpoint, recap delineates the same lesion on the same slice.
    EXPECT_EQ(now[i]["slice_index"], before[i]["slice_index"]);
    EXPECT_NEAR(now[i]["suv_max"].get<double>(), before[i]["suv_max"].get<double>(), 1e-3);
  }
  EXPECT_NEAR(a["timepoints"][0]["spd_mm2"].get<double>(), r.assessment["timepoints"][0]["spd_mm2"].get<double>(), 0.03);
  EXPECT_EQ(a["timepoints"][0]["deauville"], r.assessment["timepoints"][0]["deauville"]);
  // The tracking UIDs of the SR the targets came from are kept.
  const auto first = srseg::readMeasurementReport(out(r.labels[0] + "_SR.dcm"));
  const auto second = srseg::readMeasurementReport(r.dir / "out-from-sr" / (r.labels[0] + "_SR.dcm"));
  ASSERT_EQ(second.lesions.size(), first.lesions.size());
  for (size_t i = 0; i < first.lesions.size(); ++i) EXPECT_EQ(second.lesions[i].tracking_uid, first.lesions[i].tracking_uid);
}

TEST_F(DicomOut, SrOnAnotherStudysImagesIsRefused) {
  const SampleRun& r = sample();
  const fs::path case_file = r.dir / "sample" / "case-wrong-sr.yaml";
  const fs::path sr = r.dir / "out" / (r.labels[1] + "_SR.dcm");  // drawn on fu1's CT, not the baseline's
  std::ofstream(case_file) << "patient_id: \"SAMPLE-001\"\ntimepoints:\n  - label: " << r.labels[0]
                           << "\n    dicom: " << r.labels[0] << "\ntarget_lesions_from: " << sr.string() << "\n";
  const RunResult refused = runRecap({"assess", case_file.string(), "--out", (r.dir / "out-wrong").string()});
  EXPECT_EQ(refused.exit_code, 9) << refused.err;
  EXPECT_NE(refused.err.find(sr.string()), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("not in the baseline CT"), std::string::npos) << refused.err;
  EXPECT_FALSE(fs::exists(r.dir / "out-wrong" / "assessment.json"));
}

}  // namespace
}  // namespace recap::e2e
