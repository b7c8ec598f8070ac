// The only translation unit of recap that instantiates ITK's registration framework (build cost:
// see /work/shared/reference/build-notes.md); everything else in this module is plain C++.
#include "recap/registration/align.h"

#include <itkEuler3DTransform.h>
#include <itkGradientDescentOptimizerv4.h>
#include <itkImageMaskSpatialObject.h>
#include <itkImageRegistrationMethodv4.h>
#include <itkMeanSquaresImageToImageMetricv4.h>
#include <itkRegistrationParameterScalesFromPhysicalShift.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <sstream>

#include "grid.h"
#include "recap/core/error.h"

namespace recap::registration {

using detail::Grid;
using Image = dicom::Image;
using MaskImage = itk::Image<unsigned char, 3>;
using Mask = itk::ImageMaskSpatialObject<3>;
using Transform = itk::Euler3DTransform<double>;
using Metric = itk::MeanSquaresImageToImageMetricv4<Image, Image>;
using Optimizer = itk::GradientDescentOptimizerv4;
using Method = itk::ImageRegistrationMethodv4<Image, Image, Transform>;
using Scales = itk::RegistrationParameterScalesFromPhysicalShift<Metric>;

namespace {

constexpr double kAirHu = -1000, kMaxHu = 1000;  // working copies are clamped to this range

std::string fmt(const char* f, ...) __attribute__((format(printf, 1, 2)));
std::string fmt(const char* f, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, f);
  std::vsnprintf(buf, sizeof buf, f, ap);
  va_end(ap);
  return buf;
}

Point3 rotate(const std::array<double, 9>& m, const Point3& p) {
  return {m[0] * p[0] + m[1] * p[1] + m[2] * p[2], m[3] * p[0] + m[4] * p[1] + m[5] * p[2],
          m[6] * p[0] + m[7] * p[1] + m[8] * p[2]};
}

double distance(const Point3& a, const Point3& b) {
  return std::sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
}

// The voxels of `image` in [start, start + size) (clamped to its region), HU clamped to
// [kAirHu, kMaxHu], as a Grid.
Grid toGrid(const Image& image, std::array<long, 3> start, std::array<long, 3> size) {
  const auto region = image.GetLargestPossibleRegion();
  for (int a = 0; a < 3; ++a) {
    const long lo = std::max<long>(start[a], region.GetIndex(a));
    const long hi = std::min<long>(start[a] + size[a], region.GetIndex(a) + long(region.GetSize(a)));
    start[a] = lo;
    size[a] = std::max(0L, hi - lo);
  }
  Grid g;
  Image::IndexType first;
  for (int a = 0; a < 3; ++a) {
    g.n[a] = size[a];
    g.spacing[a] = image.GetSpacing()[a];
    first[a] = start[a];
  }
  Image::PointType o;
  image.TransformIndexToPhysicalPoint(first, o);
  g.origin = {o[0], o[1], o[2]};
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) g.dir[size_t(r * 3 + c)] = image.GetDirection()(r, c);
  g.v.resize(g.size());
  const float* buf = image.GetBufferPointer();
  const long nx = long(region.GetSize(0)), ny = long(region.GetSize(1));
  for (long k = 0; k < size[2]; ++k)
    for (long j = 0; j < size[1]; ++j) {
      const float* q = buf + ((start[2] + k - region.GetIndex(2)) * ny + (start[1] + j - region.GetIndex(1))) * nx +
                       (start[0] - region.GetIndex(0));
      float* out = g.v.data() + g.at(0, j, k);
      for (long i = 0; i < size[0]; ++i) out[i] = std::clamp(q[i], float(kAirHu), float(kMaxHu));
    }
  return g;
}

