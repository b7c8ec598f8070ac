// recap assess and DICOM objects (docs/dicom-sr-seg.md): with --dicom-out, per timepoint a TID 1500
// SR and a SEG of the lesions on the source CT; and `target_lesions_from`, the targets read from a
// baseline TID 1500 SR (a viewer's or recap's) against the baseline CT.
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "recap/assess/assess.h"
#include "recap/casefile/casefile.h"
#include "recap/dicom/geometry.h"
#include "recap/dicom/index.h"

namespace recap::cli {

// A timepoint's CT as loaded: its series (headers) and the volume's slice order.
struct CtSource {
  const dicom::Series* series = nullptr;
  const dicom::Geometry* geometry = nullptr;
};

// Writes <label>_SR.dcm and <label>_SEG.dcm per timepoint into `out` (each atomically), from the
// assessment and its json (assessment.json's object). `tracking_uids` (lesion id -> UID) keeps the
// UIDs of an SR the targets came from; other lesions get a UID made from the patient id, the
// baseline study and the lesion id, so it is the same at every timepoint. Returns the files.
std::vector<std::filesystem::path> writeDicomOutputs(const std::filesystem::path& out,
                                                     const nlohmann::ordered_json& assessment,
                                                     const std::vector<CtSource>& cts, const assess::Assessment& a,
                                                     const std::map<std::string, std::string>& tracking_uids,
                                                     const std::string& software_version);

struct SrTargets {
  std::vector<casefile::Lesion> targets;                  // seed: the long axis' midpoint
  std::map<std::string, response::Diameters> diameters;   // the reviewer's long and short axis
  std::map<std::string, std::string> tracking_uids;       // lesion id -> tracking UID
};

// Reads the targets of a baseline TID 1500 SR; every measurement group needs a long axis polyline on
// an image of `baseline_ct`. Throws Error(CaseFile) naming the SR and the lesion otherwise.
SrTargets targetsFromSr(const std::filesystem::path& sr, const dicom::Series& baseline_ct);

}  // namespace recap::cli
