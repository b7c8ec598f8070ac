#include "recap/dicom/geometry.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

namespace recap::dicom {

namespace {

using Vec3 = std::array<double, 3>;

double dot(const Vec3& a, const Vec3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }
Vec3 cross(const Vec3& a, const Vec3& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}
Vec3 sub(const Vec3& a, const Vec3& b) { return {a[0] - b[0], a[1] - b[1], a[2] - b[2]}; }
double norm(const Vec3& a) { return std::sqrt(dot(a, a)); }

std::string mm(double v) {
  std::ostringstream s;
  s.precision(2);
  s << std::fixed << v;
  return s.str();
}

std::string name(const InstanceHeader& h) { return h.path.filename().string(); }

void fail(Geometry& g, ErrorCode code, std::string text) {
  if (!g.problem_code) {
    g.problem_code = code;
    g.problem = std::move(text);
  }
}

// Every instance must have the attributes of the image plane and be single-frame, and all must
// agree on size, orientation and pixel spacing.
bool checkUniform(const Series& s, Geometry& g) {
  const InstanceHeader& ref = s.first();
  for (const InstanceHeader& h : s.instances) {
    if (h.number_of_frames > 1) {
      fail(g, ErrorCode::Unsupported,
           name(h) + " is a multi-frame image (" + std::to_string(h.number_of_frames) +
               " frames): enhanced multi-frame CT/PET is not supported");
      return false;
    }
    if (!h.position) return fail(g, ErrorCode::BadGeometry, name(h) + ": ImagePositionPatient (0020,0032) is missing"), false;
    if (!h.orientation)
      return fail(g, ErrorCode::BadGeometry, name(h) + ": ImageOrientationPatient (0020,0037) is missing"), false;
    if (!h.pixel_spacing) return fail(g, ErrorCode::BadGeometry, name(h) + ": PixelSpacing (0028,0030) is missing"), false;
    if (h.rows <= 0 || h.cols <= 0) return fail(g, ErrorCode::BadGeometry, name(h) + ": Rows/Columns missing or zero"), false;
    if (h.rows != ref.rows || h.cols != ref.cols)
      return fail(g, ErrorCode::BadGeometry,
                  "mixed image sizes: " + std::to_string(ref.cols) + "x" + std::to_string(ref.rows) + " in " +
                      name(ref) + ", " + std::to_string(h.cols) + "x" + std::to_string(h.rows) + " in " + name(h)),
             false;
  }
  for (const InstanceHeader& h : s.instances) {
    for (int i = 0; i < 6; ++i)
      if (std::abs((*h.orientation)[i] - (*ref.orientation)[i]) > 1e-4)
        return fail(g, ErrorCode::BadGeometry,
                    "mixed orientations: ImageOrientationPatient differs between " + name(ref) + " and " + name(h)),
               false;
    for (int i = 0; i < 2; ++i)
      if (std::abs((*h.pixel_spacing)[i] - (*ref.pixel_spacing)[i]) > 1e-4)
        return fail(g, ErrorCode::BadGeometry,
                    "mixed pixel spacing: PixelSpacing differs between " + name(ref) + " and " + name(h)),
               false;
  }
  if ((*ref.pixel_spacing)[0] <= 0 || (*ref.pixel_spacing)[1] <= 0)
    return fail(g, ErrorCode::BadGeometry, name(ref) + ": PixelSpacing must be positive"), false;
  return true;
}

// Classifies the steps between neighbouring slices: regular, a gap of whole missing slices, or
// varying spacing.
void checkSpacing(Geometry& g) {
  const auto& z = g.slice_positions_mm;
  if (z.size() < 2) return;
  std::vector<double> steps;
  for (size_t k = 1; k < z.size(); ++k) steps.push_back(z[k] - z[k - 1]);
  g.min_step_mm = *std::min_element(steps.begin(), steps.end());
  g.max_step_mm = *std::max_element(steps.begin(), steps.end());
  std::vector<double> sorted = steps;
  std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
  const double nominal = sorted[sorted.size() / 2];
  const double tol = std::max(0.01, 0.005 * nominal);
  bool varying = false;
  for (size_t k = 0; k < steps.size(); ++k) {
    if (std::abs(steps[k] - nominal) <= tol) continue;
    const double ratio = steps[k] / nominal;
    const double whole = std::round(ratio);
    if (whole >= 2 && std::abs(steps[k] - whole * nominal) <= tol * whole) {
      g.gaps.push_back({z[k], z[k + 1], static_cast<int>(whole) - 1});
    } else {
      varying = true;
    }
  }
  if (varying) {
    fail(g, ErrorCode::BadGeometry,
         "varying slice spacing: steps between slices range from " + mm(g.min_step_mm) + " to " + mm(g.max_step_mm) +
             " mm");
  } else if (!g.gaps.empty()) {
    int missing = 0;
    for (const auto& gap : g.gaps) missing += gap.missing;
    const SliceGap& first = g.gaps.front();
    fail(g, ErrorCode::BadGeometry,
         std::to_string(missing) + " slice(s) missing: first gap between " + mm(first.from_mm) + " and " +
             mm(first.to_mm) + " mm along the slice normal (regular spacing " + mm(nominal) + " mm)");
  }
}

}  // namespace

Geometry analyzeGeometry(const Series& s) {
  Geometry g;
  if (s.instances.empty()) {
    fail(g, ErrorCode::NoInput, "series has no instances");
    return g;
  }
  if (!checkUniform(s, g)) return g;

  const InstanceHeader& ref = s.first();
  const auto& o = *ref.orientation;
  Vec3 row{o[0], o[1], o[2]}, col{o[3], o[4], o[5]};
  if (std::abs(norm(row) - 1) > 1e-3 || std::abs(norm(col) - 1) > 1e-3 || std::abs(dot(row, col)) > 1e-3) {
    fail(g, ErrorCode::BadGeometry, name(ref) + ": ImageOrientationPatient is not two orthogonal unit vectors");
    return g;
  }
  Vec3 normal = cross(row, col);
  const double n = norm(normal);
  for (double& v : normal) v /= n;

  // Order by position along the normal: never by file name or instance number.
  const size_t count = s.instances.size();
  std::vector<double> along(count);
  for (size_t i = 0; i < count; ++i) along[i] = dot(*s.instances[i].position, normal);
  g.slice_order.resize(count);
  std::iota(g.slice_order.begin(), g.slice_order.end(), 0);
  std::stable_sort(g.slice_order.begin(), g.slice_order.end(), [&](size_t a, size_t b) { return along[a] < along[b]; });
  for (size_t i : g.slice_order) g.slice_positions_mm.push_back(along[i]);

  const auto& ps = *ref.pixel_spacing;
  g.size = {ref.cols, ref.rows, static_cast<int>(count)};
  const Vec3 origin = *s.instances[g.slice_order.front()].position;
  g.origin = origin;
  for (int i = 0; i < 3; ++i) {
    g.direction[i * 3 + 0] = row[i];
    g.direction[i * 3 + 1] = col[i];
    g.direction[i * 3 + 2] = normal[i];
  }

  // Two slices at one position are ambiguous (two acquisitions mixed, or a copied file).
  for (size_t k = 1; k < count; ++k) {
    if (g.slice_positions_mm[k] - g.slice_positions_mm[k - 1] < 1e-3) {
      fail(g, ErrorCode::BadGeometry,
           "duplicate slice position " + mm(g.slice_positions_mm[k]) + " mm in " +
               name(s.instances[g.slice_order[k - 1]]) + " and " + name(s.instances[g.slice_order[k]]));
      return g;
    }
  }
  // Positions must lie on the normal through the first slice; otherwise the volume is sheared
  // (gantry tilt) and cannot be represented by an orthogonal direction matrix.
  for (size_t k = 1; k < count; ++k) {
    const Vec3 d = sub(*s.instances[g.slice_order[k]].position, origin);
    const double a = dot(d, normal);
    const Vec3 inplane{d[0] - a * normal[0], d[1] - a * normal[1], d[2] - a * normal[2]};
    if (norm(inplane) > 0.01 + 1e-3 * std::abs(a)) {
      fail(g, ErrorCode::Unsupported,
           "slices are not stacked along their normal (in-plane offset " + mm(norm(inplane)) + " mm at " +
               name(s.instances[g.slice_order[k]]) + "): gantry tilt or sheared volume is not supported");
      return g;
    }
  }
  g.spacing = {ps[1], ps[0], 0.0};
  if (count > 1) {
    g.spacing[2] = (g.slice_positions_mm.back() - g.slice_positions_mm.front()) / static_cast<double>(count - 1);
  } else {
    g.spacing[2] = ref.slice_thickness.value_or(1.0);
    g.warnings.push_back("single slice: slice spacing taken from SliceThickness");
  }
  checkSpacing(g);
  if (ref.slice_thickness && count > 1 && *ref.slice_thickness > g.spacing[2] * 1.5)
    g.warnings.push_back("SliceThickness " + mm(*ref.slice_thickness) + " mm exceeds the slice spacing " +
                         mm(g.spacing[2]) + " mm (overlapping reconstruction)");
  return g;
}

}  // namespace recap::dicom
