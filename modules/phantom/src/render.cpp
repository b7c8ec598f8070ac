// Rendering of the analytic phantom into CT (HU) and PET (SUV) volumes: partial-volume sampling,
// PET point-spread blur, noise.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <random>
#include <string>
#include <thread>

#include "anatomy.h"
#include "recap/core/error.h"
#include "recap/phantom/model.h"

namespace recap::phantom {

Vec3 Volume::voxelCentre(int c, int r, int k) const {
  const Vec3 row{orientation[0], orientation[1], orientation[2]};
  const Vec3 col{orientation[3], orientation[4], orientation[5]};
  const Vec3 normal{row[1] * col[2] - row[2] * col[1], row[2] * col[0] - row[0] * col[2],
                    row[0] * col[1] - row[1] * col[0]};
  Vec3 p{};
  for (int i = 0; i < 3; ++i)
    p[i] = origin_mm[i] + c * pixel_mm * row[i] + r * pixel_mm * col[i] + k * slice_mm * normal[i];
  return p;
}

namespace detail {
namespace {

struct GridSpec {
  int matrix;
  double pixel_mm, slice_mm, z_from_mm, z_to_mm;
  Vec3 centre_mm;
  bool feet_first;
};

Volume makeVolume(const GridSpec& g, const char* what) {
  const bool valid = g.matrix > 0 && g.pixel_mm > 0 && g.slice_mm > 0 && std::isfinite(g.z_from_mm) &&
                     std::isfinite(g.z_to_mm) && g.z_to_mm >= g.z_from_mm && std::isfinite(g.pixel_mm) &&
                     std::isfinite(g.slice_mm);
  if (!valid) throw Error(ErrorCode::Internal, "", std::string("empty or invalid ") + what + " grid");
  const double n = std::floor((g.z_to_mm - g.z_from_mm) / g.slice_mm + 1e-6) + 1;
  if (n * g.matrix * double(g.matrix) > 2e9)
    throw Error(ErrorCode::Internal, "", std::string(what) + " grid too large");
  Volume v;
  v.cols = v.rows = g.matrix;
  v.slices = static_cast<int>(n);
  v.pixel_mm = g.pixel_mm;
  v.slice_mm = g.slice_mm;
  const double half = (g.matrix - 1) / 2.0 * g.pixel_mm;
  if (g.feet_first) {
    v.orientation = {-1, 0, 0, 0, 1, 0};
    v.origin_mm = {g.centre_mm[0] + half, g.centre_mm[1] - half, g.z_to_mm};
  } else {
    v.orientation = {1, 0, 0, 0, 1, 0};
    v.origin_mm = {g.centre_mm[0] - half, g.centre_mm[1] - half, g.z_from_mm};
  }
  v.values.assign(static_cast<size_t>(v.cols) * v.rows * v.slices, 0.0f);
  return v;
}

// Runs fn(i) for i in [0, n) on a few threads; each index is handled by exactly one thread, so the
// result does not depend on the number of threads as long as fn(i) only depends on i.
template <typename Fn>
void parallelFor(int n, Fn fn) {
  const int threads = std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, 8);
  std::atomic<int> next{0};
  auto work = [&] {
    for (int i = next++; i < n; i = next++) fn(i);
  };
  std::vector<std::thread> pool;
  for (int i = 1; i < std::min(threads, n); ++i) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
}

uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// One generator per (seed, stream, slice), so threads do not change the noise.
std::mt19937_64 sliceRng(uint64_t seed, uint64_t stream, int slice) {
  return std::mt19937_64(splitmix64(splitmix64(seed) ^ splitmix64(stream * 1000003ULL + uint64_t(slice))));
}

// Partial-volume sampling of painted shapes on a grid. Each voxel is classified at its centre with the
// shapes' distance bounds: when no surface comes within the voxel's half diagonal the voxel is uniform
// and takes the value at its centre; otherwise it is the mean over n_x * n_y * n_z sub-voxel centres,
// evaluating only the shapes whose surface may cross the voxel on top of the top-most shape that
// contains it entirely.
class Voxelizer {
 public:
  Voxelizer(const std::vector<Shape>& shapes, const RigidTransform& pose, bool suv, const Volume& vol)
      : pose_(pose), vol_(vol), background_(suv ? 0.0f : -1000.0f) {
    for (const Shape& s : shapes) placeShape(s, suv);
    half_ = {vol.pixel_mm / 2, vol.pixel_mm / 2, vol.slice_mm / 2};
    half_diagonal_ = std::sqrt(dot(half_, half_));
    const int nxy = std::clamp(static_cast<int>(std::ceil(vol.pixel_mm / 1.0 - 1e-9)), 2, 4);
    const int nz = std::clamp(static_cast<int>(std::ceil(vol.slice_mm / 1.0 - 1e-9)), 2, 4);
    for (int i = 0; i < nxy; ++i)
      for (int j = 0; j < nxy; ++j)
        for (int l = 0; l < nz; ++l) {
          const Vec3 off{((i + 0.5) / nxy - 0.5) * vol.pixel_mm, ((j + 0.5) / nxy - 0.5) * vol.pixel_mm,
                         ((l + 0.5) / nz - 0.5) * vol.slice_mm};
          sub_offsets_.push_back(mulT(pose.rotation, off));  // scanner offset -> body offset
        }
  }

