#include "recap/export/nifti.h"

#include <itkImageFileWriter.h>
#include <itkNiftiImageIO.h>

#include <cctype>
#include <cmath>
#include <limits>

#include "recap/core/error.h"
#include "recap/core/files.h"

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

template <typename TImage>
void write(const TImage* image, const fs::path& tmp, int level) {
  auto io = itk::NiftiImageIO::New();
  auto writer = itk::ImageFileWriter<TImage>::New();
  writer->SetImageIO(io);
  writer->SetFileName(tmp.string());
  writer->SetInput(image);
  writer->SetUseCompression(true);
  writer->SetCompressionLevel(level);
  writer->Update();
}

}  // namespace

void writeNifti(const dicom::Volume& volume, const fs::path& path, const NiftiOptions& options) {
  // The temporary name must end in .nii.gz so that the NIfTI writer compresses it.
  const fs::path tmp = fs::path(temporarySibling(path).string() + ".nii.gz");
  try {
    if (fitsInt16(volume)) {
      auto shorts = toShort(volume.image.GetPointer());
      write<ShortImage>(shorts.GetPointer(), tmp, options.compression_level);
    } else {
      write<dicom::Image>(volume.image.GetPointer(), tmp, options.compression_level);
    }
  } catch (const itk::ExceptionObject& e) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw Error(ErrorCode::Output, path.string(), std::string("cannot write NIfTI: ") + e.GetDescription());
  }
  // The NIfTI library reports some failures (e.g. a folder that cannot be written) only on stderr.
  std::error_code ec;
  if (!fs::is_regular_file(tmp, ec))
    throw Error(ErrorCode::Output, path.string(), "cannot write NIfTI: the folder is missing or not writable");
  commitFile(tmp, path);
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
