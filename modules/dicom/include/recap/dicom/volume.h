// Loading a series into an ITK image in patient (LPS) space: CT in HU, PET in SUV.
#pragma once

#include <itkImage.h>

#include <optional>
#include <string>

#include "recap/dicom/geometry.h"
#include "recap/dicom/index.h"
#include "recap/suv/suv.h"

namespace recap::dicom {

using Image = itk::Image<float, 3>;

enum class PetUnits {
  SuvBw,  // body-weight SUV (default)
  Sul,    // SUV normalised by Janmahasatian lean body mass
  Raw     // rescaled pixel values in the series' own Units (Bq/ml for BQML)
};

struct LoadOptions {
  unsigned threads = 0;            // decoding threads; 0: recap::workerThreads()
  PetUnits pet_units = PetUnits::SuvBw;
};

struct Volume {
  Image::Pointer image;
  std::string units;                  // "HU", "SUVbw", "SUL", or the DICOM Units (e.g. "BQML")
  Geometry geometry;
  std::optional<suv::SuvResult> suv;  // for PET in SUV units
  bool integral = false;              // every voxel is an integer (CT with integer rescale)
};

// Decodes every slice (any supported transfer syntax), orders them along the normal and applies
// each slice's rescale slope and intercept, then, for PET, the SUV factor. Throws recap::Error
// naming the series or file: BadGeometry/Unsupported for irregular volumes, CorruptInput for
// pixel data that cannot be decoded, MissingMetadata when SUV inputs are missing.
Volume loadVolume(const Series& series, const LoadOptions& options = {});

}  // namespace recap::dicom
