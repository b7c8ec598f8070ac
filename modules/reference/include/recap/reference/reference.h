// Automatic reference regions of a PET/CT timepoint, with no reviewer input: a liver sphere in the
// right lobe, a blood-pool cylinder in the aorta and the spleen's craniocaudal length, found on the
// CT (HU) and measured on the PET (SUV). The two images may have any grids and orientations (head or
// feet first); they are related by their physical coordinates (LPS mm) only.
//
// A region that cannot be found is returned with found == false and a reason; the finders never
// throw for that. They throw recap::Error for invalid inputs: ErrorCode::Internal for a null or empty
// image, ErrorCode::Usage for an override that is not finite, lies outside the images (a point) or is
// not a positive length.
#pragma once

#include <memory>
#include <optional>

#include "recap/dicom/volume.h"
#include "recap/reference/types.h"

namespace recap::reference {

// One timepoint's CT and PET. The images are held (reference counted), not copied. The CT analysis
// shared by the finders (resampling, body, lungs, spine) runs once, on the first automatic search;
// the finders are const and may be called in any order and from several threads.
class Timepoint {
 public:
  Timepoint(dicom::Image::ConstPointer ct, dicom::Image::ConstPointer pet);
  ~Timepoint();
  Timepoint(Timepoint&&) noexcept;
  Timepoint& operator=(Timepoint&&) noexcept;

  // Runs the shared CT analysis now (otherwise the first automatic search does).
  void prepare() const;

  // The liver sphere; at `given_centre` when set (source "given"), else found (source "auto").
  LiverRegion liver(const std::optional<Point>& given_centre = std::nullopt) const;
  // The blood-pool cylinder; at `given_centre` with its axis along z when set.
  BloodPoolRegion bloodPool(const std::optional<Point>& given_centre = std::nullopt) const;
  // The spleen length; `given_length_mm` when set.
  SpleenRegion spleen(const std::optional<double>& given_length_mm = std::nullopt) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// All three regions, each from its override when one is given.
ReferenceRegions findReferenceRegions(dicom::Image::ConstPointer ct, dicom::Image::ConstPointer pet,
                                      const Overrides& overrides = {});

}  // namespace recap::reference
