#include "slice.h"

#include <gdcmImage.h>
#include <gdcmImageReader.h>

#include <cstdint>
#include <cstring>
#include <exception>
#include <fstream>
#include <string>
#include <vector>

#include "encapsulation.h"
#include "recap/core/error.h"

namespace recap::dicom::detail {

namespace {

constexpr const char* kExplicitVrLittleEndian = "1.2.840.10008.1.2.1";

// Reads stored value i from a decoded buffer and keeps only the BitsStored bits (bits above
// the high bit may hold overlays or garbage), sign-extending for signed pixels.
struct StoredDecoder {
  int bytes = 2;
  int bits_stored = 16;
  bool is_signed = false;

  double operator()(const char* buf, size_t i) const {
    uint32_t raw = 0;
    switch (bytes) {
      case 1: raw = static_cast<uint8_t>(buf[i]); break;
      case 2: {
        uint16_t v;
        std::memcpy(&v, buf + 2 * i, 2);
        raw = v;
        break;
      }
      default: std::memcpy(&raw, buf + 4 * i, 4); break;
    }
    const int width = bytes * 8;
    if (bits_stored < width) raw &= (1u << bits_stored) - 1u;
    if (!is_signed) return static_cast<double>(raw);
    if (bits_stored < 32 && (raw & (1u << (bits_stored - 1)))) {
      return static_cast<double>(static_cast<int64_t>(raw) - (int64_t{1} << bits_stored));
    }
    return static_cast<double>(static_cast<int32_t>(raw));
  }
};

}  // namespace

void checkDecodable(const Series& s) {
  for (const InstanceHeader& h : s.instances) {
    const std::string file = h.path.string();
    if (!isSupportedTransferSyntax(h.transfer_syntax_uid))
      throw Error(ErrorCode::Unsupported, file, "transfer syntax " + h.transfer_syntax_uid + " is not supported");
    if (h.samples_per_pixel != 1)
      throw Error(ErrorCode::Unsupported, file, "SamplesPerPixel " + std::to_string(h.samples_per_pixel) +
                                                    ": only single-sample (grey-scale) images are volumes");
    if (h.bits_allocated != 8 && h.bits_allocated != 16 && h.bits_allocated != 32)
      throw Error(ErrorCode::Unsupported, file, "BitsAllocated " + std::to_string(h.bits_allocated) + " is not supported");
    if (h.bits_stored <= 0 || h.bits_stored > h.bits_allocated)
      throw Error(ErrorCode::CorruptInput, file, "BitsStored " + std::to_string(h.bits_stored) +
                                                     " is inconsistent with BitsAllocated " +
                                                     std::to_string(h.bits_allocated));
  }
}

// Decodes slice `h` into `out` (rows*cols floats) as stored * slope + intercept.
void decodeSlice(const InstanceHeader& h, float* out, double extra_scale) {
  const std::string file = h.path.string();
  quietLibraries();
  // GDCM believes the lengths it reads in the data set and the pixel data (encapsulation.h), so the
  // structure of an explicit VR little endian file (every encapsulated one among them) is checked
  // against the file's bytes first.
  const bool encapsulated = isEncapsulatedTransferSyntax(h.transfer_syntax_uid);
  if (encapsulated || h.transfer_syntax_uid == kExplicitVrLittleEndian) {
    std::ifstream in(h.path, std::ios::binary | std::ios::ate);
    if (!in) throw Error(ErrorCode::CorruptInput, file, "cannot open the file");
    std::string bytes(static_cast<size_t>(in.tellg()), '\0');
    in.seekg(0);
    if (!in.read(bytes.data(), static_cast<std::streamsize>(bytes.size())))
      throw Error(ErrorCode::CorruptInput, file, "cannot read the file");
    if (!encapsulated) {
      const std::string problem = dataSetProblem(bytes);
      if (!problem.empty()) throw Error(ErrorCode::CorruptInput, file, problem + " (corrupt data set)");
    } else {
      const ImageShape shape{h.rows, h.cols, h.samples_per_pixel, h.bits_allocated};
      const Codestream codestream = isJpeg2000TransferSyntax(h.transfer_syntax_uid) ? Codestream::Jpeg2000
                                    : isJpegLsTransferSyntax(h.transfer_syntax_uid) ? Codestream::JpegLs
                                    : isJpegTransferSyntax(h.transfer_syntax_uid)   ? Codestream::Jpeg
                                                                                    : Codestream::Other;
      const std::string problem = encapsulationProblem(bytes, codestream, shape);
      if (!problem.empty()) throw Error(ErrorCode::CorruptInput, file, problem + " (corrupt pixel data)");
    }
  }
  const size_t pixels = static_cast<size_t>(h.rows) * static_cast<size_t>(h.cols);
  std::vector<char> buffer;
  // GDCM and the codecs under it throw what the checks above did not foresee (std::length_error
  // from an allocation a codestream's header sized, std::bad_alloc): a corrupt slice, named as such.
  try {
    gdcm::ImageReader reader;
    reader.SetFileName(file.c_str());
    if (!reader.Read()) throw Error(ErrorCode::CorruptInput, file, "cannot read the image (truncated or not DICOM)");
    const gdcm::Image& image = reader.GetImage();
    const unsigned int* dims = image.GetDimensions();
    if (dims[0] != static_cast<unsigned>(h.cols) || dims[1] != static_cast<unsigned>(h.rows))
      throw Error(ErrorCode::CorruptInput, file, "decoded image size differs from Rows/Columns");
    const size_t expected = pixels * static_cast<size_t>(h.bits_allocated / 8);
    const unsigned long length = image.GetBufferLength();
    if (length < expected)
      throw Error(ErrorCode::CorruptInput, file,
                  "pixel data holds " + std::to_string(length) + " bytes, " + std::to_string(expected) + " expected");
    buffer.resize(length);
    if (!image.GetBuffer(buffer.data()))
      throw Error(ErrorCode::CorruptInput, file,
                  "pixel data cannot be decoded (" + transferSyntaxName(h.transfer_syntax_uid) + ")");
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(ErrorCode::CorruptInput, file,
                "pixel data cannot be decoded (" + transferSyntaxName(h.transfer_syntax_uid) + "): " + e.what());
  }
  StoredDecoder decode{h.bits_allocated / 8, h.bits_stored, h.pixel_representation == 1};
  const double slope = h.rescale_slope * extra_scale, intercept = h.rescale_intercept * extra_scale;
  for (size_t i = 0; i < pixels; ++i) out[i] = static_cast<float>(decode(buffer.data(), i) * slope + intercept);
}

}  // namespace recap::dicom::detail
