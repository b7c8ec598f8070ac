// A synthetic patient followed over 2-4 timepoints, as written in a phantom spec (YAML; the format
// is documented in docs/phantom.md), and the generator that turns it into DICOM studies and truth.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "recap/phantom/compress.h"
#include "recap/phantom/dicom_writer.h"
#include "recap/phantom/model.h"

namespace recap::phantom {

// How the PET's SUV is encoded, as each vendor writes it.
enum class PetVendor {
  Siemens,           // Units BQML, SeriesTime = scan start
  Ge,                // BQML, SeriesTime rewritten after the scan; private scan datetime (0009,100D)
  Philips,           // Units CNTS with the SUV scale factor (7053,1000) and activity factor (7053,1009)
  PhilipsActivity    // Units CNTS with only the activity concentration factor (7053,1009)
};

// What the DICOM of one timepoint looks like, beyond the images themselves.
struct Encoding {
  PetVendor vendor = PetVendor::Siemens;
  Syntax syntax = Syntax::ExplicitLittle;  // transfer syntax of the CT and PET files
  bool ct_signed = true;                   // CT pixel representation (unsigned: intercept -1024)
  FileNaming naming = FileNaming::Shuffled;
  bool localizer = true;                   // a coronal CT localizer series
  bool nac = true;                         // a non-attenuation-corrected PET series
  bool junk = true;                        // stray non-DICOM files
};

struct Injection {
  double dose_mbq = 350;
  double uptake_min = 60;                  // injection to scan start
  double half_life_s = 6586.2;
};

// The response a reader would give this timepoint, written in the spec from the rules.
struct Expected {
  std::string ct_response;  // "CR", "PR", "SD", "PD"; empty at baseline
  int deauville = 0;        // 1-5; 0 if not stated
  std::string reason;       // why (free text)
};

struct TimepointSpec {
  std::string label;
  std::string date = "20240115";  // study date, YYYYMMDD
  std::string scan_time = "100000";
  Physiology physiology;
  Pose pose;
  CtGrid ct;
  PetGrid pet;
  Encoding encoding;
  Injection injection;
  Expected expected;
};

struct PhantomSpec {
  std::string name;               // preset name or spec file stem
  std::string description;
  uint64_t seed = 1;
  PatientInfo patient;
  std::vector<TimepointSpec> timepoints;  // time order; the first is the baseline
  std::vector<Lesion> lesions;            // each with one state per timepoint
};

// Parses a spec. `source` names it in errors. Unknown keys, wrong types and inconsistent lengths
// (a lesion without one state per timepoint, fewer than 1 or more than 4 timepoints) throw
// recap::Error(CaseFile) naming the key.
PhantomSpec parseSpec(const std::string& yaml_text, const std::string& source);
PhantomSpec loadSpecFile(const std::filesystem::path& path);

// The presets bundled with recap (their YAML is compiled in from dicom_samples/presets/).
std::vector<std::string> presetNames();
std::string presetYaml(const std::string& name);  // throws Error(Usage) for an unknown name

struct GenerateOptions {
  bool noise = true;
  // Grid overrides (tests use coarser grids to stay fast); 0 keeps the spec's value.
  double ct_pixel_mm = 0, pet_pixel_mm = 0, ct_slice_mm = 0;
  int ct_matrix = 0, pet_matrix = 0;
};

// Writes `out/<label>/` for each timepoint (DICOM files and truth.json) and `out/phantom.json`
// (the spec as parsed and all truth). `out` must be empty or absent. Returns the truth per timepoint.
std::vector<TimepointTruth> generate(const PhantomSpec& spec, const std::filesystem::path& out,
                                     const GenerateOptions& options = {});

}  // namespace recap::phantom
