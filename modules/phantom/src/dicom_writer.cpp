// Synthetic CT and PET series written with DCMTK, module by module as in PS3.3 (A.3 CT Image IOD,
// A.21 PET Image IOD).
#include "recap/phantom/dicom_writer.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcvrda.h>
#include <dcmtk/dcmdata/dcvrds.h>
#include <dcmtk/dcmdata/dcvrdt.h>
#include <dcmtk/dcmdata/dcvrlo.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <random>
#include <system_error>

#include "recap/core/error.h"
#include "recap/core/files.h"

namespace recap::phantom {
namespace {

using Vec3 = std::array<double, 3>;

const char* const kCtImageStorage = "1.2.840.10008.5.1.4.1.1.2";
const char* const kPetImageStorage = "1.2.840.10008.5.1.4.1.1.128";
const char* const kPhilipsCreator = "Philips PET Private Group";
const char* const kGeCreator = "GEMS_PETD_01";
// Smallest per-slice slope, so that a slice of zeros still gets a valid, non-zero slope.
constexpr double kMinSlope = 1e-10;

[[noreturn]] void fail(ErrorCode code, const std::filesystem::path& file, const std::string& reason) {
  throw Error(code, file.string(), reason);
}

// ---------------------------------------------------------------------------------------------
// Numbers and geometry

// A Decimal String value: at most 16 characters, with up to 12 significant digits.
// std::to_chars / from_chars: independent of the global locale, unlike printf and stod.
std::string formatDs(double v) {
  if (v == 0.0 || !std::isfinite(v)) return "0";
  char buf[64];
  for (int precision = 12; precision >= 1; --precision) {
    const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, precision);
    if (r.ptr - buf <= 16) return std::string(buf, r.ptr);
  }
  return "0";
}

std::string formatDsList(const double* v, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += (i ? "\\" : "") + formatDs(v[i]);
  return out;
}

// The value a reader parses back from the Decimal String we write for `v`.
double asWritten(double v) {
  const std::string s = formatDs(v);
  double parsed = 0;
  std::from_chars(s.data(), s.data() + s.size(), parsed);
  return parsed;
}

Vec3 sliceNormal(const SeriesSpec& spec) {
  const auto& o = spec.orientation;
  return {o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5], o[0] * o[4] - o[1] * o[3]};
}

Vec3 slicePosition(const SeriesSpec& spec, int k) {
  if (!spec.positions.empty()) return spec.positions[k];
  const Vec3 n = sliceNormal(spec);
  Vec3 p;
  for (int i = 0; i < 3; ++i) p[i] = spec.first_position[i] + k * spec.slice_spacing_mm * n[i];
  return p;
}

double dot(const Vec3& a, const Vec3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }

// ---------------------------------------------------------------------------------------------
// Quantisation

struct StoredRange {
  long min, max;
};

StoredRange storedRange(const SeriesSpec& spec) {
  const int bits = spec.bits_stored;
  if (spec.pixel_signed) return {-(1L << (bits - 1)), (1L << (bits - 1)) - 1};
  return {0, (1L << bits) - 1};
}

struct Rescale {
  double slope, intercept;  // as written in the header (and thus as a reader parses them)
};

Rescale sliceRescale(const SeriesSpec& spec, const std::vector<float>& values, int k) {
  if (!spec.per_slice_slope) return {asWritten(spec.rescale_slope), asWritten(spec.rescale_intercept)};
  const size_t n = static_cast<size_t>(spec.cols) * spec.rows;
  const auto first = values.begin() + static_cast<std::ptrdiff_t>(k * n);
  double max_abs = 0;
  for (auto it = first; it != first + static_cast<std::ptrdiff_t>(n); ++it)
    max_abs = std::max(max_abs, std::fabs(static_cast<double>(*it)));
  return {asWritten(std::max(max_abs / static_cast<double>(storedRange(spec).max), kMinSlope)), 0.0};
}

long quantise(double value, const Rescale& r, const StoredRange& range) {
  const double s = std::round((value - r.intercept) / r.slope);
  if (!(s >= range.min)) return range.min;  // also catches NaN
  if (s > range.max) return range.max;
  return static_cast<long>(s);
}

// ---------------------------------------------------------------------------------------------
// Validation and per-slice attributes

