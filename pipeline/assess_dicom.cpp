#include "assess_dicom.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <spdlog/spdlog.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <cmath>
#include <set>

#include "recap/core/error.h"
#include "recap/report/plot.h"
#include "recap/srseg/capture.h"
#include "recap/srseg/seg.h"
#include "recap/srseg/sr.h"

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

namespace recap::cli {
namespace {

double r4(double v) { return std::round(v * 1e4) / 1e4; }

srseg::ImagePlane planeOf(const dicom::InstanceHeader& h) {
  srseg::ImagePlane p;
  if (!h.position || !h.orientation || !h.pixel_spacing)
    throw Error(ErrorCode::MissingMetadata, h.path.string(), "image position, orientation or pixel spacing missing");
  p.position = *h.position;
  p.orientation = *h.orientation;
  p.pixel_spacing = *h.pixel_spacing;
  return p;
}

srseg::InstanceRef refOf(const dicom::InstanceHeader& h) { return {h.sop_class_uid, h.sop_instance_uid, h.series_uid}; }

srseg::SourceContext sourceOf(const dicom::InstanceHeader& h) {
  srseg::SourceContext s;
  s.patient_id = h.patient_id;
  s.patient_name = h.patient_name;
  s.patient_birth_date = h.patient_birth_date;
  s.patient_sex = h.patient_sex;
  s.study_uid = h.study_uid;
  s.study_date = h.study_date;
  s.study_time = h.study_time;
  s.study_description = h.study_description;
  s.accession_number = h.accession_number;
  s.ct_series_uid = h.series_uid;
  s.frame_of_reference_uid = h.frame_of_reference_uid;
  // Two type 2 study attributes the index does not keep, from the file itself (header only).
  DcmFileFormat file;
  if (file.loadFile(h.path.c_str(), EXS_Unknown, EGL_noChange, 256).good()) {
    OFString v;
    if (file.getDataset()->findAndGetOFString(DCM_StudyID, v).good()) s.study_id = v.c_str();
    if (file.getDataset()->findAndGetOFString(DCM_ReferringPhysicianName, v).good()) s.referring_physician = v.c_str();
  }
  return s;
}

const dicom::InstanceHeader& sliceHeader(const CtSource& ct, int k) {
  return ct.series->instances.at(ct.geometry->slice_order.at(size_t(k)));
}

srseg::CtGrid gridOf(const CtSource& ct) {
  const dicom::InstanceHeader& h = ct.series->first();
  srseg::CtGrid g;
  g.rows = h.rows;
  g.columns = h.cols;
  const srseg::ImagePlane p = planeOf(h);
  g.orientation = p.orientation;
  g.pixel_spacing = p.pixel_spacing;
  g.slice_thickness = h.slice_thickness.value_or(0);
  g.spacing_between_slices = ct.geometry->spacing[2];
  for (size_t k = 0; k < ct.geometry->slice_order.size(); ++k) {
    const dicom::InstanceHeader& s = sliceHeader(ct, int(k));
    g.slices.push_back({refOf(s), *s.position});
  }
  return g;
}

std::string fileLabel(const std::string& label) {
  std::string s;
  for (char c : label) s += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' ? c : '_';
  return s;
}

// The report's SPD plot over timepoints 0..t, as RGB pixels.
srseg::RgbImage spdPlot(const json& assessment, size_t t) {
  std::vector<report::SpdPoint> points;
  for (size_t u = 0; u <= t; ++u) {
    const json& tp = assessment["timepoints"][u];
    points.push_back({tp["label"].get<std::string>(), tp["date"].get<std::string>(), tp["spd_mm2"].get<double>(),
                      tp["ct_response"].is_null() ? std::string("baseline") : tp["ct_response"].get<std::string>()});
  }
  const std::string png = report::renderSpdPlot(points);
  const cv::Mat bgr = cv::imdecode(cv::Mat(1, int(png.size()), CV_8U, const_cast<char*>(png.data())), cv::IMREAD_COLOR);
  srseg::RgbImage img;
  if (bgr.empty() || bgr.type() != CV_8UC3) return img;
  img.width = bgr.cols;
  img.height = bgr.rows;
  img.rgb.reserve(size_t(bgr.cols) * size_t(bgr.rows) * 3);
  for (int y = 0; y < bgr.rows; ++y)
    for (int x = 0; x < bgr.cols; ++x) {
      const cv::Vec3b& p = bgr.at<cv::Vec3b>(y, x);
      img.rgb.insert(img.rgb.end(), {p[2], p[1], p[0]});
    }
  return img;
}

std::vector<srseg::Point2> polyline(const json& ends, const srseg::ImagePlane& plane) {
  std::vector<srseg::Point2> out;
  for (const json& e : ends) out.push_back(srseg::toPixel(plane, {e[0].get<double>(), e[1].get<double>(), e[2].get<double>()}));
  return out;
}

}  // namespace

std::vector<fs::path> writeDicomOutputs(const fs::path& out, const json& assessment, const std::vector<CtSource>& cts,
                                        const assess::Assessment& a, const std::map<std::string, std::string>& tracking_uids,
                                        const std::string& software_version) {
  std::vector<fs::path> written;
  const std::string baseline_study = cts.at(0).series->first().study_uid;
  const std::string patient = assessment["patient_id"].get<std::string>();
  std::set<std::string> names;
  for (size_t t = 0; t < a.timepoints.size(); ++t) {
    const assess::TimepointOutcome& tp = a.timepoints[t];
    const json& jt = assessment["timepoints"][t];
    const CtSource& ct = cts.at(t);
    const srseg::SourceContext src = sourceOf(ct.series->first());
    const srseg::CtGrid grid = gridOf(ct);
    std::string base = fileLabel(tp.label);
    while (!names.insert(base).second) base += "_";
    const fs::path sr_path = out / (base + "_SR.dcm"), seg_path = out / (base + "_SEG.dcm");

    srseg::SegWriteOptions so;
    so.sop_instance_uid = srseg::newUid();
    so.series_uid = srseg::newUid();
    so.software_version = software_version;
    srseg::MeasurementReport r;
    r.timepoint_label = tp.label;
    std::vector<srseg::SegmentMask> masks;
    std::vector<srseg::InstanceRef> evidence;
    std::set<std::string> evidenced;
    const srseg::InstanceRef seg_ref{"1.2.840.10008.5.1.4.1.1.66.4", so.sop_instance_uid, so.series_uid};
    for (size_t i = 0; i < tp.lesions.size(); ++i) {
      const assess::LesionOutcome& l = tp.lesions[i];
      const json& jl = jt["lesions"][i];
      const measurement::LesionMeasurement& m = l.measurement;
      srseg::LesionReport lr;
      lr.tracking_id = l.id;
      const auto known = tracking_uids.find(l.id);
      lr.tracking_uid = known != tracking_uids.end() ? known->second
                                                     : srseg::uidFromText("recap tracking " + patient + " " + baseline_study + " " + l.id);
      lr.nodal = jl["kind"] == "nodal";
      lr.status = jl["status"].get<std::string>();
      lr.is_new = l.is_new;
      if (!jl["ldi_ends_mm"].is_null() && m.slice_index >= 0) {
        const dicom::InstanceHeader& h = sliceHeader(ct, m.slice_index);
        const srseg::ImagePlane plane = planeOf(h);
        lr.image = refOf(h);
        lr.long_axis_mm = r4(m.ldi_mm);
        lr.long_axis_polyline = polyline(jl["ldi_ends_mm"], plane);
        if (!jl["sdi_ends_mm"].is_null()) {
          lr.short_axis_mm = r4(m.sdi_mm);
          lr.short_axis_polyline = polyline(jl["sdi_ends_mm"], plane);
        }
        if (evidenced.insert(h.sop_instance_uid).second) evidence.push_back(*lr.image);
      }
      if (!jl["suv_max"].is_null()) lr.suv_max = jl["suv_max"].get<double>();
      if (!l.mask.empty()) {
        srseg::SegmentMask sm;
        sm.label = l.id;
        sm.tracking_uid = lr.tracking_uid;
        sm.nodal = lr.nodal;
        sm.offset = l.mask_box.offset;
        sm.size = l.mask_box.frame.size;
        sm.mask = l.mask;
        masks.push_back(std::move(sm));
        lr.segmentation = seg_ref;
        lr.segment_number = int(masks.size());
      }
      r.lesions.push_back(std::move(lr));
    }
    r.spd_mm2 = jt["spd_mm2"].get<double>();
    if (!jt["deauville"].is_null()) r.deauville = jt["deauville"].get<int>();
    if (!jt["ct_response"].is_null()) r.lugano_response = jt["ct_response"].get<std::string>();

    // A SEG needs at least one segment with a frame: a timepoint where every lesion is absent has none.
    if (!masks.empty()) {
      writeSegmentation(seg_path, src, grid, masks, so);
      written.push_back(seg_path);
      evidence.push_back(seg_ref);
    }
    srseg::SrWriteOptions o;
    o.software_version = software_version;
    o.evidence = evidence;
    srseg::writeMeasurementReport(sr_path, r, src, o);
    written.push_back(sr_path);
    if (masks.empty())
      spdlog::info("{}: wrote {} ({} lesions); no SEG, no lesion was delineated", tp.label, sr_path.string(), r.lesions.size());
    else
      spdlog::info("{}: wrote {} ({} lesions) and {} ({} segments)", tp.label, sr_path.string(), r.lesions.size(),
                   seg_path.string(), masks.size());
    // The report's SPD plot up to this timepoint, as a Secondary Capture in the same study.
    srseg::CaptureWriteOptions co;
    co.software_version = software_version;
    co.image_comments = "SPD over time up to " + tp.label + " (recap report)";
    const fs::path sc_path = out / (base + "_SPD.dcm");
    srseg::writeSecondaryCapture(sc_path, src, spdPlot(assessment, t), co);
    written.push_back(sc_path);
  }
  return written;
}

SrTargets targetsFromSr(const fs::path& sr, const dicom::Series& baseline_ct) {
  const srseg::MeasurementReport r = srseg::readMeasurementReport(sr);
  std::map<std::string, const dicom::InstanceHeader*> by_uid;
  for (const auto& h : baseline_ct.instances) by_uid[h.sop_instance_uid] = &h;
  SrTargets out;
  for (const srseg::LesionReport& l : r.lesions) {
    const std::string what = "lesion '" + l.tracking_id + "'";
    if (l.is_new) {
      spdlog::warn("{}: {} is marked as a new lesion, not a target; it is not taken as a target", sr.string(), what);
      continue;
    }
    if (l.long_axis_polyline.size() < 2 || !l.image)
      throw Error(ErrorCode::CaseFile, sr.string(), what + ": no long axis polyline on an image to seed it from");
    const auto it = by_uid.find(l.image->sop_instance_uid);
    if (it == by_uid.end())
      throw Error(ErrorCode::CaseFile, sr.string(),
                  what + ": its long axis lies on image " + l.image->sop_instance_uid + ", which is not in the baseline CT " +
                      baseline_ct.label());
    if (out.tracking_uids.count(l.tracking_id))
      throw Error(ErrorCode::CaseFile, sr.string(), what + ": tracking identifier used twice");
    const srseg::ImagePlane plane = planeOf(*it->second);
    const srseg::Point3 a = srseg::toPatient(plane, l.long_axis_polyline.front());
    const srseg::Point3 b = srseg::toPatient(plane, l.long_axis_polyline.back());
    casefile::Lesion t;
    t.id = l.tracking_id;
    t.kind = l.nodal ? response::LesionKind::Nodal : response::LesionKind::Extranodal;
    t.seed_mm = {(a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2};
    out.targets.push_back(t);
    out.tracking_uids[t.id] = l.tracking_uid;
    if (l.long_axis_mm && l.short_axis_mm && *l.short_axis_mm <= *l.long_axis_mm && *l.long_axis_mm > 0)
      out.diameters[t.id] = response::Diameters{*l.long_axis_mm, *l.short_axis_mm};
    spdlog::info("{}: target {} ({}) seeded at [{:.1f}, {:.1f}, {:.1f}] mm", sr.string(), t.id,
                 l.nodal ? "nodal" : "extranodal", t.seed_mm[0], t.seed_mm[1], t.seed_mm[2]);
  }
  if (out.targets.empty()) throw Error(ErrorCode::CaseFile, sr.string(), "no measurement group with a tracking identifier");
  return out;
}

}  // namespace recap::cli
