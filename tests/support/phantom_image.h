// Test support: phantom volumes (modules/phantom, plain arrays) as the ITK images that recap's
// ingestion produces, so that stages after ingestion can be tested on rendered phantoms without a
// DICOM round trip. The DICOM round trip itself is tested in tests/phantom.
#pragma once

#include "recap/dicom/volume.h"
#include "recap/phantom/model.h"

namespace recap::testing {

// The same voxels at the same physical positions: origin, spacing (pixel, pixel, slice) and
// direction (row, column, normal) of the phantom volume.
dicom::Image::Pointer toImage(const phantom::Volume& volume);

}  // namespace recap::testing
