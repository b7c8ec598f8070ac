// TID 1500 Measurement Report as a Comprehensive 3D SR (dcmsr). The content tree is built as plain
// nodes first, then emitted into DCMTK's document tree in one recursive pass.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmsr/dsrdoc.h>

#include <cstdio>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "codes.h"
#include "recap/core/error.h"
#include "recap/core/files.h"
#include "recap/srseg/sr.h"

namespace recap::srseg {
namespace {

// A code with its own strings (the codes:: constants, or a value made here).
struct OwnedCode {
  std::string value, scheme, meaning;
  OwnedCode(const codes::Code& c) : value(c.value), scheme(c.scheme), meaning(c.meaning) {}  // NOLINT
  OwnedCode(std::string v, std::string s, std::string m) : value(std::move(v)), scheme(std::move(s)), meaning(std::move(m)) {}
};
using Code = OwnedCode;

struct Node {
  DSRTypes::E_RelationshipType rel = DSRTypes::RT_contains;
  DSRTypes::E_ValueType type = DSRTypes::VT_Container;
  std::optional<Code> concept;
  std::string text;                  // TEXT, UIDREF
  std::optional<Code> code;          // CODE
  std::string number;                // NUM
  std::optional<Code> unit;
  std::vector<Point2> points;        // SCOORD polyline
  std::optional<InstanceRef> image;  // IMAGE
  std::optional<int> segment;
  std::string template_id;           // CONTAINER: template identification (DCMR)
  std::vector<Node> children;

