#include "recap/dicom/header.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcistrmf.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/oflog/oflog.h>
#include <gdcmTrace.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <vector>

namespace fs = std::filesystem;

namespace recap::dicom {

namespace {

std::string trim(std::string s) {
  auto notSpace = [](unsigned char c) { return !std::isspace(c) && c != '\0'; };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), notSpace));
  s.erase(std::find_if(s.rbegin(), s.rend(), notSpace).base(), s.end());
  return s;
}

// Elements whose value DCMTK cannot interpret: UN and OB in explicit VR, and private elements in
// implicit VR files, which DCMTK reads with an unknown VR. Their bytes are the value as written
// (for DS, IS and DT: text). Reading them through getOFString() would give a hex dump instead.
bool isRawVr(DcmEVR vr) { return vr == EVR_UN || vr == EVR_OB || vr == EVR_UNKNOWN || vr == EVR_UNKNOWN2B; }

std::string rawText(DcmElement& element) {
  Uint8* bytes = nullptr;
  if (element.getUint8Array(bytes).bad() || bytes == nullptr) return {};
  return trim(std::string(reinterpret_cast<const char*>(bytes), element.getLength()));
}

std::string getString(DcmItem& item, const DcmTagKey& key) {
  OFString value;
  if (item.findAndGetOFStringArray(key, value).good()) return trim(value.c_str());
  return {};
}

