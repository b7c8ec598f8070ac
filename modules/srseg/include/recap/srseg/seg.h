// DICOM Segmentation (binary SEG) of one timepoint: one segment per lesion on the source CT's grid,
// each frame referencing the CT slice it lies on. Written by `recap assess --dicom-out`; read back
// as an annotation (lesion masks by segment). Plain types only: no DCMTK in this header.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "recap/srseg/sr.h"

namespace recap::srseg {

// The source CT's grid: its slices in volume order (index k of the loaded volume).
struct CtGrid {
  int rows = 0, columns = 0;
  std::array<double, 6> orientation{1, 0, 0, 0, 1, 0};
  std::array<double, 2> pixel_spacing{1, 1};  // [between rows, between columns]
  double slice_thickness = 0;                 // 0: the spacing between slices
  double spacing_between_slices = 0;
  struct Slice {
    InstanceRef ref;
    Point3 position{0, 0, 0};
  };
  std::vector<Slice> slices;
};

// One lesion's mask: a box of the CT grid (column, row, slice index) and its voxels, x fastest.
struct SegmentMask {
  std::string label;          // the lesion id
  std::string tracking_uid;
  bool nodal = true;          // segmented property type: lymph node or neoplasm
  std::array<long, 3> offset{0, 0, 0}, size{0, 0, 0};
  std::vector<uint8_t> mask;  // non-zero inside
};

struct SegWriteOptions {
  std::string sop_instance_uid;  // empty: a new UID
  std::string series_uid;        // empty: a new UID
  int series_number = 902;
  std::string series_description = "recap lesion segmentation";
  std::string manufacturer = "recap";
  std::string software_version;
};

// Writes a binary SEG; segment i+1 is masks[i]. A segment whose mask is empty is kept (with no
// frame), but at least one segment must have a voxel on the grid. Throws recap::Error(Output)
// naming `path`.
void writeSegmentation(const std::filesystem::path& path, const SourceContext& source, const CtGrid& grid,
                       const std::vector<SegmentMask>& masks, const SegWriteOptions& options);

// A SEG read back: per segment, its frames.
struct SegFrame {
  std::string source_sop_instance_uid;  // the image it was derived from (Derivation Image)
  Point3 position{0, 0, 0};             // Image Position (Patient) of the frame
  std::vector<uint8_t> mask;            // rows x columns, 0 or 1, row by row
};
struct SegSegment {
  int number = 0;
  std::string label;
  std::string tracking_id, tracking_uid;
  std::string property_type_code;  // e.g. "59441001" (lymph node)
  std::vector<SegFrame> frames;
  size_t voxels() const;           // non-zero pixels over all frames
};
struct Segmentation {
  std::string sop_instance_uid, series_uid, study_uid, frame_of_reference_uid, patient_id;
  std::string referenced_series_uid;  // the source CT series (Referenced Series Sequence, first item)
  int rows = 0, columns = 0;
  std::array<double, 6> orientation{1, 0, 0, 0, 1, 0};
  std::array<double, 2> pixel_spacing{1, 1};
  std::vector<SegSegment> segments;
};

// Throws recap::Error(NoInput / CorruptInput / Unsupported) naming `path`.
Segmentation readSegmentation(const std::filesystem::path& path);

}  // namespace recap::srseg
