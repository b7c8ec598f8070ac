// The public entry points: the only translation unit of the module that sees ITK images. It hands
// their buffers and geometry to the plain C++ finders (scan.h), checks the caller's overrides and
// measures the regions on the PET.
#include "recap/reference/reference.h"

#include <cmath>
#include <cstdio>
#include <mutex>
#include <string>

#include "recap/core/error.h"
#include "scan.h"

namespace recap::reference {

using detail::ImageView;
using detail::Scan;

namespace {

constexpr double kLiverRadiusMm = 15;      // 3 cm sphere (clinical-rules.md R-1)
constexpr double kBloodRadiusMm = 5;       // 1 cm diameter cylinder ...
constexpr double kBloodLengthMm = 20;      // ... over 2 cm on the z-axis

ImageView viewOf(const dicom::Image* image, const char* what) {
  if (!image) throw Error(ErrorCode::Internal, "", std::string("reference regions: no ") + what + " image");
  const dicom::Image::RegionType region = image->GetBufferedRegion();
  const dicom::Image::SizeType size = region.GetSize();
  if (size[0] == 0 || size[1] == 0 || size[2] == 0 || !image->GetBufferPointer())
    throw Error(ErrorCode::Internal, "", std::string("reference regions: the ") + what + " image is empty");
  std::array<double, 9> direction{};
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) direction[3 * r + c] = image->GetDirection()[r][c];
  const detail::Vec3 origin{image->GetOrigin()[0], image->GetOrigin()[1], image->GetOrigin()[2]};
  const detail::Vec3 spacing{image->GetSpacing()[0], image->GetSpacing()[1], image->GetSpacing()[2]};
  ImageView v = detail::makeView(image->GetBufferPointer(),
                                 {static_cast<int>(size[0]), static_cast<int>(size[1]), static_cast<int>(size[2])},
                                 origin, spacing, direction);
  bool invertible = false;
  for (double x : v.inv) invertible = invertible || x != 0;
  if (!invertible)
    throw Error(ErrorCode::Internal, "", std::string("reference regions: the ") + what + " image has a degenerate geometry");
  // The buffer may start at a non-zero index: make voxel (0, 0, 0) of the view its first voxel.
  const dicom::Image::IndexType start = region.GetIndex();
  v.origin = v.point(double(start[0]), double(start[1]), double(start[2]));
  return v;
}

std::string pointText(const Point& p) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "(%.1f, %.1f, %.1f) mm", p[0], p[1], p[2]);
  return buf;
}

void checkPoint(const Point& p, const ImageView& ct, const ImageView& pet, const std::string& what) {
  if (!std::isfinite(p[0]) || !std::isfinite(p[1]) || !std::isfinite(p[2]))
    throw Error(ErrorCode::Usage, "", what + " is not a finite point");
  const detail::Vec3 q{p[0], p[1], p[2]};
  if (!ct.contains(q)) throw Error(ErrorCode::Usage, "", what + " " + pointText(p) + " lies outside the CT");
  if (!pet.contains(q)) throw Error(ErrorCode::Usage, "", what + " " + pointText(p) + " lies outside the PET");
}

}  // namespace

struct Timepoint::Impl {
  dicom::Image::ConstPointer ct_image, pet_image;
  ImageView ct, pet;
  mutable std::once_flag once;
  mutable Scan scan;

  const Scan& prepared() const {
    std::call_once(once, [this] { scan = detail::prepareScan(ct, pet); });
    return scan;
  }
};

Timepoint::Timepoint(dicom::Image::ConstPointer ct, dicom::Image::ConstPointer pet) : impl_(new Impl) {
  impl_->ct = viewOf(ct.GetPointer(), "CT");
  impl_->pet = viewOf(pet.GetPointer(), "PET");
  impl_->ct_image = ct;
  impl_->pet_image = pet;
}

Timepoint::~Timepoint() = default;
Timepoint::Timepoint(Timepoint&&) noexcept = default;
Timepoint& Timepoint::operator=(Timepoint&&) noexcept = default;

void Timepoint::prepare() const { impl_->prepared(); }

LiverRegion Timepoint::liver(const std::optional<Point>& given_centre) const {
  LiverRegion r;
  if (given_centre) {
    checkPoint(*given_centre, impl_->ct, impl_->pet, "the given liver sphere centre");
    r.source = kSourceGiven;
    r.found = true;
    r.radius_mm = kLiverRadiusMm;
    r.centre_mm = *given_centre;
  } else {
    r = detail::findLiver(impl_->prepared(), kLiverRadiusMm);
  }
  if (r.found) detail::measure(impl_->ct, impl_->pet, r);
  return r;
}

BloodPoolRegion Timepoint::bloodPool(const std::optional<Point>& given_centre) const {
  BloodPoolRegion r;
  if (given_centre) {
    checkPoint(*given_centre, impl_->ct, impl_->pet, "the given blood-pool centre");
    r.source = kSourceGiven;
    r.found = true;
    r.site = "given point";
    r.radius_mm = kBloodRadiusMm;
    r.length_mm = kBloodLengthMm;
    r.centre_mm = *given_centre;
    r.axis = {0, 0, 1};
  } else {
    r = detail::findBloodPool(impl_->prepared(), kBloodRadiusMm, kBloodLengthMm);
  }
  if (r.found) detail::measure(impl_->pet, r);
  return r;
}

SpleenRegion Timepoint::spleen(const std::optional<double>& given_length_mm) const {
  if (given_length_mm) {
    if (!std::isfinite(*given_length_mm) || !(*given_length_mm > 0))
      throw Error(ErrorCode::Usage, "", "the given spleen length must be a positive number of millimetres, got " +
                                            std::to_string(*given_length_mm));
    SpleenRegion r;
    r.source = kSourceGiven;
    r.found = true;
    r.length_mm = *given_length_mm;
    return r;
  }
  return detail::findSpleen(impl_->prepared());
}

ReferenceRegions findReferenceRegions(dicom::Image::ConstPointer ct, dicom::Image::ConstPointer pet,
                                      const Overrides& overrides) {
  const Timepoint t(std::move(ct), std::move(pet));
  ReferenceRegions r;
  r.liver = t.liver(overrides.liver_centre_mm);
  r.blood_pool = t.bloodPool(overrides.blood_pool_centre_mm);
  r.spleen = t.spleen(overrides.spleen_length_mm);
  return r;
}

}  // namespace recap::reference
