// Key images of the reviewer's report: for one lesion at one timepoint, the axial CT slice of its
// measurement cropped around it (soft-tissue window) with the outline and both calipers drawn, and
// beside it the same region with the PET SUV fused over the CT. PNG bytes, drawn with OpenCV.
//
// Screen orientation (radiological convention, docs/formats.md): the patient's right on the image
// left, anterior up. In LPS, x grows towards the patient's left and y towards posterior, so the
// image column grows with LPS x and the row with LPS y. The CT and PET are sampled at the physical
// position of every output pixel (ITK geometry), so rotated and feet-first volumes come out the
// same way up.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace itk {
template <typename TPixel, unsigned int VImageDimension>
class Image;
}  // namespace itk

namespace recap::report {

using Volume = itk::Image<float, 3>;  // = dicom::Image: CT in HU, PET in SUV, LPS geometry
using Point3 = std::array<double, 3>;

struct Segment3 {
  Point3 a{0, 0, 0}, b{0, 0, 0};  // LPS mm
};

// What is drawn for one lesion at one timepoint (from measurement::LesionMeasurement).
struct KeyImageInput {
  std::string lesion_id;
  bool absent = false;             // no lesion found: the slice at the seed, with a cross-hair
  Point3 seed_mm{0, 0, 0};         // where the lesion was looked for
  int slice_index = -1;            // CT slice of the measurement (ignored when absent)
  double ldi_mm = 0;               // sets the field of view
  std::vector<Segment3> outline;   // the lesion's outline on that slice
  std::optional<Segment3> ldi, sdi;  // caliper end points
};

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
};
// The colours of the drawing (also stated in docs/formats.md); none of them is grey, and none is a
// colour of the hot PET map (whose red >= green >= blue), so each can be told from the images.
inline constexpr Rgb kOutlineColour{0, 255, 0};     // green
inline constexpr Rgb kLdiColour{0, 255, 255};       // cyan
inline constexpr Rgb kSdiColour{255, 0, 255};       // magenta
inline constexpr Rgb kCrossHairColour{255, 128, 0}; // orange: where an absent lesion was looked for
inline constexpr Rgb kTextColour{255, 255, 255};    // scale bar, labels

struct KeyImageOptions {
  double window_width = 400, window_level = 40;  // CT soft-tissue window (HU)
  double fov_factor = 3;         // field of view: fov_factor x LDi ...
  double min_fov_mm = 60;        // ... and at least this; clamped to the CT's extent
  int size_px = 320;             // the longer side of each image
  double suv_scale_max = 5;      // PET colour scale: SUV 0 .. this (fixed, stated in the caption)
  double pet_alpha = 0.6;        // opacity of the PET at or above half the scale (ramps from 0 at SUV 0)
};

struct KeyImages {
  std::string ct_png;            // PNG bytes
  std::string fused_png;         // PNG bytes; empty when no PET was given
  std::string ct_caption, fused_caption;  // plain text (not escaped)
  int slice_index = -1;          // CT slice shown
  double slice_z_mm = 0;         // its z (LPS) at the centre of the image
  // Placement: pixel (col, row) shows LPS (x0 + col * mm_per_px, y0 + row * mm_per_px).
  double x0_mm = 0, y0_mm = 0, mm_per_px = 1;
  int width = 0, height = 0;
  std::array<double, 2> toPixel(const Point3& p) const {
    return {(p[0] - x0_mm) / mm_per_px, (p[1] - y0_mm) / mm_per_px};
  }
};

// Renders the key images of one lesion. `pet` may be null (CT image only, the caption says so).
// Throws recap::Error when the slice or the seed lies outside the CT.
KeyImages renderKeyImages(const Volume& ct, const Volume* pet, const KeyImageInput& lesion,
                          const KeyImageOptions& options = {});

}  // namespace recap::report
