#include "phantom_image.h"

#include <algorithm>

namespace recap::testing {

dicom::Image::Pointer toImage(const phantom::Volume& v) {
  auto image = dicom::Image::New();
  dicom::Image::RegionType region;
  region.SetSize({{size_t(v.cols), size_t(v.rows), size_t(v.slices)}});
  image->SetRegions(region);
  dicom::Image::SpacingType spacing;
  spacing[0] = v.pixel_mm;
  spacing[1] = v.pixel_mm;
  spacing[2] = v.slice_mm;
  image->SetSpacing(spacing);
  dicom::Image::PointType origin;
  for (int i = 0; i < 3; ++i) origin[i] = v.origin_mm[i];
  image->SetOrigin(origin);
  const double* row = &v.orientation[0];
  const double* col = &v.orientation[3];
  const double normal[3] = {row[1] * col[2] - row[2] * col[1], row[2] * col[0] - row[0] * col[2],
                            row[0] * col[1] - row[1] * col[0]};
  dicom::Image::DirectionType direction;
  for (int i = 0; i < 3; ++i) {
    direction[i][0] = row[i];
    direction[i][1] = col[i];
    direction[i][2] = normal[i];
  }
  image->SetDirection(direction);
  image->Allocate();
  std::copy(v.values.begin(), v.values.end(), image->GetBufferPointer());
  return image;
}

}  // namespace recap::testing
