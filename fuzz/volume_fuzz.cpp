// libFuzzer harness: volume loading from bytes, without ITK (which clang cannot compile on
// Debian). The input is one slice file: its header is read, the one-slice series goes through
// loadVolume's checks (geometry, decodability) and its pixel data is decoded by GDCM into
// rescaled floats, as loadVolume does for every slice. Only recap::Error may come out.
#include <cstdint>
#include <filesystem>
#include <vector>

#include "fuzz_file.h"
#include "recap/core/error.h"
#include "recap/dicom/geometry.h"
#include "recap/dicom/header.h"
#include "slice.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::filesystem::path file = recap::fuzz::scratchFile("volume");
  recap::fuzz::writeFile(file, data, size);
  recap::dicom::ReadResult r = recap::dicom::readHeader(file);
  if (r.outcome != recap::dicom::ReadOutcome::Ok || !r.header.has_pixel_data) return 0;
  recap::dicom::Series series;
  series.modality = r.header.modality;
  series.uid = r.header.series_uid;
  series.instances.push_back(r.header);
  try {
    (void)recap::dicom::analyzeGeometry(series);
    recap::dicom::detail::checkDecodable(series);
    const auto& h = series.first();
    const size_t pixels = static_cast<size_t>(h.rows) * static_cast<size_t>(h.cols);
    if (h.rows <= 0 || h.cols <= 0 || pixels > (size_t{1} << 22)) return 0;  // a real series allocates this too
    std::vector<float> out(pixels);
    recap::dicom::detail::decodeSlice(h, out.data(), 1.0);
  } catch (const recap::Error&) {
  }
  return 0;
}