  void renderSlice(int k, float* out) const {
    const Vec3 p0 = vol_.voxelCentre(0, 0, k);
    std::vector<const Placed*> in_slice, in_row, active;
    for (const Placed& p : placed_)
      if (p.lo[2] <= p0[2] + half_[2] && p.hi[2] >= p0[2] - half_[2]) in_slice.push_back(&p);
    const double dx = vol_.pixel_mm * vol_.orientation[0];
    for (int r = 0; r < vol_.rows; ++r) {
      const double y = p0[1] + r * vol_.pixel_mm;
      in_row.clear();
      for (const Placed* p : in_slice)
        if (p->lo[1] <= y + half_[1] && p->hi[1] >= y - half_[1]) in_row.push_back(p);
      for (int c = 0; c < vol_.cols; ++c) {
        const Vec3 centre{p0[0] + c * dx, y, p0[2]};
        out[static_cast<size_t>(r) * vol_.cols + c] = voxelValue(centre, in_row, active);
      }
    }
  }

 private:
  struct Placed {
    const Shape* shape;
    Vec3 lo, hi;  // scanner bounding box
    float value;
  };

  void placeShape(const Shape& s, bool suv) {
    Placed p{&s, {kInf, kInf, kInf}, {-kInf, -kInf, -kInf}, float(suv ? s.material.suv : s.material.hu)};
    for (int corner = 0; corner < 8; ++corner) {
      const Vec3 q{(corner & 1) ? s.box_max[0] : s.box_min[0], (corner & 2) ? s.box_max[1] : s.box_min[1],
                   (corner & 4) ? s.box_max[2] : s.box_min[2]};
      const Vec3 x = pose_.toScanner(q);
      for (int i = 0; i < 3; ++i) {
        p.lo[i] = std::min(p.lo[i], x[i]);
        p.hi[i] = std::max(p.hi[i], x[i]);
      }
    }
    placed_.push_back(p);
  }

  float voxelValue(const Vec3& centre, const std::vector<const Placed*>& candidates,
                   std::vector<const Placed*>& active) const {
    const Vec3 q = pose_.toBody(centre);
    float base = background_;
    active.clear();
    for (auto it = candidates.rbegin(); it != candidates.rend(); ++it) {
      const Placed* p = *it;
      if (p->lo[0] > centre[0] + half_[0] || p->hi[0] < centre[0] - half_[0]) continue;
      const double d = p->shape->distanceBound(q);
      if (d < -half_diagonal_) {
        base = p->value;
        break;
      }
      if (d <= half_diagonal_) active.push_back(p);
    }
    if (active.empty()) return base;
    double sum = 0;
    for (const Vec3& off : sub_offsets_) {
      const Vec3 s = add(q, off);
      float v = base;
      for (const Placed* p : active)
        if (p->shape->inside(s)) {
          v = p->value;
          break;
        }
      sum += v;
    }
    return static_cast<float>(sum / sub_offsets_.size());
  }

