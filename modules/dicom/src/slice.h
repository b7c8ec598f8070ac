// Slice decoding without ITK: the checks a series passes before its pixel data is decoded, and
// one slice decoded (GDCM, any supported transfer syntax) into rescaled floats. Used by
// loadVolume and by the fuzz harness fuzz/volume_fuzz.cpp (which cannot include ITK headers).
#pragma once

#include "recap/dicom/index.h"

namespace recap::dicom::detail {

// Throws recap::Error (Unsupported or CorruptInput) naming the first instance whose transfer
// syntax, samples or bit depths recap cannot decode.
void checkDecodable(const Series& s);

// Decodes slice `h` into `out` (h.rows * h.cols floats) as (stored * slope + intercept) *
// extra_scale. Throws recap::Error(CorruptInput) naming the file when it cannot be decoded.
void decodeSlice(const InstanceHeader& h, float* out, double extra_scale);

}  // namespace recap::dicom::detail