// The whole image block-averaged to about `target_mm` per axis (detail::factorsFor), HU clamped
// first: the same as detail::reduce(toGrid(image), ...) without the full-resolution copy.
Grid toReducedGrid(const Image& image, double target_mm) {
  const auto region = image.GetLargestPossibleRegion();
  Grid full;  // geometry only
  for (int a = 0; a < 3; ++a) full.n[a] = long(region.GetSize(a)), full.spacing[a] = image.GetSpacing()[a];
  const std::array<long, 3> f = detail::factorsFor(full, target_mm);
  Grid r;
  for (int a = 0; a < 3; ++a) {
    r.n[a] = std::max(1L, full.n[a] / f[a]);
    r.spacing[a] = full.spacing[a] * double(f[a]);
  }
  for (int row = 0; row < 3; ++row)
    for (int c = 0; c < 3; ++c) r.dir[size_t(row * 3 + c)] = image.GetDirection()(row, c);
  itk::ContinuousIndex<double, 3> ci;
  for (int a = 0; a < 3; ++a) ci[a] = double(region.GetIndex(a)) + (double(f[a]) - 1) / 2.0;
  Image::PointType o;
  image.TransformContinuousIndexToPhysicalPoint(ci, o);
  r.origin = {o[0], o[1], o[2]};
  detail::blockAverage(image.GetBufferPointer(), full.n, f, float(kAirHu), float(kMaxHu), r.v);
  return r;
}

// Alignment::map with the rotation computed once (map() builds it at every call).
auto mapperOf(const Alignment& a) {
  const std::array<double, 9> m = a.matrix();
  return [m, c = a.centre, t = a.translation](const Point3& p) {
    const Point3 r = rotate(m, {p[0] - c[0], p[1] - c[1], p[2] - c[2]});
    return Point3{r[0] + c[0] + t[0], r[1] + c[1] + t[1], r[2] + c[2] + t[2]};
  };
}

template <typename TImage, typename T>
typename TImage::Pointer toItk(const Grid& g, const std::vector<T>& values) {
  auto image = TImage::New();
  typename TImage::RegionType region;
  typename TImage::SpacingType spacing;
  typename TImage::PointType origin;
  typename TImage::DirectionType direction;
  for (int a = 0; a < 3; ++a) {
    region.SetSize(a, size_t(g.n[a]));
    region.SetIndex(a, 0);
    spacing[a] = g.spacing[a];
    origin[a] = g.origin[a];
    for (int c = 0; c < 3; ++c) direction(a, c) = g.dir[size_t(a * 3 + c)];
  }
  image->SetRegions(region);
  image->SetSpacing(spacing);
  image->SetOrigin(origin);
  image->SetDirection(direction);
  image->Allocate();
  std::copy(values.begin(), values.end(), image->GetBufferPointer());
  return image;
}

bool insideImage(const Image& image, const Point3& p, itk::ContinuousIndex<double, 3>* index = nullptr) {
  Image::PointType q;
  for (int a = 0; a < 3; ++a) q[a] = p[a];
  itk::ContinuousIndex<double, 3> c;
  image.TransformPhysicalPointToContinuousIndex(q, c);
  if (index) *index = c;
  const auto region = image.GetLargestPossibleRegion();
  for (int a = 0; a < 3; ++a)
    if (!(c[a] >= region.GetIndex(a) - 0.5 && c[a] < region.GetIndex(a) + double(region.GetSize(a)) - 0.5)) return false;
  return true;
}

// Per-level iteration counts and a line per level in the report.
class LevelObserver : public itk::Command {
 public:
  using Self = LevelObserver;
  using Superclass = itk::Command;
  using Pointer = itk::SmartPointer<Self>;
  itkNewMacro(Self);
  Method* method = nullptr;
  Optimizer* optimizer = nullptr;
  std::vector<unsigned> iterations;
  std::vector<double> steps;
  std::ostringstream* log = nullptr;
  std::chrono::steady_clock::time_point start;
  double clock() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); }
  void Execute(const itk::Object* caller, const itk::EventObject& event) override {
    Execute(const_cast<itk::Object*>(caller), event);
  }
  void Execute(itk::Object*, const itk::EventObject& event) override {
    if (!itk::MultiResolutionIterationEvent().CheckEvent(&event)) return;
    const unsigned level = method->GetCurrentLevel();
    if (level > 0 && log) report(level - 1);
    if (log) *log << fmt("  level %u starts at %.1f s\n", level, clock());
    if (level < iterations.size()) optimizer->SetNumberOfIterations(iterations[level]);
    if (level < steps.size()) optimizer->SetMaximumStepSizeInPhysicalUnits(steps[level]);
  }
  void report(unsigned level) {
    *log << fmt("  level %u: %u iterations, mean squares %.1f HU^2 (%s)\n", level, unsigned(optimizer->GetCurrentIteration()),
                optimizer->GetCurrentMetricValue(), optimizer->GetStopConditionDescription().c_str());
  }
};

