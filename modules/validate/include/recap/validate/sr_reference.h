// DICOM references of recap validate, read by modules/srseg: a reader's (or a viewer's) TID 1500
// Measurement Report of one timepoint as records, a SEG as lesion masks.
#pragma once

#include <filesystem>
#include <string>

#include "recap/srseg/sr.h"
#include "recap/validate/records.h"

namespace recap::validate {

// One record per measurement group (tracking id = lesion id; long/short axis = LDi/SDi; SUVmax) and
// one for the timepoint (Lugano response, Deauville). A group without a status is "measured" when
// both axes are given, "absent" when the long axis is 0. Throws Error(CaseFile) naming `source`
// when the report has no patient id or timepoint label, or a group has no tracking id.
RecordSet srRecords(const srseg::MeasurementReport& report, const std::string& source);

// readMeasurementReport + srRecords.
RecordSet readSrReference(const std::filesystem::path& path);

// The loader recap validate registers (setDicomReferenceLoader): a TID 1500 SR as above, else a
// DICOM SEG as lesion masks (readSegMasks). Throws Error(Unsupported) when it is neither.
RecordSet readDicomReference(const std::filesystem::path& path);

}  // namespace recap::validate
