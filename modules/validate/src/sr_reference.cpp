#include "recap/validate/sr_reference.h"

#include "recap/core/error.h"
#include "recap/validate/masks.h"

namespace recap::validate {

RecordSet srRecords(const srseg::MeasurementReport& report, const std::string& source) {
  if (report.patient_id.empty()) throw Error(ErrorCode::CaseFile, source, "SR without a PatientID");
  if (report.timepoint_label.empty())
    throw Error(ErrorCode::CaseFile, source,
                "SR without a timepoint label (TEXT item 'timepoint'): cannot tell which timepoint of the case it reads");
  RecordSet r;
  r.sources.push_back(source);
  r.timepoints.push_back({report.patient_id, report.timepoint_label, report.lugano_response, report.deauville, source});
  for (size_t i = 0; i < report.lesions.size(); ++i) {
    const srseg::LesionReport& g = report.lesions[i];
    if (g.tracking_id.empty())
      throw Error(ErrorCode::CaseFile, source, "measurement group " + std::to_string(i + 1) + " has no tracking identifier");
    LesionRecord l;
    l.patient_id = report.patient_id;
    l.timepoint = report.timepoint_label;
    l.lesion_id = g.tracking_id;
    l.source = source;
    l.ldi_mm = g.long_axis_mm;
    l.sdi_mm = g.short_axis_mm;
    l.suv_max = g.suv_max;
    l.status = g.status;
    if (l.status.empty()) {
      if (l.ldi_mm && *l.ldi_mm == 0) l.status = "absent";
      else if (l.ldi_mm && l.sdi_mm) l.status = "measured";
    }
    if (l.status == "absent") l.ldi_mm = l.sdi_mm = 0.0;
    if (l.status == "measured" && l.ldi_mm && l.sdi_mm) l.ppd_mm2 = *l.ldi_mm * *l.sdi_mm;
    if (l.status == "absent") l.ppd_mm2 = 0.0;
    r.lesions.push_back(l);
  }
  return r;
}

RecordSet readSrReference(const std::filesystem::path& path) {
  return srRecords(srseg::readMeasurementReport(path), path.string());
}

RecordSet readDicomReference(const std::filesystem::path& path) {
  try {
    return readSrReference(path);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::Unsupported) throw;
  }
  RecordSet r;
  try {
    r.masks = readSegMasks(path);  // a SEG: masks only (its segments paired by study and lesion id)
  } catch (const Error& e) {
    if (e.code() != ErrorCode::Unsupported) throw;
    throw Error(ErrorCode::Unsupported, path.string(), "neither a TID 1500 Measurement Report nor a DICOM Segmentation");
  }
  r.sources.push_back(path.string());
  return r;
}

}  // namespace recap::validate
