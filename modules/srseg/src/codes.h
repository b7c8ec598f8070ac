// The codes recap's SR and SEG use (docs/dicom-sr-seg.md), shared by the writers and readers.
#pragma once

namespace recap::srseg::codes {

struct Code {
  const char* value;
  const char* scheme;
  const char* meaning;
};

// recap's local coding scheme: DICOM has no codes for the Lugano response, the Deauville score,
// the SPD or recap's lesion status. Declared in the Coding Scheme Identification Sequence.
inline constexpr const char* kLocalScheme = "99RECAP";
inline constexpr const char* kLocalSchemeName = "recap local codes (Lugano 2014 response, Deauville score, SPD)";

inline constexpr Code kReport{"126000", "DCM", "Imaging Measurement Report"};
inline constexpr Code kLanguage{"121049", "DCM", "Language of Content Item and Descendants"};
inline constexpr Code kEnglish{"en-US", "RFC5646", "English (United States)"};
inline constexpr Code kObserverType{"121005", "DCM", "Observer Type"};
inline constexpr Code kDevice{"121007", "DCM", "Device"};
inline constexpr Code kDeviceObserverUid{"121012", "DCM", "Device Observer UID"};
inline constexpr Code kDeviceObserverName{"121013", "DCM", "Device Observer Name"};
inline constexpr Code kProcedureReported{"121058", "DCM", "Procedure reported"};
inline constexpr Code kPetWholeBody{"44139-4", "LN", "PET whole body"};
inline constexpr Code kImageLibrary{"111028", "DCM", "Image Library"};
inline constexpr Code kImageLibraryGroup{"126200", "DCM", "Image Library Group"};
inline constexpr Code kImagingMeasurements{"126010", "DCM", "Imaging Measurements"};
inline constexpr Code kMeasurementGroup{"125007", "DCM", "Measurement Group"};
inline constexpr Code kTrackingId{"112039", "DCM", "Tracking Identifier"};
inline constexpr Code kTrackingUid{"112040", "DCM", "Tracking Unique Identifier"};
inline constexpr Code kFinding{"121071", "DCM", "Finding"};
inline constexpr Code kLymphNode{"59441001", "SCT", "Lymph node"};
inline constexpr Code kNeoplasm{"108369006", "SCT", "Neoplasm"};
inline constexpr Code kLongAxis{"103339001", "SCT", "Long Axis"};
inline constexpr Code kShortAxis{"103340004", "SCT", "Short Axis"};
inline constexpr Code kLongAxisSrt{"G-A185", "SRT", "Long Axis"};   // older SNOMED-RT form (read only)
inline constexpr Code kShortAxisSrt{"G-A186", "SRT", "Short Axis"};
inline constexpr Code kSuv{"126400", "DCM", "Standardized Uptake Value"};
inline constexpr Code kDerivation{"121401", "DCM", "Derivation"};
inline constexpr Code kMaximum{"56851009", "SCT", "Maximum"};
inline constexpr Code kReferencedSegment{"121191", "DCM", "Referenced Segment"};
inline constexpr Code kQualitative{"C0034375", "UMLS", "Qualitative Evaluations"};
inline constexpr Code kMm{"mm", "UCUM", "millimeter"};
inline constexpr Code kMm2{"mm2", "UCUM", "square millimeter"};
inline constexpr Code kSuvUnit{"{SUVbw}g/ml", "UCUM", "Standardized Uptake Value body weight"};
inline constexpr Code kScoreUnit{"1", "UCUM", "no units"};

// Local codes.
inline constexpr Code kSpd{"RCP0001", kLocalScheme, "Sum of products of diameters"};
inline constexpr Code kLugano{"RCP0002", kLocalScheme, "Lugano 2014 CT response"};
inline constexpr Code kDeauville{"RCP0003", kLocalScheme, "Deauville five-point score"};
inline constexpr Code kTimepoint{"RCP0004", kLocalScheme, "Timepoint"};
inline constexpr Code kLesionStatus{"RCP0005", kLocalScheme, "Lesion measurement status"};
inline constexpr Code kLesionRole{"RCP0007", kLocalScheme, "Lesion role"};
inline constexpr Code kTargetLesion{"RCP-target", kLocalScheme, "Target lesion"};
inline constexpr Code kNewLesion{"RCP-new", kLocalScheme, "New lesion"};
// Lugano response values: RCP-CR ... and lesion status values: RCP-measured ... (made in code).

// Segmentation (CID 7150 / 7151).
inline constexpr Code kMorphologicallyAbnormal{"49755003", "SCT", "Morphologically Altered Structure"};
inline constexpr Code kSegmentationDerivation{"113076", "DCM", "Segmentation"};
inline constexpr Code kSourceForProcessing{"121322", "DCM", "Source image for image processing operation"};

inline constexpr const char* kCtImageStorage = "1.2.840.10008.5.1.4.1.1.2";
inline constexpr const char* kSegStorage = "1.2.840.10008.5.1.4.1.1.66.4";

}  // namespace recap::srseg::codes