  RigidTransform pose_;
  const Volume& vol_;
  float background_;
  std::vector<Placed> placed_;
  Vec3 half_{};
  double half_diagonal_ = 0;
  std::vector<Vec3> sub_offsets_;
};

// Normalised sampled Gaussian, truncated at 4 sigma; a single tap when sigma is negligible.
std::vector<double> gaussianKernel(double sigma_voxels) {
  if (!(sigma_voxels > 1e-3)) return {1.0};
  const int radius = static_cast<int>(std::ceil(4 * sigma_voxels));
  std::vector<double> w(2 * radius + 1);
  double sum = 0;
  for (int i = -radius; i <= radius; ++i)
    sum += w[i + radius] = std::exp(-0.5 * i * i / (sigma_voxels * sigma_voxels));
  for (double& x : w) x /= sum;
  return w;
}

// Separable Gaussian blur in place. Edges are clamped (the edge voxel is repeated): the anatomy goes on
// beyond the axial field of view, so the end slices keep their level instead of darkening, and in x/y
// the field of view ends in air (0) anyway. Activity is conserved for objects farther than 4 sigma
// from the grid edges.
void gaussianBlur(Volume& v, double fwhm_mm) {
  if (!(fwhm_mm > 0)) return;
  const double sigma = fwhm_mm / 2.3548200450309493;
  const std::vector<double> kxy = gaussianKernel(sigma / v.pixel_mm), kz = gaussianKernel(sigma / v.slice_mm);
  const int nx = v.cols, ny = v.rows, nz = v.slices;
  const size_t plane = static_cast<size_t>(nx) * ny;
  std::vector<float> tmp(v.values.size());
  // x then y, slice by slice, into tmp.
  parallelFor(nz, [&](int k) {
    const int rx = static_cast<int>(kxy.size()) / 2;
    std::vector<double> row(nx), acc(plane);
    const float* in = v.values.data() + k * plane;
    for (int r = 0; r < ny; ++r)
      for (int c = 0; c < nx; ++c) {
        double s = 0;
        for (int j = -rx; j <= rx; ++j) s += kxy[j + rx] * in[r * size_t(nx) + std::clamp(c + j, 0, nx - 1)];
        acc[r * size_t(nx) + c] = s;
      }
    float* out = tmp.data() + k * plane;
    for (int r = 0; r < ny; ++r) {
      std::fill(row.begin(), row.end(), 0.0);
      for (int j = -rx; j <= rx; ++j) {
        const double* src = acc.data() + std::clamp(r + j, 0, ny - 1) * size_t(nx);
        for (int c = 0; c < nx; ++c) row[c] += kxy[j + rx] * src[c];
      }
      for (int c = 0; c < nx; ++c) out[r * size_t(nx) + c] = static_cast<float>(row[c]);
    }
  });
  // z, from tmp back into the volume.
  parallelFor(nz, [&](int k) {
    const int rz = static_cast<int>(kz.size()) / 2;
    std::vector<double> acc(plane, 0.0);
    for (int j = -rz; j <= rz; ++j) {
      const float* src = tmp.data() + std::clamp(k + j, 0, nz - 1) * plane;
      for (size_t i = 0; i < plane; ++i) acc[i] += kz[j + rz] * src[i];
    }
    float* out = v.values.data() + k * plane;
    for (size_t i = 0; i < plane; ++i) out[i] = static_cast<float>(acc[i]);
  });
}

constexpr uint64_t kCtStream = 1, kPetStream = 2;

void renderCt(const std::vector<Shape>& shapes, const RigidTransform& pose, const CtGrid& grid,
              const RenderOptions& options, Volume& ct) {
  const Voxelizer vox(shapes, pose, false, ct);
  const size_t plane = static_cast<size_t>(ct.cols) * ct.rows;
  parallelFor(ct.slices, [&](int k) {
    float* out = ct.values.data() + k * plane;
    vox.renderSlice(k, out);
    if (!options.noise || !(grid.noise_hu > 0)) return;
    auto rng = sliceRng(options.seed, kCtStream, k);
    std::normal_distribution<double> gauss(0.0, grid.noise_hu);
    for (size_t i = 0; i < plane; ++i) out[i] = static_cast<float>(out[i] + gauss(rng));
  });
}

void renderPet(const std::vector<Shape>& shapes, const RigidTransform& pose, const PetGrid& grid,
               const RenderOptions& options, Volume& clean, Volume& noisy) {
  const Voxelizer vox(shapes, pose, true, clean);
  const size_t plane = static_cast<size_t>(clean.cols) * clean.rows;
  parallelFor(clean.slices, [&](int k) { vox.renderSlice(k, clean.values.data() + k * plane); });
  gaussianBlur(clean, grid.fwhm_mm);
  noisy = clean;
  if (!options.noise || !(grid.noise_cv > 0)) return;
  parallelFor(noisy.slices, [&](int k) {
    auto rng = sliceRng(options.seed, kPetStream, k);
    std::normal_distribution<double> gauss(0.0, 1.0);
    float* out = noisy.values.data() + k * plane;
    for (size_t i = 0; i < plane; ++i) {
      const double v = out[i];
      const double g = gauss(rng);  // drawn for every voxel so the stream does not depend on values
      out[i] = static_cast<float>(std::max(0.0, v + grid.noise_cv * std::sqrt(std::max(v, 0.0)) * g));
    }
  });
}

}  // namespace
}  // namespace detail

Rendered render(const std::vector<Lesion>& lesions, const Physiology& physiology, int t, const Pose& pose,
                const CtGrid& ct, const PetGrid& pet, const RenderOptions& options) {
  using namespace detail;
  for (const Lesion& lesion : lesions)
    if (t < 0 || t >= static_cast<int>(lesion.states.size()))
      throw Error(ErrorCode::Internal, "",
                  "timepoint " + std::to_string(t) + " out of range for lesion " + lesion.id + " (" +
                      std::to_string(lesion.states.size()) + " states)");
  const RigidTransform transform = poseTransform(pose);
  std::vector<Shape> shapes = buildAnatomy(physiology);
  for (const Lesion& lesion : lesions) {
    const std::vector<Shape> parts = lesionShapes(lesion, lesion.states[t]);
    shapes.insert(shapes.end(), parts.begin(), parts.end());
  }
  Rendered out;
  out.ct = makeVolume(
      {ct.matrix, ct.pixel_mm, ct.slice_mm, ct.z_from_mm, ct.z_to_mm, ct.centre_mm, ct.feet_first}, "CT");
  out.pet_clean = makeVolume(
      {pet.matrix, pet.pixel_mm, pet.slice_mm, pet.z_from_mm, pet.z_to_mm, pet.centre_mm, pet.feet_first},
      "PET");
  renderCt(shapes, transform, ct, options, out.ct);
  renderPet(shapes, transform, pet, options, out.pet_clean, out.pet);
  out.truth = computeTruth(lesions, physiology, t, pose, out.ct, out.pet_clean);
  return out;
}

}  // namespace recap::phantom
