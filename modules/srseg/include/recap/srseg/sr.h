// DICOM Structured Report (Comprehensive 3D SR, TID 1500 Measurement Report) of one timepoint:
// written by `recap assess --dicom-out`, read back by recap (targets from a viewer's baseline SR,
// round-trip tests) and by `recap validate`. Layout and codes: docs/dicom-sr-seg.md.
//
// Plain types only: no DCMTK in this header.
#pragma once

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace recap::srseg {

using Point2 = std::array<double, 2>;  // SCOORD pixel coordinates: (column, row); (0,0) is the top
                                       // left corner of the top left pixel (its centre is 0.5, 0.5)
using Point3 = std::array<double, 3>;  // patient coordinates, LPS mm

// An image (or SEG) instance an SR refers to.
struct InstanceRef {
  std::string sop_class_uid, sop_instance_uid;
  std::string series_uid;  // optional on read (an SR's IMAGE item does not carry it)
};

// Patient, study and frame of reference copied from the source CT into the objects recap writes.
struct SourceContext {
  std::string patient_id, patient_name, patient_birth_date, patient_sex;
  std::string study_uid, study_date, study_time, study_id, study_description, accession_number;
  std::string referring_physician;
  std::string ct_series_uid;
  std::string frame_of_reference_uid;
};

// One TID 1501 measurement group: one lesion.
struct LesionReport {
  std::string tracking_id;   // the lesion id ("L1"); the same at every timepoint
  std::string tracking_uid;  // the same at every timepoint
  bool nodal = true;         // finding: lymph node (SCT 59441001) or neoplasm (SCT 108369006)
  std::string status;        // "measured", "too_small", "absent" (recap's finding; a local code)
  bool is_new = false;       // a new lesion (not a target): local code RCP0007 "Lesion role"
  std::optional<double> long_axis_mm, short_axis_mm;            // NUM, mm
  std::vector<Point2> long_axis_polyline, short_axis_polyline;  // the calipers on `image`
  std::optional<InstanceRef> image;                              // the CT slice they lie on
  std::optional<double> suv_max;                                 // NUM, {SUVbw}g/ml
  std::optional<InstanceRef> segmentation;                      // the SEG holding its mask
  std::optional<int> segment_number;                             // its segment in that SEG
};

// One timepoint's TID 1500 Measurement Report.
struct MeasurementReport {
  std::string sop_instance_uid, series_uid, study_uid, patient_id;  // filled on read
  std::string timepoint_label;     // recap's timepoint label (a TEXT item); may be empty on read
  std::vector<LesionReport> lesions;
  std::optional<double> spd_mm2;   // sum of the products of the targets' diameters
  std::optional<int> deauville;    // 1..5
  std::optional<std::string> lugano_response;  // "CR", "PR", "SD", "PD" (none at baseline)
};

struct SrWriteOptions {
  std::string sop_instance_uid;   // empty: a new UID
  std::string series_uid;         // empty: a new UID
  int series_number = 901;
  std::string series_description = "recap measurement report";
  std::string content_date, content_time;  // empty: now
  std::string manufacturer = "recap";
  std::string software_version;
  std::vector<InstanceRef> evidence;  // every instance referenced (CT slices, SEG), for the
                                      // Current Requested Procedure Evidence Sequence
};

// Writes `report` as a Comprehensive 3D SR. Throws recap::Error(Output) naming `path` when the
// document cannot be built or written.
void writeMeasurementReport(const std::filesystem::path& path, const MeasurementReport& report,
                            const SourceContext& source, const SrWriteOptions& options);

// Reads a TID 1500 Measurement Report (recap's, or a viewer's: OHIF, 3D Slicer): every measurement
// group with a tracking identifier, its long axis / short axis (codes SCT 103339001 / 103340004, or
// the older SRT G-A185 / G-A186), their SCOORD polylines and the image they lie on, SUVmax, and the
// referenced segment. Throws recap::Error(NoInput / CorruptInput / Unsupported) naming `path`.
MeasurementReport readMeasurementReport(const std::filesystem::path& path);

// ---- Pixel <-> patient coordinates on one image plane -------------------------------------------

struct ImagePlane {
  Point3 position{0, 0, 0};                  // Image Position (Patient): centre of the first pixel
  std::array<double, 6> orientation{1, 0, 0, 0, 1, 0};  // row direction, column direction
  std::array<double, 2> pixel_spacing{1, 1};  // [between rows, between columns] (DICOM order)
};

Point2 toPixel(const ImagePlane& plane, const Point3& lps);     // SCOORD convention
Point3 toPatient(const ImagePlane& plane, const Point2& pixel);  // on the plane

// A UID under 2.25 made from a digest of `text`: the same text gives the same UID (tracking UIDs).
std::string uidFromText(const std::string& text);
// A new unique UID.
std::string newUid();

}  // namespace recap::srseg
