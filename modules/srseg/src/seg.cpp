// Binary DICOM SEG (dcmseg): one segment per lesion on the source CT's grid; frames only where a
// segment has voxels, each with its plane position and a derivation reference to the CT slice.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmfg/fgderimg.h>
#include <dcmtk/dcmfg/fgfracon.h>
#include <dcmtk/dcmfg/fgpixmsr.h>
#include <dcmtk/dcmfg/fgplanor.h>
#include <dcmtk/dcmfg/fgplanpo.h>
#include <dcmtk/dcmfg/fgseg.h>
#include <dcmtk/dcmiod/iodreferences.h>
#include <dcmtk/dcmseg/segdoc.h>
#include <dcmtk/dcmseg/segment.h>
#include <dcmtk/dcmseg/segutils.h>

#include <cstdio>
#include <memory>
#include <string>

#include "codes.h"
#include "recap/core/error.h"
#include "recap/core/files.h"
#include "recap/srseg/seg.h"

namespace recap::srseg {
namespace {

std::string ds(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

void check(const OFCondition& c, const std::filesystem::path& path, const std::string& what) {
  if (c.bad()) throw Error(ErrorCode::Output, path.string(), "cannot build the SEG: " + what + ": " + c.text());
}

CodeSequenceMacro macro(const codes::Code& c) { return CodeSequenceMacro(c.value, c.scheme, c.meaning); }

}  // namespace

size_t SegSegment::voxels() const {
  size_t n = 0;
  for (const SegFrame& f : frames)
    for (uint8_t v : f.mask) n += v != 0;
  return n;
}

void writeSegmentation(const std::filesystem::path& path, const SourceContext& src, const CtGrid& grid,
                       const std::vector<SegmentMask>& masks, const SegWriteOptions& o) {
  if (grid.rows <= 0 || grid.columns <= 0 || grid.slices.empty())
    throw Error(ErrorCode::Output, path.string(), "cannot write the SEG: the CT grid is empty");
  const std::string version = o.software_version.empty() ? std::string("unknown") : o.software_version;
  IODGeneralEquipmentModule::EquipmentInfo equipment(o.manufacturer.c_str(), "recap", "1", version.c_str());
  ContentIdentificationMacro content("1", "LESIONS", "Lesions delineated by recap", "recap^");
  DcmSegmentation* raw = nullptr;
  check(DcmSegmentation::createBinarySegmentation(raw, Uint16(grid.rows), Uint16(grid.columns), equipment, content),
        path, "create");
  std::unique_ptr<DcmSegmentation> seg(raw);

  // Patient, study and frame of reference from the source CT.
  DcmItem source;
  source.putAndInsertString(DCM_PatientName, src.patient_name.c_str());
  source.putAndInsertString(DCM_PatientID, src.patient_id.c_str());
  source.putAndInsertString(DCM_PatientBirthDate, src.patient_birth_date.c_str());
  source.putAndInsertString(DCM_PatientSex, src.patient_sex.c_str());
  source.putAndInsertString(DCM_StudyInstanceUID, src.study_uid.c_str());
  source.putAndInsertString(DCM_StudyDate, src.study_date.c_str());
  source.putAndInsertString(DCM_StudyTime, src.study_time.c_str());
  source.putAndInsertString(DCM_StudyID, src.study_id.c_str());
  source.putAndInsertString(DCM_StudyDescription, src.study_description.c_str());
  source.putAndInsertString(DCM_AccessionNumber, src.accession_number.c_str());
  source.putAndInsertString(DCM_ReferringPhysicianName, src.referring_physician.c_str());
  source.putAndInsertString(DCM_FrameOfReferenceUID, src.frame_of_reference_uid.c_str());
  source.putAndInsertString(DCM_PositionReferenceIndicator, "");
  source.putAndInsertString(DCM_SpecificCharacterSet, "ISO_IR 100");
  check(seg->importFromSourceImage(source), path, "patient and study");
  check(seg->getSeries().setSeriesInstanceUID(o.series_uid.empty() ? newUid().c_str() : o.series_uid.c_str()), path, "series");
  check(seg->getSeries().setSeriesNumber(std::to_string(o.series_number).c_str()), path, "series number");
  check(seg->getSeries().setSeriesDescription(o.series_description.c_str()), path, "series description");
  if (!o.sop_instance_uid.empty()) check(seg->getSOPCommon().setSOPInstanceUID(o.sop_instance_uid.c_str()), path, "SOP Instance UID");

  // Shared: pixel measures and orientation of the CT.
  FGPixelMeasures measures;
  check(measures.setPixelSpacing((ds(grid.pixel_spacing[0]) + "\\" + ds(grid.pixel_spacing[1])).c_str()), path, "pixel spacing");
  const double thickness = grid.slice_thickness > 0 ? grid.slice_thickness : grid.spacing_between_slices;
  check(measures.setSliceThickness(ds(thickness > 0 ? thickness : 1.0).c_str()), path, "slice thickness");
  if (grid.spacing_between_slices > 0)
    check(measures.setSpacingBetweenSlices(ds(grid.spacing_between_slices).c_str()), path, "spacing between slices");
  check(seg->addForAllFrames(measures), path, "pixel measures");
  const auto& d = grid.orientation;
  std::unique_ptr<FGPlaneOrientationPatient> orientation(FGPlaneOrientationPatient::createMinimal(
      ds(d[0]).c_str(), ds(d[1]).c_str(), ds(d[2]).c_str(), ds(d[3]).c_str(), ds(d[4]).c_str(), ds(d[5]).c_str()));
  if (!orientation) throw Error(ErrorCode::Output, path.string(), "cannot build the SEG: plane orientation");
  check(seg->addForAllFrames(*orientation), path, "plane orientation");

  const std::string dimension_uid = newUid();
  IODMultiframeDimensionModule& dims = seg->getDimensions();
  check(dims.addDimensionIndex(DCM_ReferencedSegmentNumber, dimension_uid.c_str(), DCM_SegmentIdentificationSequence,
                               "ReferencedSegmentNumber"), path, "dimension index");
  check(dims.addDimensionIndex(DCM_ImagePositionPatient, dimension_uid.c_str(), DCM_PlanePositionSequence,
                               "ImagePositionPatient"), path, "dimension index");

  IODReferences references;
  std::vector<bool> referenced(grid.slices.size(), false);
  const size_t plane = size_t(grid.rows) * size_t(grid.columns);
  std::vector<Uint8> frame(plane);
  for (size_t s = 0; s < masks.size(); ++s) {
    const SegmentMask& m = masks[s];
    DcmSegment* segment = nullptr;
    check(DcmSegment::create(segment, m.label.c_str(), macro(codes::kMorphologicallyAbnormal),
                             macro(m.nodal ? codes::kLymphNode : codes::kNeoplasm), DcmSegTypes::SAT_AUTOMATIC, "recap"),
          path, "segment " + m.label);
    if (!m.tracking_uid.empty()) {
      check(segment->setTrackingID(m.label.c_str()), path, "tracking id of " + m.label);
      check(segment->setTrackingUID(m.tracking_uid.c_str()), path, "tracking uid of " + m.label);
    }
    Uint16 number = 0;
    check(seg->addSegment(segment, number), path, "segment " + m.label);
    if (m.mask.size() != size_t(m.size[0] * m.size[1] * m.size[2]))
      throw Error(ErrorCode::Output, path.string(), "cannot write the SEG: mask of " + m.label + " does not match its box");
    for (long k = 0; k < m.size[2]; ++k) {
      const long slice = m.offset[2] + k;
      if (slice < 0 || slice >= long(grid.slices.size())) continue;
      std::fill(frame.begin(), frame.end(), 0);
      size_t set = 0;
      for (long j = 0; j < m.size[1]; ++j)
        for (long i = 0; i < m.size[0]; ++i) {
          const long c = m.offset[0] + i, r = m.offset[1] + j;
          if (c < 0 || r < 0 || c >= grid.columns || r >= grid.rows) continue;
          if (m.mask[size_t((k * m.size[1] + j) * m.size[0] + i)]) {
            frame[size_t(r) * size_t(grid.columns) + size_t(c)] = 1;
            ++set;
          }
        }
      if (set == 0) continue;
      const CtGrid::Slice& sl = grid.slices[size_t(slice)];
      referenced[size_t(slice)] = true;
      FGPlanePosPatient* pos =
          FGPlanePosPatient::createMinimal(ds(sl.position[0]).c_str(), ds(sl.position[1]).c_str(), ds(sl.position[2]).c_str());
      FGFrameContent* fc = new FGFrameContent();
      fc->setDimensionIndexValues(number, 0);
      fc->setDimensionIndexValues(Uint32(slice + 1), 1);
      OFVector<ImageSOPInstanceReferenceMacro> derivation(1);
      derivation[0].setReferencedSOPClassUID(sl.ref.sop_class_uid.c_str());
      derivation[0].setReferencedSOPInstanceUID(sl.ref.sop_instance_uid.c_str());
      FGDerivationImage* der = FGDerivationImage::createMinimal(derivation, "Lesion delineated by recap",
                                                                macro(codes::kSegmentationDerivation),
                                                                macro(codes::kSourceForProcessing));
      OFVector<FGBase*> groups;
      groups.push_back(pos);
      groups.push_back(fc);
      groups.push_back(der);
      const OFCondition added = pos && der ? seg->addFrame(frame.data(), number, groups) : EC_MemoryExhausted;
      for (FGBase* g : groups) delete g;
      check(added, path, "frame of " + m.label);
    }
  }
  if (seg->getNumberOfFrames() == 0)
    throw Error(ErrorCode::Output, path.string(), "cannot write the SEG: no segment has a voxel on the CT grid");
  for (size_t k = 0; k < grid.slices.size(); ++k)
    if (referenced[k]) {
      // IODReferences takes the reference only if it is valid; else it stays ours (it leaked here
      // when the CT series UID was empty: found by the suite under LeakSanitizer).
      auto ref = std::make_unique<IODImageReference>(src.patient_id.c_str(), src.study_uid.c_str(),
                                                     src.ct_series_uid.c_str(),
                                                     grid.slices[k].ref.sop_instance_uid.c_str(),
                                                     grid.slices[k].ref.sop_class_uid.c_str());
      if (!references.add(ref.get()))
        throw Error(ErrorCode::Output, path.string(),
                    "cannot build the SEG: invalid reference to the CT slice " + grid.slices[k].ref.sop_instance_uid +
                        " (study '" + src.study_uid + "', CT series '" + src.ct_series_uid + "')");
      ref.release();  // now owned by `references`
    }
  seg->getCommonInstanceReference().addReferences(references, src.study_uid.c_str());

  const std::filesystem::path tmp = temporarySibling(path);
  const OFCondition saved = seg->saveFile(tmp.c_str(), EXS_LittleEndianExplicit);
  if (saved.bad()) {
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    throw Error(ErrorCode::Output, path.string(), std::string("cannot write the SEG: ") + saved.text());
  }
  commitFile(tmp, path);
}

Segmentation readSegmentation(const std::filesystem::path& path) {
  const std::string p = path.string();
  if (!std::filesystem::is_regular_file(path)) throw Error(ErrorCode::NoInput, p, "SEG file not found");
  DcmFileFormat file;
  OFCondition loaded = file.loadFile(p.c_str());
  if (loaded.bad()) throw Error(ErrorCode::CorruptInput, p, std::string("cannot read the DICOM file: ") + loaded.text());
  OFString sop_class;
  file.getDataset()->findAndGetOFString(DCM_SOPClassUID, sop_class);
  if (sop_class != codes::kSegStorage)
    throw Error(ErrorCode::Unsupported, p, "not a DICOM Segmentation (SOP Class " + std::string(sop_class.c_str()) + ")");
  Uint16 rows = 0, cols = 0;
  file.getDataset()->findAndGetUint16(DCM_Rows, rows);
  file.getDataset()->findAndGetUint16(DCM_Columns, cols);
  DcmSegmentation* raw = nullptr;
  loaded = DcmSegmentation::loadDataset(*file.getDataset(), raw);
  std::unique_ptr<DcmSegmentation> seg(raw);
  if (loaded.bad() || !seg) throw Error(ErrorCode::CorruptInput, p, std::string("cannot read the SEG: ") + loaded.text());
  if (seg->getSegmentationType() != DcmSegTypes::ST_BINARY)
    throw Error(ErrorCode::Unsupported, p, "only binary segmentations are read (this one is fractional)");
  Segmentation out;
  OFString s;
  seg->getSOPCommon().getSOPInstanceUID(s);
  out.sop_instance_uid = s.c_str();
  seg->getSeries().getSeriesInstanceUID(s);
  out.series_uid = s.c_str();
  seg->getStudy().getStudyInstanceUID(s);
  out.study_uid = s.c_str();
  seg->getFrameOfReference().getFrameOfReferenceUID(s);
  out.frame_of_reference_uid = s.c_str();
  seg->getPatient().getPatientID(s);
  out.patient_id = s.c_str();
  DcmItem* series_ref = nullptr;
  if (file.getDataset()->findAndGetSequenceItem(DCM_ReferencedSeriesSequence, series_ref, 0).good() && series_ref &&
      series_ref->findAndGetOFString(DCM_SeriesInstanceUID, s).good())
    out.referenced_series_uid = s.c_str();
  out.rows = rows;
  out.columns = cols;
  FGInterface& fg = seg->getFunctionalGroups();
  if (auto* po = dynamic_cast<FGPlaneOrientationPatient*>(fg.get(0, DcmFGTypes::EFG_PLANEORIENTPATIENT)))
    for (int i = 0; i < 6; ++i) {
      OFString v;
      po->getImageOrientationPatient(v, i);
      out.orientation[size_t(i)] = std::atof(v.c_str());
    }
  if (auto* pm = dynamic_cast<FGPixelMeasures*>(fg.get(0, DcmFGTypes::EFG_PIXELMEASURES))) {
    Float64 v = 0;
    if (pm->getPixelSpacing(v, 0).good()) out.pixel_spacing[0] = v;
    if (pm->getPixelSpacing(v, 1).good()) out.pixel_spacing[1] = v;
  }
  for (size_t n = 1; n <= seg->getNumberOfSegments(); ++n) {
    DcmSegment* sg = seg->getSegment(n);
    if (!sg) continue;
    SegSegment o;
    o.number = int(n);
    sg->getSegmentLabel(s);
    o.label = s.c_str();
    sg->getTrackingID(s);
    o.tracking_id = s.c_str();
    sg->getTrackingUID(s);
    o.tracking_uid = s.c_str();
    sg->getSegmentedPropertyTypeCode().getCodeValue(s);
    o.property_type_code = s.c_str();
    out.segments.push_back(std::move(o));
  }
  for (size_t f = 0; f < seg->getNumberOfFrames(); ++f) {
    auto* fs = dynamic_cast<FGSegmentation*>(fg.get(Uint32(f), DcmFGTypes::EFG_SEGMENTATION));
    Uint16 number = 0;
    if (!fs || fs->getReferencedSegmentNumber(number).bad())
      throw Error(ErrorCode::CorruptInput, p, "frame " + std::to_string(f + 1) + " has no referenced segment number");
    SegSegment* target = nullptr;
    for (SegSegment& sg : out.segments)
      if (sg.number == number) target = &sg;
    if (!target) throw Error(ErrorCode::CorruptInput, p, "frame " + std::to_string(f + 1) + " refers to missing segment " + std::to_string(number));
    SegFrame frame;
    if (auto* pp = dynamic_cast<FGPlanePosPatient*>(fg.get(Uint32(f), DcmFGTypes::EFG_PLANEPOSPATIENT)))
      pp->getImagePositionPatient(frame.position[0], frame.position[1], frame.position[2]);
    if (auto* di = dynamic_cast<FGDerivationImage*>(fg.get(Uint32(f), DcmFGTypes::EFG_DERIVATIONIMAGE)))
      for (DerivationImageItem* item : di->getDerivationImageItems())
        for (SourceImageItem* src : item->getSourceImageItems()) {
          src->getImageSOPInstanceReference().getReferencedSOPInstanceUID(s);
          frame.source_sop_instance_uid = s.c_str();
        }
    const DcmIODTypes::Frame* packed = seg->getFrame(f);
    if (!packed) throw Error(ErrorCode::CorruptInput, p, "frame " + std::to_string(f + 1) + " has no pixel data");
    std::unique_ptr<DcmIODTypes::Frame> bits(DcmSegUtils::unpackBinaryFrame(packed, rows, cols));
    if (!bits) throw Error(ErrorCode::CorruptInput, p, "frame " + std::to_string(f + 1) + " cannot be unpacked");
    frame.mask.assign(bits->pixData, bits->pixData + std::min<size_t>(bits->length, size_t(rows) * cols));
    target->frames.push_back(std::move(frame));
  }
  return out;
}

}  // namespace recap::srseg
