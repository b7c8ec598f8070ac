// Compressed copies of DICOM files, made with DCMTK's and GDCM's command-line tools (independent
// encoders, so that tests of recap's decoder do not test an encoder against itself).
#pragma once

#include <filesystem>
#include <string>

namespace recap::phantom {

enum class Syntax {
  ExplicitLittle,      // 1.2.840.10008.1.2.1 (dcmconv +te)
  ImplicitLittle,      // 1.2.840.10008.1.2   (dcmconv +ti)
  Deflated,            // 1.2.840.10008.1.2.1.99 (dcmconv +td)
  JpegLossless,        // 1.2.840.10008.1.2.4.70 (dcmcjpeg, process 14 SV1)
  JpegLsLossless,      // 1.2.840.10008.1.2.4.80 (dcmcjpls +el)
  JpegLsNearLossless,  // 1.2.840.10008.1.2.4.81 (dcmcjpls +en, max deviation 2; unsigned pixels only:
                       //  DCMTK refuses signed data. New SOP Instance UID, ImageType DERIVED)
  Rle,                 // 1.2.840.10008.1.2.5 (dcmcrle)
  J2kLossless,         // 1.2.840.10008.1.2.4.90 (gdcmconv --j2k)
  J2kLossy             // 1.2.840.10008.1.2.4.91 (gdcmconv --j2k --lossy -q 90, PSNR target 90 dB: without -q the
                       //  stream is lossless. New SOP Instance UID, ImageType DERIVED)
};

std::string transferSyntaxUid(Syntax s);
std::string syntaxName(Syntax s);        // e.g. "jpeg-ls-near-lossless"
bool isLossy(Syntax s);

// Converts every regular file in `in` (non-recursive) into `out` (created if needed) under the
// same file name. Throws recap::Error(Internal) with the tool's output if a tool fails or is
// missing.
void compressFolder(const std::filesystem::path& in, const std::filesystem::path& out, Syntax s);

}  // namespace recap::phantom