// Gradient descent whose every step moves the image by `step_mm` at most (physical-shift scales and
// learning rate estimated at each iteration): steps are physical whatever the gradient's size,
// rotations and translations are balanced, and the final wobble is below step_mm.
Optimizer::Pointer makeOptimizer(unsigned iterations, double step_mm) {
  auto optimizer = Optimizer::New();
  optimizer->SetNumberOfIterations(iterations);
  optimizer->SetDoEstimateLearningRateOnce(false);
  optimizer->SetDoEstimateLearningRateAtEachIteration(true);
  optimizer->SetMaximumStepSizeInPhysicalUnits(step_mm);
  optimizer->SetMinimumConvergenceValue(1e-6);
  optimizer->SetConvergenceWindowSize(10);
  return optimizer;
}

// A registration method on the two grids with `metric`, `optimizer` (physical-shift scales) and
// `initial` optimised in place; callers add levels, sampling and weights.
Method::Pointer makeMethod(const Grid& fixed_g, const Grid& moving_g, Metric* metric, Optimizer* optimizer,
                           Transform* initial) {
  auto scales = Scales::New();
  scales->SetMetric(metric);
  optimizer->SetScalesEstimator(scales);
  auto method = Method::New();
  method->SetFixedImage(toItk<Image>(fixed_g, fixed_g.v));
  method->SetMovingImage(toItk<Image>(moving_g, moving_g.v));
  method->SetMetric(metric);
  method->SetOptimizer(optimizer);
  method->SetInitialTransform(initial);
  method->InPlaceOn();
  return method;
}

Transform::Pointer toTransform(const Alignment& a) {
  auto t = Transform::New();
  Transform::InputPointType c;
  for (int i = 0; i < 3; ++i) c[i] = a.centre[i];
  t->SetCenter(c);
  Transform::ParametersType p(6);
  for (int i = 0; i < 3; ++i) p[i] = a.angles_rad[i], p[i + 3] = a.translation[i];
  t->SetParameters(p);
  return t;
}

}  // namespace

std::array<double, 9> Alignment::matrix() const {
  const auto t = toTransform(*this);
  std::array<double, 9> m;
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) m[size_t(r * 3 + c)] = t->GetMatrix()(r, c);
  return m;
}

Point3 Alignment::map(const Point3& p) const {
  const Point3 r = rotate(matrix(), {p[0] - centre[0], p[1] - centre[1], p[2] - centre[2]});
  return {r[0] + centre[0] + translation[0], r[1] + centre[1] + translation[1], r[2] + centre[2] + translation[2]};
}

Point3 Alignment::inverse(const Point3& q) const {
  const auto m = matrix();
  const std::array<double, 9> mt{m[0], m[3], m[6], m[1], m[4], m[7], m[2], m[5], m[8]};
  const Point3 r = rotate(mt, {q[0] - centre[0] - translation[0], q[1] - centre[1] - translation[1],
                               q[2] - centre[2] - translation[2]});
  return {r[0] + centre[0], r[1] + centre[1], r[2] + centre[2]};
}

