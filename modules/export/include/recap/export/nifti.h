// NIfTI-1 (.nii.gz) output of loaded volumes, with a JSON sidecar, as dcm2niix writes them.
#pragma once

#include <filesystem>
#include <string>

#include "recap/dicom/volume.h"

namespace recap::exporter {

struct NiftiOptions {
  int compression_level = 6;  // gzip level 1 (fast) .. 9 (small)
};

// Writes `volume` to `path` atomically (temporary file, then rename). CT volumes whose voxels are
// all integers in the int16 range are stored as int16, everything else as float32.
// Throws Error(Output) naming `path`.
void writeNifti(const dicom::Volume& volume, const std::filesystem::path& path, const NiftiOptions& options = {});

// "<SeriesNumber>_<description>" with characters outside [A-Za-z0-9._-] replaced by '_'.
std::string volumeBaseName(const dicom::Series& series);

}  // namespace recap::exporter
