#include "recap/export/nifti.h"

#include <itkImageFileWriter.h>
#include <itkNiftiImageIO.h>

#include <cctype>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>

#include "recap/core/error.h"
#include "recap/core/files.h"
#include "gzip.h"

namespace fs = std::filesystem;

namespace recap::exporter {

namespace {

using ShortImage = itk::Image<int16_t, 3>;

bool fitsInt16(const dicom::Volume& v) {
  if (!v.integral) return false;
  const float* p = v.image->GetBufferPointer();
  const size_t n = v.image->GetLargestPossibleRegion().GetNumberOfPixels();
  for (size_t i = 0; i < n; ++i)
    if (p[i] < std::numeric_limits<int16_t>::min() || p[i] > std::numeric_limits<int16_t>::max()) return false;
  return true;
}

ShortImage::Pointer toShort(const dicom::Image* image) {
  auto out = ShortImage::New();
  out->SetRegions(image->GetLargestPossibleRegion());
  out->SetSpacing(image->GetSpacing());
  out->SetOrigin(image->GetOrigin());
  out->SetDirection(image->GetDirection());
  out->Allocate();
  const float* src = image->GetBufferPointer();
  int16_t* dst = out->GetBufferPointer();
  const size_t n = image->GetLargestPossibleRegion().GetNumberOfPixels();
  for (size_t i = 0; i < n; ++i) dst[i] = static_cast<int16_t>(std::lround(src[i]));
  return out;
}

// ITK 5.2's NIfTI writer ignores SetCompressionLevel (the NIfTI library opens .nii.gz with a
// plain "wb", i.e. zlib's default level): ITK writes an uncompressed .nii, and gzipFile compresses it
// at the level asked for.
template <typename TImage>
void write(const TImage* image, const fs::path& nii) {
  auto io = itk::NiftiImageIO::New();
  auto writer = itk::ImageFileWriter<TImage>::New();
  writer->SetImageIO(io);
  writer->SetFileName(nii.string());
  writer->SetInput(image);
  writer->SetUseCompression(false);
  writer->Update();
}

// The NIfTI library reports some write failures (a folder that cannot be written, a full disk)
// only on stderr. A complete single-file NIfTI-1 is exactly vox_offset + voxels x bytes long.
void checkComplete(const fs::path& nii, size_t voxels, size_t bytes_per_voxel, const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(nii, ec))
    throw Error(ErrorCode::Output, path.string(), "cannot write NIfTI: the folder is missing or not writable");
  std::ifstream in(nii, std::ios::binary);
  unsigned char header[112] = {};
  in.read(reinterpret_cast<char*>(header), sizeof header);
  int32_t sizeof_hdr = 0;
  float vox_offset = 0;
  std::memcpy(&sizeof_hdr, header, 4);
  std::memcpy(&vox_offset, header + 108, 4);
  const uintmax_t size = fs::file_size(nii, ec);
  if (!in || sizeof_hdr != 348 || ec ||
      size != static_cast<uintmax_t>(vox_offset) + static_cast<uintmax_t>(voxels) * bytes_per_voxel)
    throw Error(ErrorCode::Output, path.string(),
                "cannot write NIfTI: the file was not written completely (disk full or file size limit?)");
}

}  // namespace

void writeNifti(const dicom::Volume& volume, const fs::path& path, const NiftiOptions& options) {
  const int level = options.compression_level;
  if (level < 1 || level > 9)
    throw Error(ErrorCode::Usage, path.string(), "gzip level " + std::to_string(level) + " is outside 1..9");
  // The uncompressed temporary must end in .nii for ITK to write a single-file NIfTI.
  const fs::path nii = fs::path(temporarySibling(path).string() + ".nii");
  const fs::path gz = temporarySibling(path);
  auto removeNii = [&] {
    std::error_code ec;
    fs::remove(nii, ec);
  };
  try {
    const size_t voxels = volume.image->GetLargestPossibleRegion().GetNumberOfPixels();
    if (fitsInt16(volume)) {
      auto shorts = toShort(volume.image.GetPointer());
      write<ShortImage>(shorts.GetPointer(), nii);
      checkComplete(nii, voxels, sizeof(int16_t), path);
    } else {
      write<dicom::Image>(volume.image.GetPointer(), nii);
      checkComplete(nii, voxels, sizeof(float), path);
    }
    detail::gzipFile(nii, gz, level, path.string());
  } catch (const itk::ExceptionObject& e) {
    removeNii();
    throw Error(ErrorCode::Output, path.string(), std::string("cannot write NIfTI: ") + e.GetDescription());
  } catch (...) {
    removeNii();
    throw;
  }
  removeNii();
  commitFile(gz, path);
}

std::string volumeBaseName(const dicom::Series& series) {
  const auto& h = series.first();
  std::string base = h.series_number ? std::to_string(*h.series_number) : std::string("x");
  std::string desc = h.series_description.empty() ? series.modality : h.series_description;
  base += "_";
  for (char c : desc) base += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-') ? c : '_';
  return base;
}

}  // namespace recap::exporter