Alignment alignRigid(const Image& baseline_ct, const Image& followup_ct, const AlignOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  std::ostringstream log;
  Alignment result;

  // Working copies: block-averaged to about working_mm, HU clamped.
  const Grid bw = toReducedGrid(baseline_ct, o.working_mm);
  const Grid fw = toReducedGrid(followup_ct, o.working_mm);
  log << fmt("working grids: baseline %ldx%ldx%ld at %.2fx%.2fx%.2f mm, follow-up %ldx%ldx%ld at %.2fx%.2fx%.2f mm\n",
             bw.n[0], bw.n[1], bw.n[2], bw.spacing[0], bw.spacing[1], bw.spacing[2], fw.n[0], fw.n[1], fw.n[2],
             fw.spacing[0], fw.spacing[1], fw.spacing[2]);

  // Initialisation on the coarsest level: x, y from the body centroids, z by exhaustive search.
  const Grid bc = detail::reduce(bw, detail::factorsFor(bw, o.level_mm[0]));
  const Grid fc = detail::reduce(fw, detail::factorsFor(fw, o.level_mm[0]));
  Point3 cb, cf;
  if (!detail::centroid(bc, o.body_hu, cb))
    throw Error(ErrorCode::BadGeometry, "", fmt("registration: the baseline CT holds no body (no voxel above %.0f HU)", o.body_hu));
  if (!detail::centroid(fc, o.body_hu, cf))
    throw Error(ErrorCode::BadGeometry, "", fmt("registration: the follow-up CT holds no body (no voxel above %.0f HU)", o.body_hu));
  const auto zb = bw.zRange(), zf = fw.zRange();
  if (std::min(zb[1] - zb[0], zf[1] - zf[0]) < o.min_extent_mm)
    throw Error(ErrorCode::BadGeometry, "",
                fmt("registration: a CT too short to align (baseline %.0f mm, follow-up %.0f mm of z range; at least %.0f mm needed)",
                    zb[1] - zb[0], zf[1] - zf[0], o.min_extent_mm));
  const double need = std::min(o.min_overlap_mm, 0.8 * std::min(zb[1] - zb[0], zf[1] - zf[0]));
  const double dz_lo = zf[0] - zb[1] + need, dz_hi = zf[1] - zb[0] - need;
  if (dz_lo > dz_hi)
    throw Error(ErrorCode::BadGeometry, "",
                fmt("registration: the CTs cannot share %.0f mm of z range (baseline z %.0f..%.0f, follow-up z %.0f..%.0f)",
                    need, zb[0], zb[1], zf[0], zf[1]));
  const std::vector<uint8_t> mask_c = detail::bodyMask(bc, o.body_hu, o.mask_margin_mm);
  double best_ms = 1e300, best_dz = 0, best_inside = 0;
  const double step = std::min(4.0, bc.spacing[2]);
  for (double dz = dz_lo; dz <= dz_hi + 1e-9; dz += step) {
    const Point3 t{cf[0] - cb[0], cf[1] - cb[1], dz};
    double inside = 0, ms = 0;
    detail::correlation(bc, mask_c, fc, [&](const Point3& p) { return Point3{p[0] + t[0], p[1] + t[1], p[2] + t[2]}; },
                        &inside, &ms);
    if (inside > 0.05 && ms < best_ms) best_ms = ms, best_dz = dz, best_inside = inside;
  }
  if (best_ms >= 1e300)
    throw Error(ErrorCode::BadGeometry, "", "registration: no z offset puts the baseline body inside the follow-up CT");
  const auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  log << fmt("initialisation: centroid shift (%.1f, %.1f) mm, z offset %.1f mm (searched %.0f..%.0f mm, "
             "mean squares %.0f HU^2, %.0f %% of the body inside); %.1f s\n",
             cf[0] - cb[0], cf[1] - cb[1], best_dz, dz_lo, dz_hi, best_ms, 100 * best_inside, elapsed());

  // Registration: mean squares on the dilated baseline body, three levels. Each level registers
  // copies of both working grids block-averaged to that level's spacing (the averaging is the
  // level's smoothing), so the coarse levels cost what their few voxels cost: ITK's own pyramid
  // smooths the full-resolution images at every level and computes the moving image's gradient
  // over all of it, which took most of the time (docs/performance.md).
  auto transform = Transform::New();
  {
    Transform::InputPointType c;
    for (int i = 0; i < 3; ++i) c[i] = cb[i];
    transform->SetCenter(c);
    Transform::ParametersType p(6);
    p.Fill(0);
    p[3] = cf[0] - cb[0], p[4] = cf[1] - cb[1], p[5] = best_dz;
    transform->SetParameters(p);
  }
  double final_metric = 0;
  for (unsigned l = 0; l < 3; ++l) {
    const Grid bl = l == 2 ? Grid() : detail::reduce(bw, detail::factorsFor(bw, o.level_mm[l]));
    const Grid fl = l == 2 ? Grid() : detail::reduce(fw, detail::factorsFor(fw, o.level_mm[l]));
    const Grid& fixed_g = l == 2 ? bw : bl;
    const Grid& moving_g = l == 2 ? fw : fl;
    auto mask = Mask::New();
    mask->SetImage(toItk<MaskImage>(fixed_g, detail::bodyMask(fixed_g, o.body_hu, o.mask_margin_mm)));
    mask->Update();
    auto metric = Metric::New();
    metric->SetFixedImageMask(mask);
    // The gradient image pays on the small coarse grids; on the working grid, central differences
    // at the sample points cost less than a gradient of every voxel.
    metric->SetUseMovingImageGradientFilter(l < 2);
    const double step = o.step_fraction * o.level_mm[l];
    auto optimizer = makeOptimizer(o.iterations[l], step);
    auto method = makeMethod(fixed_g, moving_g, metric, optimizer, transform);
    method->SetNumberOfLevels(1);
    Method::ShrinkFactorsArrayType shrink(1);
    shrink.Fill(1);
    method->SetShrinkFactorsPerLevel(shrink);
    Method::SmoothingSigmasArrayType sigmas(1);
    sigmas.Fill(0);
    method->SetSmoothingSigmasPerLevel(sigmas);
    Method::MetricSamplingPercentageArrayType percent(1);
    percent[0] = std::min(1.0, o.samples_per_level / double(fixed_g.size()));
    method->SetMetricSamplingStrategy(Method::MetricSamplingStrategyEnum::RANDOM);
    method->SetMetricSamplingPercentagePerLevel(percent);
    method->MetricSamplingReinitializeSeed(20240115 + int(l));
    if (o.threads > 0) method->SetNumberOfWorkUnits(o.threads);
    const double level_start = elapsed();
    try {
      method->Update();
    } catch (const itk::ExceptionObject& e) {
      throw Error(ErrorCode::Internal, "", std::string("registration: ITK failed: ") + e.GetDescription());
    }
    final_metric = optimizer->GetCurrentMetricValue();
    log << fmt("  level %u (%ldx%ldx%ld at %.1fx%.1fx%.1f mm): %u iterations, mean squares %.1f HU^2 (%s); %.1f s\n", l,
               fixed_g.n[0], fixed_g.n[1], fixed_g.n[2], fixed_g.spacing[0], fixed_g.spacing[1], fixed_g.spacing[2],
               unsigned(optimizer->GetCurrentIteration()), final_metric,
               optimizer->GetStopConditionDescription().c_str(), elapsed() - level_start);
  }

  const auto p = transform->GetParameters();
  result.centre = cb;
  for (int i = 0; i < 3; ++i) result.angles_rad[i] = p[i], result.translation[i] = p[i + 3];
  result.metric = final_metric;
  double inside = 0;
  const std::vector<uint8_t> interior = detail::interiorMask(bw, o.body_hu, o.interior_inset_mm);
  result.correlation = detail::correlation(bw, interior, fw, mapperOf(result), &inside);
  result.overlap = inside;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double k = 180 / M_PI;
  log << fmt("result: rotation (%.2f, %.2f, %.2f) deg about (%.1f, %.1f, %.1f), translation (%.1f, %.1f, %.1f) mm; "
             "correlation %.3f over %.0f %% of the baseline's body interior; %.1f s\n",
             p[0] * k, p[1] * k, p[2] * k, cb[0], cb[1], cb[2], p[3], p[4], p[5], result.correlation, 100 * inside,
             result.seconds);
  result.report = log.str();
  if (result.correlation < o.min_correlation)
    throw Error(ErrorCode::BadGeometry, "",
                fmt("registration failed: the aligned CTs correlate %.2f (< %.2f) over %.0f %% of the baseline's body interior\n",
                    result.correlation, o.min_correlation, 100 * inside) +
                    result.report);
  return result;
}

