// recap_bench_make_series OUT [--seed N] [--jpeg-ls] [--jpeg-lossless]
//
// Writes the input of the ingestion benchmark (bench/convert_vs_dcm2niix.sh): a whole-body
// PET/CT study of realistic size, with one frame of reference:
//   OUT/ct   512 x 512 x 300 CT, signed int16 HU, 0.98 mm pixels, 2 mm slices
//   OUT/pet  200 x 200 x 300 PET, BQML with a per-slice rescale slope, 4.07 mm pixels, 2 mm slices
// and, on request, lossless compressed copies of both (OUT/ct-jpeg-ls, OUT/pet-jpeg-ls, ...)
// made with DCMTK's command-line encoders (recap::phantom::compressFolder).
//
// The anatomy is a crude body: an elliptical trunk with lungs, spine, ribs and pelvis, a neck
// and a head with skull and brain, a bladder and a few lesions that are hot on PET. Every voxel
// gets Gaussian noise (CT SD 15 HU; PET SD 20 % of the uptake), so that compressed sizes and
// decode times are those of real images rather than of flat phantoms. The output depends only
// on the seed (own random generator and Box-Muller transform, not the standard library's
// distributions, whose results differ between implementations).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <functional>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "recap/phantom/compress.h"
#include "recap/phantom/dicom_writer.h"

namespace fs = std::filesystem;
namespace ph = recap::phantom;