  Node& add(Node n) {
    children.push_back(std::move(n));
    return children.back();
  }
};

DSRCodedEntryValue coded(const Code& c) { return DSRCodedEntryValue(c.value.c_str(), c.scheme.c_str(), c.meaning.c_str()); }

std::string decimal(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  std::string s = buf;
  while (s.find('.') != std::string::npos && (s.back() == '0' || s.back() == '.')) {
    const bool dot = s.back() == '.';
    s.pop_back();
    if (dot) break;
  }
  if (s == "-0") s = "0";
  return s;
}

Node container(const Code& c, DSRTypes::E_RelationshipType rel = DSRTypes::RT_contains) {
  Node n;
  n.rel = rel;
  n.concept = c;
  return n;
}
Node codeItem(DSRTypes::E_RelationshipType rel, const Code& concept, const Code& value) {
  Node n;
  n.rel = rel;
  n.type = DSRTypes::VT_Code;
  n.concept = concept;
  n.code = value;
  return n;
}
Node textItem(DSRTypes::E_RelationshipType rel, DSRTypes::E_ValueType type, const Code& concept, const std::string& v) {
  Node n;
  n.rel = rel;
  n.type = type;
  n.concept = concept;
  n.text = v;
  return n;
}
Node numItem(const Code& concept, double v, const Code& unit) {
  Node n;
  n.type = DSRTypes::VT_Num;
  n.concept = concept;
  n.number = decimal(v);
  n.unit = unit;
  return n;
}
Node imageItem(DSRTypes::E_RelationshipType rel, const InstanceRef& ref) {
  Node n;
  n.rel = rel;
  n.type = DSRTypes::VT_Image;
  n.image = ref;
  return n;
}

void check(const OFCondition& c, const std::filesystem::path& path, const std::string& what) {
  if (c.bad()) throw Error(ErrorCode::Output, path.string(), "cannot build the SR: " + what + ": " + c.text());
}

void emit(DSRDocumentTree& tree, const Node& n, DSRTypes::E_AddMode mode, const std::filesystem::path& path) {
  if (tree.addContentItem(n.rel, n.type, mode) == 0)
    throw Error(ErrorCode::Output, path.string(),
                std::string("cannot build the SR: a ") + DSRTypes::valueTypeToDefinedTerm(n.type) + " item '" +
                    (n.concept ? n.concept->meaning : std::string()) + "' is not allowed here");
  DSRContentItem& item = tree.getCurrentContentItem();
  const std::string what = n.concept ? n.concept->meaning : DSRTypes::valueTypeToDefinedTerm(n.type);
  if (n.concept) check(item.setConceptName(coded(*n.concept)), path, what);
  switch (n.type) {
    case DSRTypes::VT_Text:
    case DSRTypes::VT_UIDRef: check(item.setStringValue(n.text.c_str()), path, what); break;
    case DSRTypes::VT_Code: check(item.setCodeValue(coded(*n.code)), path, what); break;
    case DSRTypes::VT_Num:
      check(item.setNumericValue(DSRNumericMeasurementValue(n.number.c_str(), coded(*n.unit))), path, what);
      break;
    case DSRTypes::VT_SCoord: {
      DSRSpatialCoordinatesValue v(DSRTypes::GT_Polyline);
      for (const Point2& p : n.points) v.getGraphicDataList().addItem(float(p[0]), float(p[1]));
      check(item.setSpatialCoordinates(v), path, what);
      break;
    }
    case DSRTypes::VT_Image: {
      DSRImageReferenceValue v(n.image->sop_class_uid.c_str(), n.image->sop_instance_uid.c_str());
      if (n.segment) v.getSegmentList().addItem(Uint16(*n.segment));
      check(item.setImageReference(v), path, what);
      break;
    }
    default: break;
  }
  if (!n.template_id.empty()) check(item.setTemplateIdentification(n.template_id.c_str(), "DCMR"), path, what);
  for (size_t i = 0; i < n.children.size(); ++i)
    emit(tree, n.children[i], i == 0 ? DSRTypes::AM_belowCurrent : DSRTypes::AM_afterCurrent, path);
  if (!n.children.empty()) tree.goUp();
}

// A caliper: NUM (mm) inferred from a two-point polyline selected from the CT slice.
Node axis(const Code& concept, double mm, const std::vector<Point2>& line, const std::optional<InstanceRef>& image) {
  Node n = numItem(concept, mm, codes::kMm);
  if (line.size() >= 2 && image) {
    Node s;
    s.rel = DSRTypes::RT_inferredFrom;
    s.type = DSRTypes::VT_SCoord;
    s.points = line;
    s.add(imageItem(DSRTypes::RT_selectedFrom, *image));
    n.add(std::move(s));
  }
  return n;
}

// The Lugano 2014 terms for the CT response categories (IR: LYRIC's indeterminate response).
std::string luganoMeaning(const std::string& v) {
  if (v == "CR") return "Complete radiologic response";
  if (v == "PR") return "Partial remission";
  if (v == "SD") return "Stable disease";
  if (v == "PD") return "Progressive disease";
  if (v == "IR") return "Indeterminate response";
  return v;
}

Code localValue(const std::string& v, const std::string& meaning) { return Code("RCP-" + v, codes::kLocalScheme, meaning); }

}  // namespace

void writeMeasurementReport(const std::filesystem::path& path, const MeasurementReport& r, const SourceContext& src,
                            const SrWriteOptions& o) {
  if (src.study_uid.empty()) throw Error(ErrorCode::Output, path.string(), "cannot write the SR: no Study Instance UID");
  Node root = container(codes::kReport, DSRTypes::RT_isRoot);
  root.template_id = "1500";
  root.add(codeItem(DSRTypes::RT_hasConceptMod, codes::kLanguage, codes::kEnglish));
  root.add(codeItem(DSRTypes::RT_hasObsContext, codes::kObserverType, codes::kDevice));
  root.add(textItem(DSRTypes::RT_hasObsContext, DSRTypes::VT_UIDRef, codes::kDeviceObserverUid,
                    uidFromText("recap device observer")));
  root.add(textItem(DSRTypes::RT_hasObsContext, DSRTypes::VT_Text, codes::kDeviceObserverName, o.manufacturer));
  root.add(codeItem(DSRTypes::RT_hasConceptMod, codes::kProcedureReported, codes::kPetWholeBody));

  // Image library: every CT slice a caliper lies on, once.
  Node& library = root.add(container(codes::kImageLibrary));
  Node& group = library.add(container(codes::kImageLibraryGroup));
  std::set<std::string> listed;
  for (const LesionReport& l : r.lesions)
    if (l.image && listed.insert(l.image->sop_instance_uid).second) group.add(imageItem(DSRTypes::RT_contains, *l.image));
  if (group.children.empty()) library.children.clear();

  Node& measurements = root.add(container(codes::kImagingMeasurements));
  for (size_t i = 0; i < r.lesions.size(); ++i) {
    const LesionReport& l = r.lesions[i];
    Node g = container(codes::kMeasurementGroup);
    g.template_id = "1501";
    g.add(textItem(DSRTypes::RT_hasObsContext, DSRTypes::VT_Text, codes::kTrackingId, l.tracking_id));
    g.add(textItem(DSRTypes::RT_hasObsContext, DSRTypes::VT_UIDRef, codes::kTrackingUid, l.tracking_uid));
    g.add(codeItem(DSRTypes::RT_contains, codes::kFinding, l.nodal ? codes::kLymphNode : codes::kNeoplasm));
    g.add(codeItem(DSRTypes::RT_contains, codes::kLesionRole, l.is_new ? codes::kNewLesion : codes::kTargetLesion));
    if (!l.status.empty())
      g.add(codeItem(DSRTypes::RT_contains, codes::kLesionStatus, localValue(l.status, l.status)));
    if (l.long_axis_mm) g.add(axis(codes::kLongAxis, *l.long_axis_mm, l.long_axis_polyline, l.image));
    if (l.short_axis_mm) g.add(axis(codes::kShortAxis, *l.short_axis_mm, l.short_axis_polyline, l.image));
    if (l.suv_max) {
      Node suv = numItem(codes::kSuv, *l.suv_max, codes::kSuvUnit);
      suv.add(codeItem(DSRTypes::RT_hasConceptMod, codes::kDerivation, codes::kMaximum));
      g.add(std::move(suv));
    }
    if (l.segmentation && l.segment_number) {
      Node seg = imageItem(DSRTypes::RT_contains, *l.segmentation);
      seg.concept = codes::kReferencedSegment;
      seg.segment = *l.segment_number;
      g.add(std::move(seg));
    }
    measurements.add(std::move(g));
  }
  if (r.spd_mm2) {
    Node g = container(codes::kMeasurementGroup);
    g.template_id = "1501";
    g.add(textItem(DSRTypes::RT_hasObsContext, DSRTypes::VT_Text, codes::kTrackingId, "SPD"));
    g.add(textItem(DSRTypes::RT_hasObsContext, DSRTypes::VT_UIDRef, codes::kTrackingUid,
                   uidFromText("recap SPD " + src.study_uid)));
    g.add(numItem(codes::kSpd, *r.spd_mm2, codes::kMm2));
    measurements.add(std::move(g));
  }

  Node& qualitative = root.add(container(codes::kQualitative));
  if (!r.timepoint_label.empty())
    qualitative.add(textItem(DSRTypes::RT_contains, DSRTypes::VT_Text, codes::kTimepoint, r.timepoint_label));
  if (r.lugano_response)
    qualitative.add(codeItem(DSRTypes::RT_contains, codes::kLugano, localValue(*r.lugano_response, luganoMeaning(*r.lugano_response))));
  if (r.deauville)
    qualitative.add(codeItem(DSRTypes::RT_contains, codes::kDeauville,
                             localValue("DS" + std::to_string(*r.deauville), "Deauville " + std::to_string(*r.deauville))));
  if (qualitative.children.empty()) root.children.pop_back();

  DSRDocument doc(DSRTypes::DT_Comprehensive3DSR);
  check(doc.createNewSeriesInStudy(src.study_uid.c_str()), path, "study");
  check(doc.setSpecificCharacterSetType(DSRTypes::CS_Latin1), path, "character set");
  doc.setPatientID(src.patient_id.c_str(), false);
  doc.setPatientName(src.patient_name.c_str(), false);
  doc.setPatientBirthDate(src.patient_birth_date.c_str(), false);
  doc.setPatientSex(src.patient_sex.c_str(), false);
  doc.setReferringPhysicianName(src.referring_physician.c_str(), false);
  doc.setStudyDate(src.study_date.c_str(), false);
  doc.setStudyTime(src.study_time.c_str(), false);
  doc.setStudyID(src.study_id.c_str(), false);
  doc.setStudyDescription(src.study_description.c_str(), false);
  doc.setAccessionNumber(src.accession_number.c_str(), false);
  doc.setSeriesDescription(o.series_description.c_str(), false);
  doc.setSeriesNumber(std::to_string(o.series_number).c_str(), false);
  doc.setInstanceNumber("1", false);
  doc.setManufacturer(o.manufacturer.c_str(), false);
  if (!o.software_version.empty()) doc.setSoftwareVersions(o.software_version.c_str(), false);
  if (!o.content_date.empty()) doc.setContentDate(o.content_date.c_str(), false);
  if (!o.content_time.empty()) doc.setContentTime(o.content_time.c_str(), false);
  auto& schemes = doc.getCodingSchemeIdentification();
  check(schemes.addItem(codes::kLocalScheme), path, "coding scheme");
  check(schemes.setCodingSchemeName(codes::kLocalSchemeName, false), path, "coding scheme");
  check(schemes.setCodingSchemeResponsibleOrganization("recap project", false), path, "coding scheme");
  for (const InstanceRef& e : o.evidence)
    check(doc.getCurrentRequestedProcedureEvidence().addItem(src.study_uid.c_str(), e.series_uid.c_str(),
                                                             e.sop_class_uid.c_str(), e.sop_instance_uid.c_str()),
          path, "evidence " + e.sop_instance_uid);

  emit(doc.getTree(), root, DSRTypes::AM_afterCurrent, path);
  check(doc.completeDocument(), path, "completion flag");
  if (!doc.isValid()) throw Error(ErrorCode::Output, path.string(), "cannot build the SR: DCMTK finds the document invalid");

  DcmFileFormat file;
  DcmDataset& ds = *file.getDataset();
  check(doc.write(ds), path, "dataset");
  if (!o.sop_instance_uid.empty()) check(ds.putAndInsertString(DCM_SOPInstanceUID, o.sop_instance_uid.c_str()), path, "SOP Instance UID");
  if (!o.series_uid.empty()) check(ds.putAndInsertString(DCM_SeriesInstanceUID, o.series_uid.c_str()), path, "Series Instance UID");
  const std::filesystem::path tmp = temporarySibling(path);
  const OFCondition saved = file.saveFile(tmp.c_str(), EXS_LittleEndianExplicit);
  if (saved.bad()) {
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    throw Error(ErrorCode::Output, path.string(), std::string("cannot write the SR: ") + saved.text());
  }
  commitFile(tmp, path);
}

}  // namespace recap::srseg
