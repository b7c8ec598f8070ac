// The synthetic patient: anatomy and lesions defined analytically in body coordinates, rendered
// into CT (HU) and PET (SUV) volumes at any pose and grid, with the ground truth computed from the
// analytic shapes (never measured from pixels).
//
// Coordinates: millimetres, DICOM patient axes (LPS): +x patient left, +y posterior, +z superior.
// "Body" coordinates are fixed to the patient; a timepoint's Pose places the body in the scanner:
//   p_scanner = R * q_body + shift,   R = Rz(rz) * Ry(ry) * Rx(rx)   (degrees; applied x, then y, then z)
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace recap::phantom {

using Vec3 = std::array<double, 3>;

struct Pose {
  Vec3 shift_mm{0, 0, 0};
  Vec3 rotation_deg{0, 0, 0};  // about x, y, z
};

enum class LesionKind { Nodal, Extranodal };

enum class LesionShape {
  Ellipsoid,  // one ellipsoid
  Lobulated   // an ellipsoid with two smaller overlapping lobes (irregular outline)
};

// A lesion's size and uptake at one timepoint.
struct LesionState {
  bool present = true;          // false: no tissue left (vanished) or not yet appeared (new lesion)
  // Full axis lengths of the main ellipsoid before rotation: [in-plane first axis, in-plane second
  // axis, craniocaudal]. The first axis points at `rotation_deg` from +x in the body's axial plane.
  Vec3 diameters_mm{20, 15, 15};
  double suv = 6.0;             // uniform uptake inside the lesion
};

struct Lesion {
  std::string id;                 // "L1", "N1"
  LesionKind kind = LesionKind::Nodal;
  LesionShape shape = LesionShape::Ellipsoid;
  std::string site;               // free text, e.g. "para-aortic, touching the aorta"
  Vec3 centre_mm{0, 0, 0};        // body coordinates
  double rotation_deg = 0;        // in-plane rotation of the first axis (body axial plane)
  double hu = 40;                 // CT attenuation (soft tissue, close to muscle and vessels)
  std::vector<LesionState> states;  // one per timepoint
};

// Organ values that change between timepoints or patients.
struct Physiology {
  double liver_suv = 2.2;
  double blood_pool_suv = 1.7;    // aorta, vena cava, heart
  double spleen_suv = 1.8;
  double spleen_length_mm = 110;  // craniocaudal length
};

struct CtGrid {
  int matrix = 512;               // columns = rows
  double pixel_mm = 0.9;
  double slice_mm = 3.0;          // spacing = thickness
  double z_from_mm = -300, z_to_mm = 200;  // scanner z range covered (slice centres)
  Vec3 centre_mm{0, 0, 0};        // scanner point at the centre of the field of view (x, y used)
  bool feet_first = false;        // FFS: row direction -x, slices written head to feet
  double noise_hu = 12;           // Gaussian noise SD
};

struct PetGrid {
  int matrix = 200;
  double pixel_mm = 4.0;
  double slice_mm = 3.0;
  double z_from_mm = -300, z_to_mm = 200;
  Vec3 centre_mm{0, 0, 0};
  bool feet_first = false;
  double fwhm_mm = 6.5;           // Gaussian point-spread function
  double noise_cv = 0.10;         // noise SD = noise_cv * sqrt(value * 1 SUV)
};

// A rendered volume: values[(k * rows + r) * cols + c] at voxel centre
//   origin + c * pixel * row_dir + r * pixel * col_dir + k * slice * normal   (scanner LPS)
// with row_dir = (+1,0,0) or (-1,0,0) (feet first), col_dir = (0,1,0), normal = row_dir x col_dir.
struct Volume {
  int cols = 0, rows = 0, slices = 0;
  double pixel_mm = 1, slice_mm = 1;
  Vec3 origin_mm{0, 0, 0};
  std::array<double, 6> orientation{1, 0, 0, 0, 1, 0};
  std::vector<float> values;

  Vec3 voxelCentre(int c, int r, int k) const;
};

// Ground truth for one lesion at one timepoint, from the analytic shape in scanner coordinates.
struct LesionTruth {
  std::string id;
  bool present = false;
  // Largest axial cross-section among the CT slices actually acquired (the slice whose
  // cross-section has the largest LDi x SDi); all zero when absent or not cut by any slice.
  double ldi_mm = 0, sdi_mm = 0, ppd_mm2 = 0;
  int slice_index = -1;           // CT slice index (in Volume order) of that cross-section
  double slice_z_mm = 0;          // its scanner z
  Vec3 ldi_end_a{}, ldi_end_b{}, sdi_end_a{}, sdi_end_b{};  // caliper end points (scanner LPS)
  Vec3 centre_mm{};               // centre of the main ellipsoid in scanner coordinates
  double volume_ml = 0;           // analytic volume (union volume for lobulated shapes, numerically)
  double suv_max = 0;             // max of the blurred noise-free PET over PET voxels inside the lesion
  double suv_set = 0;             // the uptake the lesion was given
};

struct TimepointTruth {
  std::vector<LesionTruth> lesions;
  double liver_suv_mean = 0;      // mean of the blurred noise-free PET in a 3 cm sphere in the right lobe;
                                  // NaN when the sphere lies outside the PET
  Vec3 liver_sphere_centre_mm{};  // scanner coordinates
  double blood_pool_suv_mean = 0; // mean of the blurred noise-free PET in the descending aorta VOI (NaN
                                  // when outside the PET)
  Vec3 blood_pool_centre_mm{};
  double spleen_length_mm = 0;    // craniocaudal extent of the spleen as acquired (scanner z)
};

struct RenderOptions {
  uint64_t seed = 1;
  bool noise = true;
};

struct Rendered {
  Volume ct;          // HU, noise added
  Volume pet;         // SUV, blurred, noise added
  Volume pet_clean;   // SUV, blurred, noise-free (truth for SUVmax and reference regions)
  TimepointTruth truth;
};

// Renders timepoint `t` (index into each lesion's `states`): the fixed anatomy with `physiology`
// and `lesions`, placed in the scanner by `pose`, sampled on the `ct` and `pet` grids.
// Deterministic for a given options.seed. Throws recap::Error(Internal) on an invalid request
// (t out of range for a lesion, empty grid).
Rendered render(const std::vector<Lesion>& lesions, const Physiology& physiology, int t, const Pose& pose,
                const CtGrid& ct, const PetGrid& pet, const RenderOptions& options);

}  // namespace recap::phantom