namespace {

constexpr int kSlices = 300;
constexpr double kSliceMm = 2.0;
constexpr double kFirstZ = -900.0;  // feet first slice; the head is at the top (+z in LPS)
const char* const kUidRoot = "1.2.826.0.1.3680043.10.1147.7";

// ---------------------------------------------------------------------------------------------
// Random numbers: splitmix64 seeding a xoshiro256+ generator, Box-Muller for Gaussians.

uint64_t splitmix(uint64_t& s) {
  uint64_t z = (s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (auto& x : s_) x = splitmix(seed);
  }
  double uniform() {  // (0, 1]
    const uint64_t r = s_[0] + s_[3];
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = (s_[3] << 45) | (s_[3] >> 19);
    return (static_cast<double>(r >> 11) + 1.0) * (1.0 / 9007199254740992.0);
  }
  float gauss() {
    if (have_spare_) {
      have_spare_ = false;
      return spare_;
    }
    const double r = std::sqrt(-2.0 * std::log(uniform()));
    const double a = 6.283185307179586 * uniform();
    spare_ = static_cast<float>(r * std::sin(a));
    have_spare_ = true;
    return static_cast<float>(r * std::cos(a));
  }

 private:
  uint64_t s_[4];
  bool have_spare_ = false;
  float spare_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Anatomy, in patient coordinates (LPS, mm): x to the patient's left, y posterior, z head-wards.

enum class Tissue { Air, Soft, Lung, Bone, Brain, Bladder, Lesion };

struct Lesion {
  double x, y, z, r, uptake;  // Bq/ml
};

const Lesion kLesions[] = {
    {-60, -20, -420, 12, 45000},   // mediastinal / hilar node
    {45, 10, -400, 8, 30000},      // lung nodule
    {-95, 20, -560, 15, 35000},    // liver lesion
    {70, -40, -650, 10, 25000},    // para-aortic node
    {-40, -10, -360, 18, 60000},   // bulky axillary mass
};

double sq(double v) { return v * v; }
bool inEllipse(double x, double y, double cx, double cy, double ax, double ay) {
  return sq((x - cx) / ax) + sq((y - cy) / ay) <= 1.0;
}

// Semi-axes of the body outline at height z.
void bodyOutline(double z, double& ax, double& ay) {
  const double t = z - kFirstZ;  // 0 .. 600 mm
  if (t >= 480) {                // head
    ax = 75;
    ay = 95;
  } else if (t >= 440) {  // neck
    ax = 60;
    ay = 65;
  } else {  // trunk, a little wider at the shoulders
    ax = 165 + (t > 300 ? 20.0 * (t - 300) / 140.0 : 0.0);
    ay = 115;
  }
}

Tissue tissueAt(double x, double y, double z) {
  const double t = z - kFirstZ;
  double ax, ay;
  bodyOutline(z, ax, ay);
  if (!inEllipse(x, y, 0, 0, ax, ay)) return Tissue::Air;
  for (const Lesion& l : kLesions)
    if (sq(x - l.x) + sq(y - l.y) + sq(z - l.z) <= sq(l.r)) return Tissue::Lesion;
  if (t >= 480) {  // head: 6 mm skull around the brain
    if (!inEllipse(x, y, 0, 0, ax - 6, ay - 6)) return Tissue::Bone;
    return inEllipse(x, y, 0, 0, ax - 12, ay - 12) ? Tissue::Brain : Tissue::Soft;
  }
  if (inEllipse(x, y, 0, 75, 14, 14)) return Tissue::Bone;  // vertebral body, posterior
  if (t < 440 && t >= 250) {                               // chest
    if (inEllipse(x, y, -80, 5, 55, 75) || inEllipse(x, y, 80, 5, 55, 75)) return Tissue::Lung;
    // Ribs: segments of a 7 mm ring just inside the body outline.
    const bool ring = inEllipse(x, y, 0, 0, ax - 8, ay - 8) && !inEllipse(x, y, 0, 0, ax - 15, ay - 15);
    if (ring && std::fmod(std::atan2(y, x) + 3.2, 0.35) < 0.14) return Tissue::Bone;
  }
  if (t < 90) {  // pelvis: femoral heads and the bladder
    if (inEllipse(x, y, -95, 10, 22, 22) || inEllipse(x, y, 95, 10, 22, 22)) return Tissue::Bone;
    if (t > 30 && sq(x) + sq(y + 40) + sq(t - 60) <= sq(35)) return Tissue::Bladder;
  }
  return Tissue::Soft;
}

float ctValue(Tissue t, Rng& rng) {
  switch (t) {
    case Tissue::Air: return -1000.0f + 8.0f * rng.gauss();
    case Tissue::Lung: return -800.0f + 30.0f * rng.gauss();
    case Tissue::Bone: return 700.0f + 60.0f * rng.gauss();
    case Tissue::Brain: return 35.0f + 15.0f * rng.gauss();
    case Tissue::Bladder: return 10.0f + 15.0f * rng.gauss();
    case Tissue::Lesion:
    case Tissue::Soft: break;
  }
  return 40.0f + 15.0f * rng.gauss();
}

float petValue(Tissue t, double x, double y, double z, Rng& rng) {
  double mean = 5000;
  switch (t) {
    case Tissue::Air: return std::max(0.0f, 30.0f * rng.gauss());
    case Tissue::Lung: mean = 1000; break;
    case Tissue::Bone: mean = 3000; break;
    case Tissue::Brain: mean = 20000; break;
    case Tissue::Bladder: mean = 40000; break;
    case Tissue::Lesion:
      for (const Lesion& l : kLesions)
        if (sq(x - l.x) + sq(y - l.y) + sq(z - l.z) <= sq(l.r)) mean = l.uptake;
      break;
    case Tissue::Soft: break;
  }
  return static_cast<float>(std::max(0.0, mean * (1.0 + 0.2 * rng.gauss())));
}

// ---------------------------------------------------------------------------------------------
// Series

struct Grid {
  int cols, rows;
  double pixel_mm;
  double x0() const { return -(cols - 1) * pixel_mm / 2.0; }
  double y0() const { return -(rows - 1) * pixel_mm / 2.0; }
};

// Fills `values` slice by slice on `threads` threads; slice k draws from its own generator, so
// the result does not depend on the number of threads.
void fill(std::vector<float>& values, const Grid& g, uint64_t seed, bool pet, unsigned threads) {
  const size_t per_slice = static_cast<size_t>(g.cols) * g.rows;
  values.assign(per_slice * kSlices, 0.0f);
  auto work = [&](int first, int step) {
    for (int k = first; k < kSlices; k += step) {
      Rng rng(seed * 1000003u + static_cast<uint64_t>(k) * 2 + (pet ? 1 : 0));
      const double z = kFirstZ + k * kSliceMm;
      float* out = values.data() + per_slice * static_cast<size_t>(k);
      for (int r = 0; r < g.rows; ++r) {
        const double y = g.y0() + r * g.pixel_mm;
        for (int c = 0; c < g.cols; ++c) {
          const double x = g.x0() + c * g.pixel_mm;
          const Tissue t = tissueAt(x, y, z);
          out[static_cast<size_t>(r) * g.cols + c] = pet ? petValue(t, x, y, z, rng) : ctValue(t, rng);
        }
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work, static_cast<int>(t), static_cast<int>(threads));
  work(0, static_cast<int>(threads));
  for (auto& t : pool) t.join();
}

ph::SeriesSpec spec(const std::string& modality, const Grid& g) {
  ph::SeriesSpec s;
  s.modality = modality;
  s.frame_of_reference_uid = std::string(kUidRoot) + ".3";
  s.cols = g.cols;
  s.rows = g.rows;
  s.slices = kSlices;
  s.row_spacing_mm = s.col_spacing_mm = g.pixel_mm;
  s.slice_spacing_mm = kSliceMm;
  s.first_position = {g.x0(), g.y0(), kFirstZ};
  s.pixel_signed = true;
  s.bits_stored = 16;
  s.naming = ph::FileNaming::InstanceNumber;
  if (modality == "CT") {
    s.series_uid = std::string(kUidRoot) + ".4.2";
    s.series_number = 2;
    s.series_description = "CT WB 2mm";
    s.slice_thickness_mm = 2.0;
    s.convolution_kernel = "B30f";
    s.rescale_slope = 1.0;
    s.rescale_intercept = 0.0;
  } else {
    s.series_uid = std::string(kUidRoot) + ".4.3";
    s.series_number = 3;
    s.series_description = "PET WB AC";
    s.slice_thickness_mm = 2.0;
    s.per_slice_slope = true;
    s.series_time = "091500";
    s.acquisition_times = {"091500"};
    s.pet = ph::PetInfo{};
    s.pet->frame_reference_time_ms = 0.0;
    s.pet->actual_frame_duration_ms = 120000.0;
  }
  return s;
}

double seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// Runs `a` and `b` on two threads and rethrows the first failure.
void both(const std::function<void()>& a, const std::function<void()>& b) {
  std::exception_ptr error_b;
  std::thread t([&] {
    try {
      b();
    } catch (...) {
      error_b = std::current_exception();
    }
  });
  std::exception_ptr error_a;
  try {
    a();
  } catch (...) {
    error_a = std::current_exception();
  }
  t.join();
  if (error_a) std::rethrow_exception(error_a);
  if (error_b) std::rethrow_exception(error_b);
}

int usage(const char* why) {
  std::cerr << "error: " << why << "\n"
            << "usage: recap_bench_make_series OUT [--seed N] [--jpeg-ls] [--jpeg-lossless]\n"
               "  writes OUT/ct (512x512x300 CT) and OUT/pet (200x200x300 PET); with --jpeg-ls or\n"
               "  --jpeg-lossless also OUT/ct-<syntax> and OUT/pet-<syntax>\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path out;
  uint64_t seed = 20240115;
  std::vector<ph::Syntax> compressed;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--seed" && i + 1 < argc) {
      seed = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--jpeg-ls") {
      compressed.push_back(ph::Syntax::JpegLsLossless);
    } else if (a == "--jpeg-lossless") {
      compressed.push_back(ph::Syntax::JpegLossless);
    } else if (!a.empty() && a[0] == '-') {
      return usage(("unknown option " + a).c_str());
    } else if (out.empty()) {
      out = a;
    } else {
      return usage("more than one output folder");
    }
  }
  if (out.empty()) return usage("no output folder");

  try {
    const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    ph::PatientInfo patient;
    patient.id = "BENCH-001";
    patient.name = "Bench^Phantom";
    ph::StudyInfo study;
    study.study_uid = std::string(kUidRoot) + ".1";
    const Grid ct_grid{512, 512, 0.98}, pet_grid{200, 200, 4.07};

    auto t0 = std::chrono::steady_clock::now();
    std::vector<float> ct, pet;
    fill(ct, ct_grid, seed, false, threads);
    fill(pet, pet_grid, seed, true, threads);
    std::fprintf(stderr, "generated values in %.2f s\n", seconds(t0));

    // DCMTK datasets of different files are independent: the two series are written in parallel.
    t0 = std::chrono::steady_clock::now();
    for (const char* d : {"ct", "pet"}) fs::remove_all(out / d);
    both([&] { ph::writeSeries(spec("CT", ct_grid), patient, study, ct, out / "ct"); },
         [&] { ph::writeSeries(spec("PT", pet_grid), patient, study, pet, out / "pet"); });
    std::fprintf(stderr, "wrote %s/ct and %s/pet in %.2f s\n", out.string().c_str(), out.string().c_str(),
                 seconds(t0));

    for (ph::Syntax s : compressed) {
      t0 = std::chrono::steady_clock::now();
      const std::string suffix = "-" + ph::syntaxName(s);
      for (const char* d : {"ct", "pet"}) fs::remove_all(out / (d + suffix));
      both([&] { ph::compressFolder(out / "ct", out / ("ct" + suffix), s); },
           [&] { ph::compressFolder(out / "pet", out / ("pet" + suffix), s); });
      std::fprintf(stderr, "wrote %s copies in %.2f s\n", ph::syntaxName(s).c_str(), seconds(t0));
    }
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