void validate(const SeriesSpec& spec, const std::vector<float>& values) {
  auto bad = [&](const std::string& why) {
    fail(ErrorCode::Internal, spec.series_uid, "invalid series spec: " + why);
  };
  if (spec.series_uid.empty()) bad("series_uid is empty");
  if (spec.frame_of_reference_uid.empty()) bad("frame_of_reference_uid is empty");
  if (spec.cols < 1 || spec.rows < 1 || spec.slices < 1) bad("cols, rows and slices must be positive");
  if (spec.cols > 65535 || spec.rows > 65535 || spec.slices > 65535) bad("cols, rows and slices must fit in US");
  if (spec.bits_stored != 12 && spec.bits_stored != 16) bad("bits_stored must be 12 or 16");
  if (!spec.per_slice_slope && !(asWritten(spec.rescale_slope) != 0.0)) bad("rescale_slope must be non-zero");
  const size_t expected = static_cast<size_t>(spec.cols) * spec.rows * spec.slices;
  if (values.size() != expected)
    bad(std::to_string(values.size()) + " values for " + std::to_string(expected) + " voxels");
  if (!spec.positions.empty() && spec.positions.size() != static_cast<size_t>(spec.slices))
    bad("positions must have one entry per slice");
  const size_t times = spec.acquisition_times.size();
  if (times > 1 && times != static_cast<size_t>(spec.slices))
    bad("acquisition_times must be empty, or have one entry, or one per slice");
  if (!spec.instance_numbers.empty() && spec.instance_numbers.size() != static_cast<size_t>(spec.slices))
    bad("instance_numbers must be empty or have one entry per slice");
}

bool isPet(const SeriesSpec& spec) { return spec.modality == "PT"; }

std::string sopClassUid(const SeriesSpec& spec) {
  if (!spec.sop_class_uid.empty()) return spec.sop_class_uid;
  return isPet(spec) ? kPetImageStorage : kCtImageStorage;
}

std::string sopInstanceUid(const SeriesSpec& spec, int k) {
  return spec.series_uid + "." + std::to_string(k + 1);
}

int instanceNumber(const SeriesSpec& spec, int k) {
  return spec.instance_numbers.empty() ? k + 1 : spec.instance_numbers[k];
}

struct DateTime {
  std::string date, time;
};

DateTime acquisitionDateTime(const SeriesSpec& spec, int k) {
  const auto& t = spec.acquisition_times;
  if (t.empty()) return {spec.series_date, spec.series_time};
  return {spec.acquisition_date, t.size() == 1 ? t[0] : t[k]};
}

// ---------------------------------------------------------------------------------------------
// File names

// Fisher-Yates with mt19937's raw output, which (unlike std::shuffle) is the same everywhere.
std::vector<int> permutation(int n, std::mt19937& rng) {
  std::vector<int> p(n);
  for (int i = 0; i < n; ++i) p[i] = i;
  for (int i = n - 1; i > 0; --i) std::swap(p[i], p[rng() % static_cast<unsigned>(i + 1)]);
  return p;
}

// n distinct 8-hex-digit names such that sorting them by name gives neither slice order nor (for
// n > 2) its reverse.
std::vector<std::string> shuffledNames(int n, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<std::string> sorted;
  while (static_cast<int>(sorted.size()) < n) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(rng()));
    if (std::find(sorted.begin(), sorted.end(), buf) == sorted.end()) sorted.emplace_back(buf);
  }
  std::sort(sorted.begin(), sorted.end());
  auto ordered = [n](const std::vector<int>& p) {
    bool identity = true, reverse = true;
    for (int i = 0; i < n; ++i) {
      identity = identity && p[i] == i;
      reverse = reverse && p[i] == n - 1 - i;
    }
    return identity || (reverse && n > 2);
  };
  std::vector<int> p = permutation(n, rng);
  for (int attempt = 0; n > 1 && ordered(p) && attempt < 100; ++attempt) p = permutation(n, rng);
  std::vector<std::string> names(n);
  for (int k = 0; k < n; ++k) names[k] = sorted[p[k]];
  return names;
}

std::vector<std::string> fileNames(const SeriesSpec& spec) {
  if (spec.naming == FileNaming::Shuffled) return shuffledNames(spec.slices, spec.seed);
  std::vector<std::string> names(spec.slices);
  for (int k = 0; k < spec.slices; ++k) {
    if (spec.naming == FileNaming::SopInstanceUid) {
      names[k] = sopInstanceUid(spec, k) + ".dcm";
    } else {
      char buf[32];
      std::snprintf(buf, sizeof buf, "IM%06d", k + 1);
      names[k] = buf;
    }
  }
  return names;
}