std::optional<double> parseNumber(const std::string& text) {
  std::string t = trim(text);
  if (t.empty()) return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(t.c_str(), &end);
  if (end == t.c_str() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// A numeric attribute of any VR (DS/IS text, binary FD/FL/US/SS/UL/SL, or UN holding text).
std::optional<double> getNumber(DcmItem& item, const DcmTagKey& key, unsigned long index = 0) {
  DcmElement* element = nullptr;
  if (item.findAndGetElement(key, element).bad() || element == nullptr || element->getLength() == 0)
    return std::nullopt;
  const DcmEVR vr = element->ident();
  if (isRawVr(vr)) {
    return parseNumber(rawText(*element));
  }
  if (vr == EVR_FD || vr == EVR_FL || vr == EVR_US || vr == EVR_SS || vr == EVR_UL || vr == EVR_SL) {
    Float64 f = 0;
    if (vr == EVR_FD || vr == EVR_FL) {
      if (element->getFloat64(f, index).good()) return f;
      Float32 g = 0;
      if (element->getFloat32(g, index).good()) return g;
      return std::nullopt;
    }
    OFString s;
    if (element->getOFString(s, index).good()) return parseNumber(s.c_str());
    return std::nullopt;
  }
  OFString s;
  if (element->getOFString(s, index).good()) return parseNumber(s.c_str());
  return std::nullopt;
}

template <size_t N>
std::optional<std::array<double, N>> getVector(DcmItem& item, const DcmTagKey& key) {
  std::array<double, N> out{};
  for (size_t i = 0; i < N; ++i) {
    auto v = getNumber(item, key, i);
    if (!v) return std::nullopt;
    out[i] = *v;
  }
  return out;
}

std::optional<int> getInt(DcmItem& item, const DcmTagKey& key) {
  auto v = getNumber(item, key);
  if (!v) return std::nullopt;
  return static_cast<int>(std::lround(*v));
}

// Finds the element (group, 0xXX<low>) reserved by `creator` in `group`; e.g. Philips' SUV
// factor is (7053,xx00) in the block whose creator (7053,00xx) is "Philips PET Private Group".
std::optional<DcmTagKey> privateTag(DcmItem& item, Uint16 group, const char* creator, Uint8 low) {
  // One walk over the dataset's own elements (a lookup per possible block would walk it 240 times).
  for (DcmObject* obj = item.nextInContainer(nullptr); obj != nullptr; obj = item.nextInContainer(obj)) {
    const DcmTagKey key = obj->getTag();
    if (key.getGroup() != group || key.getElement() < 0x10 || key.getElement() > 0xFF) continue;
    OFString value;
    auto* element = dynamic_cast<DcmElement*>(obj);
    if (element == nullptr || element->getOFString(value, 0).bad()) continue;
    if (trim(value.c_str()) == creator)
      return DcmTagKey(group, static_cast<Uint16>((key.getElement() << 8) | low));
  }
  return std::nullopt;
}

void readPet(DcmItem& ds, InstanceHeader& h) {
  suv::PetHeader& p = h.pet;
  p.sop_class_uid = h.sop_class_uid;
  p.manufacturer = h.manufacturer;
  p.units = getString(ds, DCM_Units);
  p.suv_type = getString(ds, DCM_SUVType);
  p.corrected_image = getString(ds, DCM_CorrectedImage);
  p.decay_correction = getString(ds, DCM_DecayCorrection);
  p.series_date = h.series_date;
  p.series_time = h.series_time;
  p.acquisition_date = h.acquisition_date;
  p.acquisition_time = h.acquisition_time;
  p.acquisition_datetime = getString(ds, DCM_AcquisitionDateTime);
  p.patient_sex = h.patient_sex;
  p.patient_weight_kg = getNumber(ds, DCM_PatientWeight);
  p.patient_size_m = getNumber(ds, DCM_PatientSize);
  p.frame_reference_time_ms = getNumber(ds, DCM_FrameReferenceTime);
  p.actual_frame_duration_ms = getNumber(ds, DCM_ActualFrameDuration);
  DcmItem* rp = nullptr;
  if (ds.findAndGetSequenceItem(DCM_RadiopharmaceuticalInformationSequence, rp, 0).good() && rp != nullptr) {
    p.radiopharmaceutical_start_time = getString(*rp, DCM_RadiopharmaceuticalStartTime);
    p.radiopharmaceutical_start_datetime = getString(*rp, DCM_RadiopharmaceuticalStartDateTime);
    p.radionuclide_total_dose = getNumber(*rp, DCM_RadionuclideTotalDose);
    p.radionuclide_half_life_s = getNumber(*rp, DCM_RadionuclideHalfLife);
  }
  if (auto tag = privateTag(ds, 0x7053, "Philips PET Private Group", 0x00)) p.philips_suv_factor = getNumber(ds, *tag);
  if (auto tag = privateTag(ds, 0x7053, "Philips PET Private Group", 0x09))
    p.philips_activity_factor = getNumber(ds, *tag);
  if (auto tag = privateTag(ds, 0x0009, "GEMS_PETD_01", 0x0D)) {
    DcmElement* e = nullptr;
    if (ds.findAndGetElement(*tag, e).good() && e != nullptr) {
      if (isRawVr(e->ident())) {
        p.ge_scan_datetime = rawText(*e);
      } else {
        OFString s;
        if (e->getOFStringArray(s).good()) p.ge_scan_datetime = trim(s.c_str());
      }
    }
  }
}

void fillHeader(DcmFileFormat& file, InstanceHeader& h) {
  DcmItem& ds = *file.getDataset();
  DcmMetaInfo& meta = *file.getMetaInfo();
  h.transfer_syntax_uid = getString(meta, DCM_TransferSyntaxUID);
  if (h.transfer_syntax_uid.empty()) h.transfer_syntax_uid = DcmXfer(file.getDataset()->getOriginalXfer()).getXferID();
  h.sop_class_uid = getString(ds, DCM_SOPClassUID);
  if (h.sop_class_uid.empty()) h.sop_class_uid = getString(meta, DCM_MediaStorageSOPClassUID);
  h.sop_instance_uid = getString(ds, DCM_SOPInstanceUID);
  h.modality = getString(ds, DCM_Modality);
  h.patient_id = getString(ds, DCM_PatientID);
  h.patient_name = getString(ds, DCM_PatientName);
  h.patient_sex = getString(ds, DCM_PatientSex);
  h.patient_birth_date = getString(ds, DCM_PatientBirthDate);
  h.study_uid = getString(ds, DCM_StudyInstanceUID);
  h.study_date = getString(ds, DCM_StudyDate);
  h.study_time = getString(ds, DCM_StudyTime);
  h.study_description = getString(ds, DCM_StudyDescription);
  h.accession_number = getString(ds, DCM_AccessionNumber);
  h.series_uid = getString(ds, DCM_SeriesInstanceUID);
  h.series_description = getString(ds, DCM_SeriesDescription);
  h.series_date = getString(ds, DCM_SeriesDate);
  h.series_time = getString(ds, DCM_SeriesTime);
  h.series_number = getInt(ds, DCM_SeriesNumber);
  h.frame_of_reference_uid = getString(ds, DCM_FrameOfReferenceUID);
  h.image_type = getString(ds, DCM_ImageType);
  h.instance_number = getInt(ds, DCM_InstanceNumber);
  h.manufacturer = getString(ds, DCM_Manufacturer);
  h.model = getString(ds, DCM_ManufacturerModelName);
  h.convolution_kernel = getString(ds, DCM_ConvolutionKernel);
  h.patient_position = getString(ds, DCM_PatientPosition);
  h.body_part = getString(ds, DCM_BodyPartExamined);
  h.acquisition_date = getString(ds, DCM_AcquisitionDate);
  h.acquisition_time = getString(ds, DCM_AcquisitionTime);
  h.rows = getInt(ds, DCM_Rows).value_or(0);
  h.cols = getInt(ds, DCM_Columns).value_or(0);
  h.samples_per_pixel = getInt(ds, DCM_SamplesPerPixel).value_or(1);
  h.number_of_frames = getInt(ds, DCM_NumberOfFrames).value_or(1);
  h.bits_allocated = getInt(ds, DCM_BitsAllocated).value_or(0);
  h.bits_stored = getInt(ds, DCM_BitsStored).value_or(h.bits_allocated);
  h.high_bit = getInt(ds, DCM_HighBit).value_or(h.bits_stored - 1);
  h.pixel_representation = getInt(ds, DCM_PixelRepresentation).value_or(0);
  h.photometric = getString(ds, DCM_PhotometricInterpretation);
  h.position = getVector<3>(ds, DCM_ImagePositionPatient);
  h.orientation = getVector<6>(ds, DCM_ImageOrientationPatient);
  h.pixel_spacing = getVector<2>(ds, DCM_PixelSpacing);
  h.slice_thickness = getNumber(ds, DCM_SliceThickness);
  h.rescale_slope = getNumber(ds, DCM_RescaleSlope).value_or(1.0);
  h.rescale_intercept = getNumber(ds, DCM_RescaleIntercept).value_or(0.0);
  if (h.modality == "PT") readPet(ds, h);
}

// Part 10 files carry "DICM" at byte 128. Files without the preamble are accepted only if they
// start like a little-endian dataset (group 0x0008 or 0x0002 first), as old exports do.
enum class Sniff { Part10, RawDataset, Other };

Sniff sniff(const char* buf, long n) {
  if (n == 132 && std::memcmp(buf + 128, "DICM", 4) == 0) return Sniff::Part10;
  if (n >= 8) {
    const unsigned group = static_cast<unsigned char>(buf[0]) | (static_cast<unsigned char>(buf[1]) << 8);
    const unsigned element = static_cast<unsigned char>(buf[2]) | (static_cast<unsigned char>(buf[3]) << 8);
    if ((group == 0x0008 || group == 0x0002) && element < 0x0100) return Sniff::RawDataset;
  }
  return Sniff::Other;
}


// The file meta information element whose VR is not a DICOM VR, if any. DCMTK reads past such an
// element; GDCM, which decodes the pixel data, aborts the process on it (an assertion in
// gdcm::ReadExplicitDataElement, found by fuzz/volume_fuzz.cpp), so recap refuses the file here.
std::optional<DcmTagKey> invalidMetaVr(DcmFileFormat& file) {
  DcmMetaInfo* meta = file.getMetaInfo();
  if (!meta) return std::nullopt;
  for (unsigned long i = 0; i < meta->card(); ++i) {
    DcmElement* e = meta->getElement(i);
    if (e && !e->getTag().getVR().isStandard()) return DcmTagKey(e->getTag());
  }
  return std::nullopt;
}

// The data set element whose VR, as written in an explicit VR file, is not a DICOM VR, if any
// (DCMTK reads it as an unknown VR, '??'). GDCM, which decodes the pixel data, parses such an
// element differently: a PixelSpacing written with the VR 'D5' in an 8 KB RLE slice made it
// allocate and touch 1.5 GB and spend 7 s per slice (fuzz/volume_fuzz.cpp; a series of them would
// have held a run for an hour), so recap refuses the file here. In implicit VR files DCMTK gives
// unknown private elements an unknown VR too, and those are legitimate: only explicit VR is checked.
std::optional<DcmTagKey> invalidDatasetVr(DcmDataset& ds) {
  if (!DcmXfer(ds.getOriginalXfer()).isExplicitVR()) return std::nullopt;
  DcmStack stack;
  while (ds.nextObject(stack, OFTrue).good()) {
    const DcmEVR vr = stack.top()->ident();
    if (vr == EVR_UNKNOWN || vr == EVR_UNKNOWN2B) return DcmTagKey(stack.top()->getTag());
  }
  return std::nullopt;
}

// The image attributes GDCM reads with a fixed VR when it decodes the slice (the image pixel module;
// the geometry gdcm::ImageHelper reads for origin, direction and spacing; the rescale): written
// with another VR (an explicit VR file can say anything), GDCM aborts the process on an assertion
// in gdcm::Attribute::SetFromDataElement (found by fuzz/volume_fuzz.cpp: HighBit as FL,
// ImagePositionPatient as LO), so recap refuses the file. Only attributes with one VR in the
// dictionary are listed (a US-or-SS attribute may be either).
std::optional<DcmTagKey> imageAttributeWithWrongVr(DcmDataset& ds) {
  static const DcmTagKey keys[] = {
      DCM_SamplesPerPixel,  DCM_PhotometricInterpretation, DCM_PlanarConfiguration, DCM_NumberOfFrames,
      DCM_Rows,             DCM_Columns,                   DCM_BitsAllocated,       DCM_BitsStored,
      DCM_HighBit,          DCM_PixelRepresentation,       DCM_ImagePositionPatient, DCM_ImageOrientationPatient,
      DCM_PixelSpacing,     DCM_ImagerPixelSpacing,        DCM_NominalScannedPixelSpacing,
      DCM_SpacingBetweenSlices, DCM_SliceThickness,        DCM_PixelAspectRatio,    DCM_RescaleIntercept,
      DCM_RescaleSlope,     DCM_RescaleType,               DCM_LossyImageCompression, DCM_FrameIncrementPointer};
  for (const DcmTagKey& key : keys) {
    DcmElement* e = nullptr;
    if (ds.findAndGetElement(key, e, OFFalse).bad() || !e) continue;
    if (e->getTag().getEVR() != DcmTag(key).getEVR()) return key;
  }
  return std::nullopt;
}


// DCMTK parses nested sequences recursively, one stack frame chain per level: a file with tens of
// thousands of nested sequences overflowed the stack and killed recap (SIGSEGV). This stream hands
// DCMTK the file's bytes and counts, on the way, how deeply items are nested: an item start
// (FFFE,E000) with undefined length opens a level that its item delimitation (FFFE,E00D) closes;
// one with a defined length opens a level that ends where its value ends. The count runs on the
// bytes DCMTK parses, after inflation for deflated files (the stream's read, above DCMTK's zlib
// filter), little endian as every transfer syntax recap reads except the retired big endian. Past
// kMaxNesting the stream ends, so DCMTK stops with an error and the file is unreadable.
constexpr int kMaxNesting = 64;

class NestingLimitedStream : public DcmInputStream {
 public:
  explicit NestingLimitedStream(const char* file)
      : DcmInputStream(&producer_), producer_(OFFilename(file)), file_(file) {}
  DcmInputStreamFactory* newFactory() const override {
    return currentProducer() == &producer_ ? new DcmInputFileStreamFactory(file_, tell()) : nullptr;
  }
  OFBool eos() override { return too_deep_ || DcmInputStream::eos(); }
  offile_off_t avail() override { return too_deep_ ? 0 : DcmInputStream::avail(); }
  offile_off_t read(void* buf, offile_off_t buflen) override {
    if (too_deep_) return 0;
    const offile_off_t start = tell();
    const offile_off_t n = DcmInputStream::read(buf, buflen);
    const auto* b = static_cast<const unsigned char*>(buf);
    for (offile_off_t i = 0; i < n && !too_deep_; ++i) {
      const offile_off_t at = start + i;
      if (at < scanned_) continue;  // bytes read again after a putback are counted once
      count(at, b[i]);
      scanned_ = at + 1;
    }
    return too_deep_ ? 0 : n;
  }
  offile_off_t skip(offile_off_t len) override {
    const offile_off_t n = DcmInputStream::skip(len);
    if (tell() > scanned_) {  // skipped bytes (long values) hold no item headers
      scanned_ = tell();
      window_ = 0;
      seen_ = 0;
    }
    return n;
  }
  bool tooDeep() const { return too_deep_; }

 private:
  // Byte `at` of the stream is `byte`; window_ holds the last 8 bytes, the newest in the low byte.
  void count(offile_off_t at, unsigned char byte) {
    while (!ends_.empty() && at >= ends_.back()) ends_.pop_back();
    window_ = (window_ << 8) | byte;
    ++seen_;
    if (seen_ >= 8 && (window_ >> 32) == 0xfeff00e0ULL) {
      const uint32_t length = static_cast<uint32_t>((window_ & 0xff) << 24 | ((window_ >> 8) & 0xff) << 16 |
                                                    ((window_ >> 16) & 0xff) << 8 | ((window_ >> 24) & 0xff));
      if (length == 0xffffffffu) {
        ++open_;
      } else if (length > 0) {
        ends_.push_back(at + 1 + static_cast<offile_off_t>(length));
      }
      if (open_ + static_cast<int>(ends_.size()) > kMaxNesting) too_deep_ = true;
    }
    if (seen_ >= 4 && (window_ & 0xffffffffULL) == 0xfeff0de0ULL && open_ > 0) --open_;
  }

  DcmFileProducer producer_;
  OFFilename file_;
  offile_off_t scanned_ = 0;
  unsigned long long window_ = 0;
  unsigned long long seen_ = 0;
  int open_ = 0;                      // undefined-length items open
  std::vector<offile_off_t> ends_;    // where the open defined-length items end
  bool too_deep_ = false;
};

}  // namespace

void quietLibraries() {
  static std::once_flag once;
  std::call_once(once, [] {
    OFLog::configure(OFLogger::OFF_LOG_LEVEL);
    gdcm::Trace::SetDebug(false);
    gdcm::Trace::SetWarning(false);
    gdcm::Trace::SetError(false);
  });
}

bool hasValue(const std::string& values, const std::string& token) {
  size_t start = 0;
  while (start <= values.size()) {
    size_t end = values.find('\\', start);
    if (end == std::string::npos) end = values.size();
    std::string v = trim(values.substr(start, end - start));
    if (v.size() == token.size() &&
        std::equal(v.begin(), v.end(), token.begin(), [](char a, char b) { return std::toupper(a) == std::toupper(b); }))
      return true;
    start = end + 1;
  }
  return false;
}

ReadResult readHeader(const fs::path& path) {
  ReadResult result;
  result.header.path = path;
  // One open and one pass per file: the first 132 bytes are looked at through DCMTK's own stream
  // (mark, read, putback) and the same stream is then parsed.
  NestingLimitedStream stream(path.c_str());
  if (stream.status().bad()) {
    result.outcome = ReadOutcome::Unreadable;
    result.problem = std::string("cannot open the file: ") + stream.status().text();
    return result;
  }
  char head[132] = {};
  stream.mark();
  const long n = long(stream.read(head, sizeof head));
  stream.putback();
  const Sniff kind = sniff(head, n);
  if (kind == Sniff::Other) return result;  // NotDicom

  quietLibraries();
  // Values longer than 4 KiB (the pixel data) are not read, only skipped, but their lengths are
  // checked against the file: a truncated file is found here, by its path, without decoding it.
  DcmFileFormat file;
  OFCondition status;
  if (kind == Sniff::Part10) {
    file.setReadMode(ERM_fileOnly);
    file.transferInit();
    status = file.read(stream, EXS_Unknown, EGL_noChange, 4096);
    file.transferEnd();
  } else {
    DcmDataset* ds = file.getDataset();
    ds->transferInit();
    status = ds->read(stream, EXS_Unknown, EGL_noChange, 4096);
    ds->transferEnd();
  }
  if (stream.tooDeep()) {
    result.outcome = ReadOutcome::Unreadable;
    result.problem = "sequences nested more than " + std::to_string(kMaxNesting) + " deep (corrupt or hostile file)";
    return result;
  }
  if (status.bad()) {
    result.outcome = ReadOutcome::Unreadable;
    result.problem = status == EC_StreamNotifyClient || status == EC_InvalidStream
                         ? std::string("file is truncated or corrupt (") + status.text() + ")"
                         : std::string("cannot parse the DICOM file: ") + status.text();
    return result;
  }
  if (const auto bad = invalidMetaVr(file)) {
    result.outcome = ReadOutcome::Unreadable;
    result.problem = "file meta information element " + std::string(bad->toString().c_str()) +
                     " has an invalid VR (corrupt header)";
    return result;
  }
  if (const auto bad = invalidDatasetVr(*file.getDataset())) {
    result.outcome = ReadOutcome::Unreadable;
    result.problem = "element " + std::string(bad->toString().c_str()) +
                     " is written with a VR that is not a DICOM VR (corrupt header)";
    return result;
  }
  if (const auto bad = imageAttributeWithWrongVr(*file.getDataset())) {
    result.outcome = ReadOutcome::Unreadable;
    result.problem = "image attribute " + std::string(bad->toString().c_str()) +
                     " is written with a wrong VR (corrupt header)";
    return result;
  }
  InstanceHeader& h = result.header;
  fillHeader(file, h);
  h.has_pixel_data = file.getDataset()->tagExists(DCM_PixelData);
  if (h.sop_class_uid == UID_MediaStorageDirectoryStorage) {
    result.outcome = ReadOutcome::Directory;
    return result;
  }
  if (h.sop_instance_uid.empty() && h.series_uid.empty()) {
    result.outcome = ReadOutcome::Unreadable;
    result.problem = "no SOP Instance UID (0008,0018) or Series Instance UID (0020,000E): not a usable DICOM instance";
    return result;
  }
  result.outcome = ReadOutcome::Ok;
  return result;
}

namespace {
// The transfer syntaxes recap decodes: a name, and how the pixel data is stored (native, or
// encapsulated: a sequence of items holding a codestream of one of these families).
enum class Stored { Native, Rle, Jpeg, JpegLs, Jpeg2000 };
struct SyntaxInfo {
  const char* name;
  Stored stored = Stored::Native;
};

const std::map<std::string, SyntaxInfo>& syntaxes() {
  static const std::map<std::string, SyntaxInfo> table = {
      {"1.2.840.10008.1.2", {"implicit-little"}},
      {"1.2.840.10008.1.2.1", {"explicit-little"}},
      {"1.2.840.10008.1.2.1.99", {"deflated"}},
      {"1.2.840.10008.1.2.2", {"explicit-big"}},
      {"1.2.840.10008.1.2.4.57", {"jpeg-lossless-p14", Stored::Jpeg}},
      {"1.2.840.10008.1.2.4.70", {"jpeg-lossless-sv1", Stored::Jpeg}},
      {"1.2.840.10008.1.2.4.50", {"jpeg-baseline", Stored::Jpeg}},
      {"1.2.840.10008.1.2.4.51", {"jpeg-extended", Stored::Jpeg}},
      {"1.2.840.10008.1.2.4.80", {"jpeg-ls-lossless", Stored::JpegLs}},
      {"1.2.840.10008.1.2.4.81", {"jpeg-ls-near-lossless", Stored::JpegLs}},
      {"1.2.840.10008.1.2.4.90", {"jpeg2000-lossless", Stored::Jpeg2000}},
      {"1.2.840.10008.1.2.4.91", {"jpeg2000", Stored::Jpeg2000}},
      {"1.2.840.10008.1.2.5", {"rle", Stored::Rle}},
  };
  return table;
}

const SyntaxInfo* syntax(const std::string& uid) {
  auto it = syntaxes().find(uid);
  return it == syntaxes().end() ? nullptr : &it->second;
}
}  // namespace

bool isSupportedTransferSyntax(const std::string& uid) { return syntax(uid) != nullptr; }

bool isEncapsulatedTransferSyntax(const std::string& uid) {
  const SyntaxInfo* s = syntax(uid);
  return s && s->stored != Stored::Native;
}

bool isJpeg2000TransferSyntax(const std::string& uid) {
  const SyntaxInfo* s = syntax(uid);
  return s && s->stored == Stored::Jpeg2000;
}

bool isJpegLsTransferSyntax(const std::string& uid) {
  const SyntaxInfo* s = syntax(uid);
  return s && s->stored == Stored::JpegLs;
}

bool isJpegTransferSyntax(const std::string& uid) {
  const SyntaxInfo* s = syntax(uid);
  return s && s->stored == Stored::Jpeg;
}

std::string transferSyntaxName(const std::string& uid) {
  const SyntaxInfo* s = syntax(uid);
  return s ? s->name : "unsupported (" + uid + ")";
}

}  // namespace recap::dicom
