// Test support without dependencies: the spec of a tiny phantom patient for `recap phantom`, for
// tests that need a whole patient quickly: a 128 x 128 CT on 5 mm slices over 60 mm, PET 64 x 64,
// one node that shrinks between two timepoints.
#pragma once

#include <string>

namespace recap::testing {

inline std::string tinyPhantomSpec(const std::string& name, int seed, const std::string& patient_id,
                                   const std::string& patient_name) {
  return "name: " + name + "\nseed: " + std::to_string(seed) + "\npatient: {id: " + patient_id + ", name: \"" +
         patient_name + R"(", sex: M, birth_date: "19550101", weight_kg: 80, height_m: 1.8}
defaults:
  ct: {matrix: 128, pixel_mm: 3.5, slice_mm: 5, z_from_mm: -150, z_to_mm: -90}
  pet: {matrix: 64, pixel_mm: 7.0, slice_mm: 5, z_from_mm: -150, z_to_mm: -90}
timepoints:
  - {label: baseline, date: "20230301"}
  - {label: fu1, date: "20230601"}
lesions:
  - id: L1
    kind: nodal
    centre_mm: [42, 25, -120]
    states:
      - {diameters_mm: [30, 22, 20], suv: 10}
      - {diameters_mm: [20, 14, 14], suv: 5}
)";
}

}  // namespace recap::testing