// ---------------------------------------------------------------------------------------------
// Dataset building

// Collects DCMTK insertion failures so that each module helper stays a flat list of attributes.
class Writer {
 public:
  explicit Writer(DcmItem& item) : item_(item) {}

  void str(const DcmTagKey& tag, const std::string& value) {
    check(item_.putAndInsertString(tag, value.c_str()), tag);
  }
  void ds(const DcmTagKey& tag, double value) { str(tag, formatDs(value)); }
  void num(const DcmTagKey& tag, long value) { str(tag, std::to_string(value)); }  // IS
  void us(const DcmTagKey& tag, Uint16 value) { check(item_.putAndInsertUint16(tag, value), tag); }
  void optDs(const DcmTagKey& tag, const std::optional<double>& v) {
    if (v) ds(tag, *v);
  }
  void optStr(const DcmTagKey& tag, const std::string& v) {
    if (!v.empty()) str(tag, v);
  }
  DcmItem& item(const DcmTagKey& sequence) {
    DcmItem* it = nullptr;
    check(item_.findOrCreateSequenceItem(sequence, it, -2), sequence);
    return *it;
  }
  // A private element in the block that `creator` reserves at (group,00xx) = (group,0010).
  void privateElement(Uint16 group, const char* creator, DcmElement* element) {
    auto* c = new DcmLongString(DcmTag(group, 0x0010, EVR_LO));
    c->putString(creator);
    check(item_.insert(c, true), c->getTag());
    check(item_.insert(element, true), element->getTag());
  }
  void check(const OFCondition& c, const DcmTagKey& tag) {
    if (c.bad())
      throw std::runtime_error("cannot set " + std::string(tag.toString().c_str()) + ": " + c.text());
  }

 private:
  DcmItem& item_;
};

void addSopCommon(Writer& w, const SeriesSpec& spec, int k) {
  w.str(DCM_SpecificCharacterSet, "ISO_IR 100");
  w.str(DCM_SOPClassUID, sopClassUid(spec));
  w.str(DCM_SOPInstanceUID, sopInstanceUid(spec, k));
}

void addPatient(Writer& w, const PatientInfo& p) {
  w.str(DCM_PatientName, p.name);
  w.str(DCM_PatientID, p.id);
  w.str(DCM_PatientBirthDate, p.birth_date);
  w.str(DCM_PatientSex, p.sex);
  w.optDs(DCM_PatientSize, p.size_m);
  w.optDs(DCM_PatientWeight, p.weight_kg);
}

void addStudy(Writer& w, const StudyInfo& s) {
  w.str(DCM_StudyInstanceUID, s.study_uid);
  w.str(DCM_StudyDate, s.study_date);
  w.str(DCM_StudyTime, s.study_time);
  w.str(DCM_StudyDescription, s.description);
  w.str(DCM_AccessionNumber, s.accession);
  w.str(DCM_StudyID, s.study_id);
  w.str(DCM_ReferringPhysicianName, "");
}

void addSeries(Writer& w, const SeriesSpec& spec) {
  w.str(DCM_Modality, spec.modality);
  w.str(DCM_SeriesInstanceUID, spec.series_uid);
  w.num(DCM_SeriesNumber, spec.series_number);
  w.optStr(DCM_SeriesDescription, spec.series_description);
  w.str(DCM_SeriesDate, spec.series_date);
  w.str(DCM_SeriesTime, spec.series_time);
  w.str(DCM_PatientPosition, spec.patient_position);
}

void addFrameOfReferenceAndEquipment(Writer& w, const SeriesSpec& spec) {
  w.str(DCM_FrameOfReferenceUID, spec.frame_of_reference_uid);
  w.str(DCM_PositionReferenceIndicator, "");
  w.str(DCM_Manufacturer, spec.manufacturer);
  w.str(DCM_ManufacturerModelName, spec.model);
}

void addGeneralImage(Writer& w, const SeriesSpec& spec, int k) {
  const DateTime acq = acquisitionDateTime(spec, k);
  w.num(DCM_InstanceNumber, instanceNumber(spec, k));
  w.str(DCM_ImageType, spec.image_type);
  w.str(DCM_AcquisitionDate, acq.date);
  w.str(DCM_AcquisitionTime, acq.time);
  w.str(DCM_ContentDate, spec.series_date);
  w.str(DCM_ContentTime, spec.series_time);
}