TrackedSeed refineSeed(const Image& baseline_ct, const Image& followup_ct, const Alignment& alignment,
                       const Point3& seed, const RefineOptions& o) {
  TrackedSeed r;
  itk::ContinuousIndex<double, 3> cb, cf;
  if (!insideImage(baseline_ct, seed, &cb))
    throw Error(ErrorCode::CaseFile, "",
                fmt("seed (%.1f, %.1f, %.1f) mm lies outside the baseline CT", seed[0], seed[1], seed[2]));
  r.global_mm = r.followup_mm = alignment.map(seed);
  r.inside_followup = insideImage(followup_ct, r.global_mm, &cf);
  if (!r.inside_followup) {
    r.report = fmt("mapped seed (%.1f, %.1f, %.1f) mm lies outside the follow-up CT: global alignment kept",
                   r.global_mm[0], r.global_mm[1], r.global_mm[2]);
    return r;
  }
  // Boxes: the baseline cube around the seed, and a larger follow-up cube around the mapped seed.
  auto box = [](const Image& image, const itk::ContinuousIndex<double, 3>& c, double half_mm) {
    std::array<long, 3> start, size;
    for (int a = 0; a < 3; ++a) {
      const long h = std::max(1L, long(std::ceil(half_mm / image.GetSpacing()[a])));
      start[a] = long(std::lround(c[a])) - h;
      size[a] = 2 * h + 1;
    }
    return toGrid(image, start, size);
  };
  const Grid fixed_g = box(baseline_ct, cb, o.box_mm / 2);
  const Grid moving_g = box(followup_ct, cf, o.box_mm / 2 + o.max_shift_mm + 5);
  if (fixed_g.size() < 8 || moving_g.size() < 8) {
    r.report = "the box around the seed is empty: global alignment kept";
    return r;
  }
  const Transform::Pointer global = toTransform(alignment);
  auto local = Transform::New();
  {
    Transform::InputPointType c;
    for (int i = 0; i < 3; ++i) c[i] = seed[i];
    local->SetCenter(c);
    local->SetIdentity();
  }
  auto metric = Metric::New();
  auto optimizer = makeOptimizer(o.iterations, o.step_mm[0]);
  auto method = makeMethod(fixed_g, moving_g, metric, optimizer, local);
  method->SetMovingInitialTransform(global);
  if (!o.rotation) {
    Method::OptimizerWeightsType w(6);
    w.Fill(1);
    w[0] = w[1] = w[2] = 0;
    method->SetOptimizerWeights(w);
  }
  method->SetNumberOfLevels(2);
  Method::SmoothingSigmasArrayType sigmas(2);
  for (unsigned l = 0; l < 2; ++l) {
    Method::ShrinkFactorsPerDimensionContainerType f;
    for (int a = 0; a < 3; ++a)
      f[a] = l == 0 ? unsigned(std::max(1L, long(std::lround(2.0 / fixed_g.spacing[a])))) : 1u;
    method->SetShrinkFactorsPerDimension(l, f);
    sigmas[l] = l == 0 ? o.smoothing_mm : 0;
  }
  method->SetSmoothingSigmasPerLevel(sigmas);
  method->SetSmoothingSigmasAreSpecifiedInPhysicalUnits(true);
  if (double(fixed_g.size()) > o.samples) {
    Method::MetricSamplingPercentageArrayType percent(2);
    percent.Fill(o.samples / double(fixed_g.size()));
    method->SetMetricSamplingStrategy(Method::MetricSamplingStrategyEnum::RANDOM);
    method->SetMetricSamplingPercentagePerLevel(percent);
    method->MetricSamplingReinitializeSeed(20240116);
  }
  auto observer = LevelObserver::New();
  observer->method = method;
  observer->optimizer = optimizer;
  observer->iterations = {o.iterations, o.iterations};
  observer->steps = {o.step_mm[0], o.step_mm[1]};
  method->AddObserver(itk::MultiResolutionIterationEvent(), observer);
  try {
    method->Update();
  } catch (const itk::ExceptionObject& e) {
    r.report = std::string("local registration failed (") + e.GetDescription() + "): global alignment kept";
    return r;
  }
  auto composed = [&](const Point3& p) {
    Transform::InputPointType q;
    for (int i = 0; i < 3; ++i) q[i] = p[i];
    const auto m = global->TransformPoint(local->TransformPoint(q));
    return Point3{m[0], m[1], m[2]};
  };
  const Point3 refined = composed(seed);
  double inside_before = 0, inside_after = 0;
  r.correlation_before = detail::correlation(fixed_g, {}, moving_g, mapperOf(alignment), &inside_before);
  r.correlation_after = detail::correlation(fixed_g, {}, moving_g, composed, &inside_after);
  const double shift = distance(refined, r.global_mm);
  const std::string where = fmt("refined (%.1f, %.1f, %.1f) mm, %.1f mm from the global mapping, correlation %.3f -> %.3f",
                                refined[0], refined[1], refined[2], shift, r.correlation_before, r.correlation_after);
  if (shift > o.max_shift_mm) {
    r.report = where + fmt(": rejected (more than %.0f mm), global alignment kept", o.max_shift_mm);
  } else if (r.correlation_after < r.correlation_before + o.min_gain) {
    r.report = where + fmt(": not kept (correlation gain below %.3f), global alignment kept", o.min_gain);
  } else {
    r.refined = true;
    r.followup_mm = refined;
    r.shift_mm = shift;
    r.report = where;
  }
  return r;
}

}  // namespace recap::registration
