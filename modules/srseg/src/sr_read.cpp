// Reading a TID 1500 Measurement Report: DCMTK's content tree is copied into plain nodes, then the
// measurement groups are interpreted (recap's own layout, and the planar groups OHIF and 3D Slicer
// write: a NUM long/short axis inferred from a SCOORD polyline selected from an image).
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmsr/dsrdoc.h>
#include <dcmtk/dcmsr/dsrimgtn.h>
#include <dcmtk/dcmsr/dsrnumtn.h>
#include <dcmtk/dcmsr/dsrscotn.h>
#include <dcmtk/dcmsr/dsrstrvl.h>
#include <dcmtk/dcmsr/dsrcodtn.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "codes.h"
#include "recap/core/error.h"
#include "recap/srseg/sr.h"

namespace recap::srseg {
namespace {

struct Item {
  DSRTypes::E_ValueType type = DSRTypes::VT_invalid;
  std::string concept_value, concept_scheme;
  std::string text;                      // TEXT, UIDREF
  std::string code_value, code_scheme, code_meaning;   // CODE
  std::string number, unit;              // NUM
  std::vector<Point2> points;            // SCOORD
  std::string graphic_type;
  std::optional<InstanceRef> image;      // IMAGE
  std::optional<int> segment;
  std::vector<Item> children;

