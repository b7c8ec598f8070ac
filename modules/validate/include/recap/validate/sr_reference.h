// DICOM TID 1500 SR as a reference for recap validate: a reader's (or a viewer's) Measurement
// Report of one timepoint, read by modules/srseg, as validation records.
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

// readMeasurementReport + srRecords: the loader that setDicomReferenceLoader takes.
RecordSet readSrReference(const std::filesystem::path& path);

}  // namespace recap::validate
