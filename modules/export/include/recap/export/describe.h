// JSON descriptions of what ingestion found: used by `recap info --json` and the sidecars
// written next to converted volumes. Field names are documented in docs/formats.md.
#pragma once

#include <nlohmann/json.hpp>

#include "recap/dicom/geometry.h"
#include "recap/dicom/index.h"
#include "recap/suv/suv.h"

namespace recap::exporter {

nlohmann::json describeGeometry(const dicom::Geometry& geometry);
nlohmann::json describeSuv(const suv::SuvResult& suv);
// One series: uid, modality, role, instances, geometry, and for PET the suv object (or
// suv_error when the SUV factor cannot be derived).
nlohmann::json describeSeries(const dicom::Series& series);
nlohmann::json describeIndex(const dicom::Index& index);

}  // namespace recap::exporter