  bool is(const codes::Code& c) const { return concept_value == c.value && concept_scheme == c.scheme; }
  const Item* child(const codes::Code& c) const {
    for (const Item& i : children)
      if (i.is(c)) return &i;
    return nullptr;
  }
};

Item copyNode(const DSRDocumentTreeNode& n) {
  Item it;
  it.type = n.getValueType();
  it.concept_value = n.getConceptName().getCodeValue().c_str();
  it.concept_scheme = n.getConceptName().getCodingSchemeDesignator().c_str();
  if (const auto* s = dynamic_cast<const DSRStringValue*>(&n)) it.text = s->getValue().c_str();
  if (const auto* c = dynamic_cast<const DSRCodedEntryValue*>(&n)) {
    it.code_value = c->getCodeValue().c_str();
    it.code_scheme = c->getCodingSchemeDesignator().c_str();
    it.code_meaning = c->getCodeMeaning().c_str();
  }
  if (const auto* v = dynamic_cast<const DSRNumericMeasurementValue*>(&n)) {
    it.number = v->getNumericValue().c_str();
    it.unit = v->getMeasurementUnit().getCodeValue().c_str();
  }
  if (auto* v = const_cast<DSRSpatialCoordinatesValue*>(dynamic_cast<const DSRSpatialCoordinatesValue*>(&n))) {
    it.graphic_type = DSRTypes::graphicTypeToEnumeratedValue(v->getGraphicType());
    const DSRGraphicDataList& list = v->getGraphicDataList();
    for (size_t i = 1; i <= list.getNumberOfItems(); ++i) {
      const DSRGraphicDataItem& g = list.getItem(i);
      it.points.push_back({double(g.Column), double(g.Row)});
    }
  }
  if (const auto* v = dynamic_cast<const DSRImageReferenceValue*>(&n)) {
    InstanceRef r;
    r.sop_class_uid = v->getSOPClassUID().c_str();
    r.sop_instance_uid = v->getSOPInstanceUID().c_str();
    it.image = r;
    const DSRImageSegmentList& segs = v->getSegmentList();
    if (!segs.isEmpty()) it.segment = int(segs.getItem(1));
  }
  return it;
}

// Copies the node at `cursor` and its siblings (with their subtrees).
void copySiblings(DSRDocumentTreeNodeCursor cursor, std::vector<Item>& into) {
  do {
    const DSRDocumentTreeNode* node = cursor.getNode();
    if (!node) break;
    Item it = copyNode(*node);
    if (cursor.hasChildNodes()) {
      DSRDocumentTreeNodeCursor down(cursor);
      if (down.goDown() > 0) copySiblings(down, it.children);
    }
    into.push_back(std::move(it));
  } while (cursor.gotoNext() > 0);
}

std::optional<double> number(const Item& i, const std::string& path) {
  if (i.number.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(i.number.c_str(), &end);
  if (end == i.number.c_str()) throw Error(ErrorCode::CorruptInput, path, "numeric value '" + i.number + "' is not a number");
  return v;
}

// A long/short axis NUM: its value, and the polyline (with its image) it was inferred from.
void readAxis(const Item& num, std::optional<double>& mm, std::vector<Point2>& line, LesionReport& l,
              const std::string& path) {
  mm = number(num, path);
  for (const Item& s : num.children) {
    if (s.type != DSRTypes::VT_SCoord || s.points.size() < 2) continue;
    line = s.points;
    for (const Item& im : s.children)
      if (im.type == DSRTypes::VT_Image && im.image) l.image = im.image;
  }
}

void readGroup(const Item& g, MeasurementReport& r, const std::string& path) {
  const Item* id = g.child(codes::kTrackingId);
  const Item* uid = g.child(codes::kTrackingUid);
  if (g.child(codes::kSpd)) {
    r.spd_mm2 = number(*g.child(codes::kSpd), path);
    return;
  }
  LesionReport l;
  l.tracking_id = id ? id->text : "";
  l.tracking_uid = uid ? uid->text : "";
  if (const Item* f = g.child(codes::kFinding)) l.nodal = f->code_value != codes::kNeoplasm.value;
  if (const Item* role = g.child(codes::kLesionRole)) l.is_new = role->code_value == codes::kNewLesion.value;
  if (const Item* s = g.child(codes::kLesionStatus))
    l.status = s->code_value.rfind("RCP-", 0) == 0 ? s->code_value.substr(4) : s->code_value;
  for (const Item& c : g.children) {
    if (c.type == DSRTypes::VT_Num && (c.is(codes::kLongAxis) || c.is(codes::kLongAxisSrt)))
      readAxis(c, l.long_axis_mm, l.long_axis_polyline, l, path);
    else if (c.type == DSRTypes::VT_Num && (c.is(codes::kShortAxis) || c.is(codes::kShortAxisSrt)))
      readAxis(c, l.short_axis_mm, l.short_axis_polyline, l, path);
    else if (c.type == DSRTypes::VT_Num && c.is(codes::kSuv)) {
      const Item* d = c.child(codes::kDerivation);
      if (!d || d->code_value == codes::kMaximum.value) l.suv_max = number(c, path);
    } else if (c.type == DSRTypes::VT_Image && c.image && c.segment) {
      l.segmentation = c.image;
      l.segment_number = c.segment;
    }
  }
  if (l.tracking_id.empty() && !l.long_axis_mm) return;  // neither a tracked lesion nor a caliper
  if (l.tracking_id.empty()) l.tracking_id = "lesion" + std::to_string(r.lesions.size() + 1);
  r.lesions.push_back(std::move(l));
}

// Measurement groups anywhere below `i` (viewers nest them differently).
void findGroups(const Item& i, MeasurementReport& r, const std::string& path) {
  for (const Item& c : i.children) {
    if (c.type == DSRTypes::VT_Container && c.is(codes::kMeasurementGroup))
      readGroup(c, r, path);
    else
      findGroups(c, r, path);
  }
}

}  // namespace

MeasurementReport readMeasurementReport(const std::filesystem::path& path) {
  const std::string p = path.string();
  if (!std::filesystem::is_regular_file(path)) throw Error(ErrorCode::NoInput, p, "SR file not found");
  DcmFileFormat file;
  const OFCondition loaded = file.loadFile(p.c_str());
  if (loaded.bad()) throw Error(ErrorCode::CorruptInput, p, std::string("cannot read the DICOM file: ") + loaded.text());
  DcmDataset& ds = *file.getDataset();
  OFString modality;
  ds.findAndGetOFString(DCM_Modality, modality);
  if (modality != "SR") throw Error(ErrorCode::Unsupported, p, "not a structured report (Modality '" + std::string(modality.c_str()) + "')");
  DSRDocument doc;
  const OFCondition read = doc.read(ds);
  if (read.bad()) throw Error(ErrorCode::CorruptInput, p, std::string("cannot read the SR content: ") + read.text());
  DSRDocumentTreeNodeCursor cursor;
  std::vector<Item> roots;
  if (doc.getTree().getCursorToRootNode(cursor)) copySiblings(cursor, roots);
  if (roots.empty() || !roots.front().is(codes::kReport))
    throw Error(ErrorCode::Unsupported, p, "not a TID 1500 Measurement Report (root concept is not DCM 126000)");
  MeasurementReport r;
  OFString s;
  doc.getSOPInstanceUID(s);
  r.sop_instance_uid = s.c_str();
  doc.getSeriesInstanceUID(s);
  r.series_uid = s.c_str();
  doc.getStudyInstanceUID(s);
  r.study_uid = s.c_str();
  doc.getPatientID(s);
  r.patient_id = s.c_str();
  const Item& root = roots.front();
  findGroups(root, r, p);
  if (const Item* q = root.child(codes::kQualitative)) {
    if (const Item* t = q->child(codes::kTimepoint)) r.timepoint_label = t->text;
    if (const Item* l = q->child(codes::kLugano))
      r.lugano_response = l->code_value.rfind("RCP-", 0) == 0 ? l->code_value.substr(4) : l->code_meaning;
    if (const Item* d = q->child(codes::kDeauville)) {
      const std::string v = d->code_value;
      if (v.size() == 7 && v.rfind("RCP-DS", 0) == 0 && v[6] >= '1' && v[6] <= '5') r.deauville = v[6] - '0';
      else throw Error(ErrorCode::CorruptInput, p, "Deauville score code '" + v + "' is not RCP-DS1..RCP-DS5");
    }
  }
  return r;
}

}  // namespace recap::srseg