void addImagePlane(Writer& w, const SeriesSpec& spec, int k) {
  const Vec3 ipp = slicePosition(spec, k);
  const double spacing[2] = {spec.row_spacing_mm, spec.col_spacing_mm};
  w.str(DCM_PixelSpacing, formatDsList(spacing, 2));
  w.str(DCM_ImageOrientationPatient, formatDsList(spec.orientation.data(), 6));
  w.str(DCM_ImagePositionPatient, formatDsList(ipp.data(), 3));
  w.ds(DCM_SliceThickness, spec.slice_thickness_mm);
  w.ds(DCM_SliceLocation, dot(ipp, sliceNormal(spec)));
}

void addImagePixel(Writer& w, DcmItem& item, const SeriesSpec& spec, const std::vector<float>& values, int k,
                   const Rescale& r) {
  w.us(DCM_SamplesPerPixel, 1);
  w.str(DCM_PhotometricInterpretation, "MONOCHROME2");
  w.us(DCM_Rows, static_cast<Uint16>(spec.rows));
  w.us(DCM_Columns, static_cast<Uint16>(spec.cols));
  w.us(DCM_BitsAllocated, 16);
  w.us(DCM_BitsStored, static_cast<Uint16>(spec.bits_stored));
  w.us(DCM_HighBit, static_cast<Uint16>(spec.bits_stored - 1));
  w.us(DCM_PixelRepresentation, spec.pixel_signed ? 1 : 0);
  w.str(DCM_RescaleIntercept, formatDs(r.intercept));
  w.str(DCM_RescaleSlope, formatDs(r.slope));

  const size_t n = static_cast<size_t>(spec.cols) * spec.rows;
  const StoredRange range = storedRange(spec);
  std::vector<Uint16> pixels(n);  // signed values in two's complement, sign-extended to 16 bits
  for (size_t i = 0; i < n; ++i)
    pixels[i] = static_cast<Uint16>(static_cast<int32_t>(quantise(values[k * n + i], r, range)) & 0xFFFF);
  w.check(item.putAndInsertUint16Array(DCM_PixelData, pixels.data(), static_cast<unsigned long>(n)),
          DCM_PixelData);
}

void addCtImage(Writer& w, const SeriesSpec& spec) {
  w.str(DCM_RescaleType, "HU");
  w.str(DCM_KVP, "120");
  w.num(DCM_AcquisitionNumber, 1);
  w.optStr(DCM_ConvolutionKernel, spec.convolution_kernel);
  w.str(DCM_WindowCenter, "40");
  w.str(DCM_WindowWidth, "400");
}

void addPetSeries(Writer& w, const SeriesSpec& spec, const PetInfo& pet) {
  w.str(DCM_Units, pet.units);
  w.str(DCM_CountsSource, "EMISSION");
  w.str(DCM_SeriesType, "WHOLE BODY\\IMAGE");
  w.str(DCM_CorrectedImage, pet.corrected_image);
  w.str(DCM_RandomsCorrectionMethod, "DLYD");
  w.str(DCM_DecayCorrection, pet.decay_correction);
  w.str(DCM_ReconstructionMethod, "OSEM");
  w.us(DCM_NumberOfSlices, static_cast<Uint16>(spec.slices));
  w.optStr(DCM_SUVType, pet.suv_type);
}

void addPetIsotope(Writer& w, const PetInfo& pet) {
  DcmItem& rp = w.item(DCM_RadiopharmaceuticalInformationSequence);
  Writer r(rp);
  r.str(DCM_Radiopharmaceutical, pet.radiopharmaceutical);
  r.optStr(DCM_RadiopharmaceuticalStartTime, pet.start_time);
  r.optStr(DCM_RadiopharmaceuticalStartDateTime, pet.start_datetime);
  r.optDs(DCM_RadionuclideTotalDose, pet.total_dose_bq);
  r.optDs(DCM_RadionuclideHalfLife, pet.half_life_s);
  r.optDs(DCM_RadionuclidePositronFraction, pet.positron_fraction);
  Writer code(r.item(DCM_RadionuclideCodeSequence));
  code.str(DCM_CodeValue, "C-111A1");
  code.str(DCM_CodingSchemeDesignator, "SRT");
  code.str(DCM_CodeMeaning, "^18^Fluorine");
}

void addPetImage(Writer& w, const PetInfo& pet, int k) {
  if (pet.frame_reference_time_ms) w.ds(DCM_FrameReferenceTime, *pet.frame_reference_time_ms);
  if (pet.actual_frame_duration_ms)
    w.num(DCM_ActualFrameDuration, std::lround(*pet.actual_frame_duration_ms));
  w.str(DCM_DecayFactor, "1");
  w.us(DCM_ImageIndex, static_cast<Uint16>(k + 1));
}

