// Statistics of placed reference regions on the PET (and the CT for the liver), with the warnings they
// call for (clinical-rules.md R-1: liver SUVmean outside the EANM range 1.3-3.0).
#include <cstdio>
#include <string>

#include "scan.h"

namespace recap::reference::detail {

namespace {

constexpr double kLiverLow = 1.3, kLiverHigh = 3.0;  // EANM QC range of liver SUVmean

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace

void measure(const ImageView& ct, const ImageView& pet, LiverRegion& liver) {
  const Vec3 c{liver.centre_mm[0], liver.centre_mm[1], liver.centre_mm[2]};
  const Stats p = sphereStats(pet, c, liver.radius_mm);
  const Stats h = sphereStats(ct, c, liver.radius_mm);
  liver.suv_mean = p.mean;
  liver.suv_sd = p.sd;
  liver.suv_max = p.max;
  liver.voxels = p.n;
  liver.ct_mean_hu = h.mean;
  liver.ct_sd_hu = h.sd;
  if (p.n == 0) {
    liver.warnings.push_back("no PET voxel centre lies in the liver sphere");
    return;
  }
  if (liver.suv_mean < kLiverLow || liver.suv_mean > kLiverHigh)
    liver.warnings.push_back("liver SUVmean " + fixed(liver.suv_mean, 2) + " is outside the expected range " +
                             fixed(kLiverLow, 1) + "-" + fixed(kLiverHigh, 1) +
                             " (EANM): check patient weight, injected dose and scanner calibration");
  const double full = 4.0 / 3.0 * 3.14159265358979323846 * liver.radius_mm * liver.radius_mm * liver.radius_mm /
                      (pet.spacing[0] * pet.spacing[1] * pet.spacing[2]);
  if (p.n < 0.8 * full)
    liver.warnings.push_back("the liver sphere is partly outside the PET field of view (" + std::to_string(p.n) +
                             " voxels)");
}

void measure(const ImageView& pet, BloodPoolRegion& blood) {
  const Vec3 c{blood.centre_mm[0], blood.centre_mm[1], blood.centre_mm[2]};
  const Vec3 a{blood.axis[0], blood.axis[1], blood.axis[2]};
  const Stats p = cylinderStats(pet, c, a, blood.radius_mm, blood.length_mm / 2);
  blood.suv_mean = p.mean;
  blood.suv_sd = p.sd;
  blood.suv_max = p.max;
  blood.voxels = p.n;
  if (p.n == 0) blood.warnings.push_back("no PET voxel centre lies in the blood-pool cylinder");
}

}  // namespace recap::reference::detail
