// Secondary Capture Image Storage (RGB, uncompressed) with DCMTK's dcmdata.
#include "recap/srseg/capture.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <ctime>

#include "recap/core/error.h"
#include "recap/core/files.h"

namespace recap::srseg {
namespace {

void put(DcmDataset& ds, const DcmTagKey& tag, const std::string& v, const std::filesystem::path& path) {
  const OFCondition c = ds.putAndInsertString(tag, v.c_str());
  if (c.bad())
    throw Error(ErrorCode::Output, path.string(), std::string("cannot build the Secondary Capture: ") +
                                                      DcmTag(tag).getTagName() + ": " + c.text());
}

}  // namespace

void writeSecondaryCapture(const std::filesystem::path& path, const SourceContext& src, const RgbImage& image,
                           const CaptureWriteOptions& o) {
  if (image.width <= 0 || image.height <= 0 || image.width > 65535 || image.height > 65535 ||
      image.rgb.size() != size_t(image.width) * size_t(image.height) * 3)
    throw Error(ErrorCode::Output, path.string(), "cannot write the Secondary Capture: the image is empty or inconsistent");
  char now_date[16], now_time[16];
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  std::strftime(now_date, sizeof now_date, "%Y%m%d", &tm);
  std::strftime(now_time, sizeof now_time, "%H%M%S", &tm);

  DcmFileFormat file;
  DcmDataset& ds = *file.getDataset();
  put(ds, DCM_SpecificCharacterSet, "ISO_IR 100", path);
  put(ds, DCM_SOPClassUID, UID_SecondaryCaptureImageStorage, path);
  put(ds, DCM_SOPInstanceUID, o.sop_instance_uid.empty() ? newUid() : o.sop_instance_uid, path);
  put(ds, DCM_PatientName, src.patient_name, path);
  put(ds, DCM_PatientID, src.patient_id, path);
  put(ds, DCM_PatientBirthDate, src.patient_birth_date, path);
  put(ds, DCM_PatientSex, src.patient_sex, path);
  put(ds, DCM_StudyInstanceUID, src.study_uid, path);
  put(ds, DCM_StudyDate, src.study_date, path);
  put(ds, DCM_StudyTime, src.study_time, path);
  put(ds, DCM_StudyID, src.study_id, path);
  put(ds, DCM_AccessionNumber, src.accession_number, path);
  put(ds, DCM_ReferringPhysicianName, src.referring_physician, path);
  put(ds, DCM_StudyDescription, src.study_description, path);
  put(ds, DCM_Modality, "OT", path);
  put(ds, DCM_SeriesInstanceUID, o.series_uid.empty() ? newUid() : o.series_uid, path);
  put(ds, DCM_SeriesNumber, std::to_string(o.series_number), path);
  put(ds, DCM_SeriesDescription, o.series_description, path);
  put(ds, DCM_Laterality, "", path);  // type 2C: present and empty (the image is not of a paired part)
  put(ds, DCM_ConversionType, "WSD", path);  // workstation
  put(ds, DCM_Manufacturer, o.manufacturer, path);
  if (!o.software_version.empty()) put(ds, DCM_SoftwareVersions, o.software_version, path);
  put(ds, DCM_InstanceNumber, "1", path);
  put(ds, DCM_PatientOrientation, "", path);
  put(ds, DCM_ContentDate, now_date, path);
  put(ds, DCM_ContentTime, now_time, path);
  put(ds, DCM_ImageType, "DERIVED\\SECONDARY", path);
  put(ds, DCM_DerivationDescription, "rendered by recap from its assessment", path);
  if (!o.image_comments.empty()) put(ds, DCM_ImageComments, o.image_comments, path);
  put(ds, DCM_PhotometricInterpretation, "RGB", path);
  bool ok = ds.putAndInsertUint16(DCM_SamplesPerPixel, 3).good() && ds.putAndInsertUint16(DCM_PlanarConfiguration, 0).good() &&
            ds.putAndInsertUint16(DCM_Rows, Uint16(image.height)).good() &&
            ds.putAndInsertUint16(DCM_Columns, Uint16(image.width)).good() &&
            ds.putAndInsertUint16(DCM_BitsAllocated, 8).good() && ds.putAndInsertUint16(DCM_BitsStored, 8).good() &&
            ds.putAndInsertUint16(DCM_HighBit, 7).good() && ds.putAndInsertUint16(DCM_PixelRepresentation, 0).good();
  ok = ok && ds.putAndInsertUint8Array(DCM_PixelData, image.rgb.data(), static_cast<unsigned long>(image.rgb.size())).good();
  if (!ok) throw Error(ErrorCode::Output, path.string(), "cannot build the Secondary Capture: image pixel attributes");

  const std::filesystem::path tmp = temporarySibling(path);
  const OFCondition saved = file.saveFile(tmp.c_str(), EXS_LittleEndianExplicit);
  if (saved.bad()) {
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    throw Error(ErrorCode::Output, path.string(), std::string("cannot write the Secondary Capture: ") + saved.text());
  }
  commitFile(tmp, path);
}

RgbImage readSecondaryCapture(const std::filesystem::path& path) {
  const std::string p = path.string();
  if (!std::filesystem::is_regular_file(path)) throw Error(ErrorCode::NoInput, p, "file not found");
  DcmFileFormat file;
  const OFCondition loaded = file.loadFile(p.c_str());
  if (loaded.bad()) throw Error(ErrorCode::CorruptInput, p, std::string("cannot read the DICOM file: ") + loaded.text());
  DcmDataset& ds = *file.getDataset();
  Uint16 rows = 0, cols = 0, spp = 0, bits = 0;
  ds.findAndGetUint16(DCM_Rows, rows);
  ds.findAndGetUint16(DCM_Columns, cols);
  ds.findAndGetUint16(DCM_SamplesPerPixel, spp);
  ds.findAndGetUint16(DCM_BitsAllocated, bits);
  if (spp != 3 || bits != 8) throw Error(ErrorCode::Unsupported, p, "not an 8-bit RGB image");
  const Uint8* px = nullptr;
  unsigned long n = 0;
  if (ds.findAndGetUint8Array(DCM_PixelData, px, &n).bad() || n < static_cast<unsigned long>(rows) * cols * 3)
    throw Error(ErrorCode::CorruptInput, p, "pixel data missing or short");
  RgbImage img;
  img.width = cols;
  img.height = rows;
  img.rgb.assign(px, px + size_t(rows) * cols * 3);
  return img;
}

}  // namespace recap::srseg