void addPrivateTags(Writer& w, const PetInfo& pet) {
  auto ds = [](Uint16 g, Uint16 e, double v) {
    auto* el = new DcmDecimalString(DcmTag(g, e, EVR_DS));
    el->putString(formatDs(v).c_str());
    return el;
  };
  if (pet.philips_suv_factor)
    w.privateElement(0x7053, kPhilipsCreator, ds(0x7053, 0x1000, *pet.philips_suv_factor));
  if (pet.philips_activity_factor)
    w.privateElement(0x7053, kPhilipsCreator, ds(0x7053, 0x1009, *pet.philips_activity_factor));
  if (!pet.ge_scan_datetime.empty()) {
    auto* el = new DcmDateTime(DcmTag(0x0009, 0x100D, EVR_DT));
    el->putString(pet.ge_scan_datetime.c_str());
    w.privateElement(0x0009, kGeCreator, el);
  }
}

void removeTags(DcmDataset& ds, const SeriesSpec& spec) {
  DcmItem* rp = nullptr;
  ds.findAndGetSequenceItem(DCM_RadiopharmaceuticalInformationSequence, rp, 0);
  for (const auto& [group, element] : spec.remove_tags) {
    const DcmTagKey key(group, element);
    ds.findAndDeleteElement(key);
    if (rp && key != DCM_RadiopharmaceuticalInformationSequence) rp->findAndDeleteElement(key);
    if (key == DCM_RadiopharmaceuticalInformationSequence) rp = nullptr;
  }
}

void buildDataset(DcmDataset& ds, const SeriesSpec& spec, const PatientInfo& patient, const StudyInfo& study,
                  const std::vector<float>& values, int k) {
  Writer w(ds);
  addSopCommon(w, spec, k);
  addPatient(w, patient);
  addStudy(w, study);
  addSeries(w, spec);
  addFrameOfReferenceAndEquipment(w, spec);
  addGeneralImage(w, spec, k);
  addImagePlane(w, spec, k);
  addImagePixel(w, ds, spec, values, k, sliceRescale(spec, values, k));
  if (isPet(spec)) {
    const PetInfo pet = spec.pet.value_or(PetInfo{});
    addPetSeries(w, spec, pet);
    addPetIsotope(w, pet);
    addPetImage(w, pet, k);
    addPrivateTags(w, pet);
  } else {
    addCtImage(w, spec);
  }
  removeTags(ds, spec);
}

void writeSlice(const std::filesystem::path& path, const SeriesSpec& spec, const PatientInfo& patient,
                const StudyInfo& study, const std::vector<float>& values, int k) {
  DcmFileFormat file;
  try {
    buildDataset(*file.getDataset(), spec, patient, study, values, k);
  } catch (const std::runtime_error& e) {
    fail(ErrorCode::Internal, path, e.what());
  }
  const OFCondition c = file.saveFile(path.string().c_str(), EXS_LittleEndianExplicit, EET_ExplicitLength);
  if (c.bad()) {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    fail(ErrorCode::Output, path, std::string("cannot write DICOM file: ") + c.text());
  }
}

}  // namespace

std::vector<std::filesystem::path> writeSeries(const SeriesSpec& spec, const PatientInfo& patient,
                                               const StudyInfo& study, const std::vector<float>& values,
                                               const std::filesystem::path& dir) {
  validate(spec, values);
  if (study.study_uid.empty())
    fail(ErrorCode::Internal, spec.series_uid, "invalid study: study_uid is empty");
  ensureWritableDirectory(dir);
  const std::vector<std::string> names = fileNames(spec);
  std::vector<std::filesystem::path> paths;
  paths.reserve(names.size());
  for (int k = 0; k < spec.slices; ++k) {
    paths.push_back(dir / names[k]);
    writeSlice(paths.back(), spec, patient, study, values, k);
  }
  return paths;
}

float quantised(const SeriesSpec& spec, const std::vector<float>& values, int k, float value) {
  validate(spec, values);
  if (k < 0 || k >= spec.slices) fail(ErrorCode::Internal, spec.series_uid, "slice index out of range");
  const Rescale r = sliceRescale(spec, values, k);
  return static_cast<float>(static_cast<double>(quantise(value, r, storedRange(spec))) * r.slope +
                            r.intercept);
}

}  // namespace recap::phantom
