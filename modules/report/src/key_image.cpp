// Key images: the CT slice of a lesion's measurement sampled on a display grid aligned with LPS
// (column = +x, row = +y: radiological view), the outline and calipers drawn over it, and the PET
// SUV sampled at the same physical positions and fused over it.
#include "recap/report/key_image.h"

#include <itkImage.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "png.h"
#include "recap/core/error.h"

namespace recap::report {
namespace {

using C3 = std::array<double, 3>;

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

cv::Scalar bgr(Rgb c) { return cv::Scalar(c.b, c.g, c.r); }

// A volume's voxels as a plain array, with its continuous index of a physical point (ITK geometry).
struct Sampler {
  const Volume& v;
  const float* data = nullptr;
  long n[3] = {0, 0, 0};
  long start[3] = {0, 0, 0};

  explicit Sampler(const Volume& volume) : v(volume) {
    const auto region = v.GetBufferedRegion();
    for (int d = 0; d < 3; ++d) {
      n[d] = long(region.GetSize()[d]);
      start[d] = long(region.GetIndex()[d]);
    }
    data = v.GetBufferPointer();
    if (!data || n[0] * n[1] * n[2] == 0) throw Error(ErrorCode::Internal, "", "report: an empty image");
  }
  C3 index(const Point3& p) const {
    Volume::PointType q;
    for (int d = 0; d < 3; ++d) q[d] = p[d];
    itk::ContinuousIndex<double, 3> ci;
    v.TransformPhysicalPointToContinuousIndex(q, ci);
    return {ci[0] - double(start[0]), ci[1] - double(start[1]), ci[2] - double(start[2])};
  }
  Point3 physical(const C3& i) const {
    itk::ContinuousIndex<double, 3> ci;
    for (int d = 0; d < 3; ++d) ci[d] = i[d] + double(start[d]);
    Volume::PointType q;
    v.TransformContinuousIndexToPhysicalPoint(ci, q);
    return {q[0], q[1], q[2]};
  }
  float at(long i, long j, long k) const { return data[(size_t(k) * size_t(n[1]) + size_t(j)) * size_t(n[0]) + size_t(i)]; }
  bool insideVoxels(const C3& c, int dims) const {
    for (int d = 0; d < dims; ++d)
      if (c[d] < -0.5 || c[d] > double(n[d]) - 0.5) return false;
    return true;
  }
  // Bilinear on slice k (edge voxels extended by half a voxel); NaN outside the slice.
  float inPlane(double ci, double cj, long k) const {
    if (!insideVoxels({ci, cj, 0}, 2)) return std::numeric_limits<float>::quiet_NaN();
    const double x = std::clamp(ci, 0.0, double(n[0] - 1)), y = std::clamp(cj, 0.0, double(n[1] - 1));
    const long i0 = std::min(long(x), n[0] - 1), j0 = std::min(long(y), n[1] - 1);
    const long i1 = std::min(i0 + 1, n[0] - 1), j1 = std::min(j0 + 1, n[1] - 1);
    const double fx = x - double(i0), fy = y - double(j0);
    const double a = at(i0, j0, k) * (1 - fx) + at(i1, j0, k) * fx;
    const double b = at(i0, j1, k) * (1 - fx) + at(i1, j1, k) * fx;
    return float(a * (1 - fy) + b * fy);
  }
  // Trilinear; NaN outside the volume.
  float trilinear(const C3& c) const {
    if (!insideVoxels(c, 3)) return std::numeric_limits<float>::quiet_NaN();
    const double z = std::clamp(c[2], 0.0, double(n[2] - 1));
    const long k0 = std::min(long(z), n[2] - 1), k1 = std::min(k0 + 1, n[2] - 1);
    const double fz = z - double(k0);
    return float(inPlane(c[0], c[1], k0) * (1 - fz) + inPlane(c[0], c[1], k1) * fz);
  }
};

// The display grid: pixel (col, row) at LPS (x0 + col * s, y0 + row * s, z).
struct Grid {
  double x0 = 0, y0 = 0, s = 1, z = 0;
  int cols = 0, rows = 0;
  Point3 at(double col, double row) const { return {x0 + col * s, y0 + row * s, z}; }
  // Sub-pixel OpenCV coordinates (shift 4: 1/16 pixel).
  cv::Point px(const Point3& p) const {
    return {int(std::lround((p[0] - x0) / s * 16)), int(std::lround((p[1] - y0) / s * 16))};
  }
};
constexpr int kShift = 4;

// The hot colour map: black, red, yellow, white (red >= green >= blue everywhere).
cv::Vec3d hot(double v) {
  const double r = std::clamp(3 * v, 0.0, 1.0), g = std::clamp(3 * v - 1, 0.0, 1.0), b = std::clamp(3 * v - 2, 0.0, 1.0);
  return {b * 255, g * 255, r * 255};
}

void text(cv::Mat& img, const std::string& s, cv::Point at, double scale = 0.45, Rgb colour = kTextColour) {
  // A dark halo keeps the text legible on bright tissue and on hot PET.
  cv::putText(img, s, at, cv::FONT_HERSHEY_SIMPLEX, scale, cv::Scalar(0, 0, 0), 3, cv::LINE_AA);
  cv::putText(img, s, at, cv::FONT_HERSHEY_SIMPLEX, scale, bgr(colour), 1, cv::LINE_AA);
}

// Scale bar at the bottom left: the longest of 5, 10, 20, 50, 100 mm within 30 % of the width.
double scaleBar(cv::Mat& img, const Grid& g) {
  double len = 5;
  for (double l : {10.0, 20.0, 50.0, 100.0})
    if (l <= 0.3 * g.cols * g.s) len = l;
  const int x0 = 10, y = img.rows - 12, x1 = x0 + int(std::lround(len / g.s));
  cv::line(img, {x0, y}, {x1, y}, bgr(kTextColour), 2, cv::LINE_8);
  cv::line(img, {x0, y - 4}, {x0, y + 3}, bgr(kTextColour), 1, cv::LINE_8);
  cv::line(img, {x1, y - 4}, {x1, y + 3}, bgr(kTextColour), 1, cv::LINE_8);
  text(img, fmt("%.0f mm", len), {x0, y - 7}, 0.4);
  return len;
}

// Radiological orientation marks: patient right (R) on the left, anterior (A) at the top.
void orientation(cv::Mat& img) {
  text(img, "R", {4, img.rows / 2 + 5}, 0.45);
  text(img, "L", {img.cols - 14, img.rows / 2 + 5}, 0.45);
  text(img, "A", {img.cols / 2 - 5, 16}, 0.45);
  text(img, "P", {img.cols / 2 - 5, img.rows - 4}, 0.45);
}

void crossHair(cv::Mat& img, const Grid& g, const Point3& p) {
  const cv::Point c = g.px(p);
  const int gap = 5 * 16, arm = 16 * 16;
  const cv::Scalar col = bgr(kCrossHairColour);
  cv::line(img, c + cv::Point(gap, 0), c + cv::Point(arm, 0), col, 2, cv::LINE_8, kShift);
  cv::line(img, c - cv::Point(gap, 0), c - cv::Point(arm, 0), col, 2, cv::LINE_8, kShift);
  cv::line(img, c + cv::Point(0, gap), c + cv::Point(0, arm), col, 2, cv::LINE_8, kShift);
  cv::line(img, c - cv::Point(0, gap), c - cv::Point(0, arm), col, 2, cv::LINE_8, kShift);
}

void outline(cv::Mat& img, const Grid& g, const std::vector<Segment3>& segments) {
  for (const Segment3& s : segments) cv::line(img, g.px(s.a), g.px(s.b), bgr(kOutlineColour), 2, cv::LINE_8, kShift);
}

}  // namespace

KeyImages renderKeyImages(const Volume& ct, const Volume* pet, const KeyImageInput& in, const KeyImageOptions& o) {
  const Sampler cts(ct);
  const std::string who = "report: lesion " + in.lesion_id;

  // The slice: the measurement's, or the one nearest the seed for an absent lesion.
  const C3 seed_index = cts.index(in.seed_mm);
  long k = in.slice_index;
  if (in.absent || k < 0) k = std::lround(seed_index[2]);
  if (k < 0 || k >= cts.n[2])
    throw Error(ErrorCode::Internal, "", who + ": slice " + std::to_string(k) + " outside the CT (" +
                                            std::to_string(cts.n[2]) + " slices)");
  const bool calipers = !in.absent && in.ldi && in.sdi;
  Point3 centre = in.seed_mm;
  if (!in.absent && in.ldi)
    for (int d = 0; d < 3; ++d) centre[d] = 0.5 * (in.ldi->a[d] + in.ldi->b[d]);

  // The slice's plane, and its extent in x and y (corners of its voxels).
  double bx0 = 1e300, bx1 = -1e300, by0 = 1e300, by1 = -1e300;
  for (double ci : {-0.5, double(cts.n[0]) - 0.5})
    for (double cj : {-0.5, double(cts.n[1]) - 0.5}) {
      const Point3 p = cts.physical({ci, cj, double(k)});
      bx0 = std::min(bx0, p[0]), bx1 = std::max(bx1, p[0]), by0 = std::min(by0, p[1]), by1 = std::max(by1, p[1]);
    }
  // z of the slice at the centre: the index along the slice axis is affine in z.
  const C3 a0 = cts.index({centre[0], centre[1], 0.0}), a1 = cts.index({centre[0], centre[1], 1.0});
  const double dk = a1[2] - a0[2];
  if (std::abs(dk) < 1e-6) throw Error(ErrorCode::Unsupported, "", who + ": the CT is not an axial volume");

  Grid g;
  g.z = (double(k) - a0[2]) / dk;
  const double fov = std::max(o.min_fov_mm, in.absent ? 0.0 : o.fov_factor * in.ldi_mm);
  const double w = std::min(fov, bx1 - bx0), h = std::min(fov, by1 - by0);
  const double cx = std::clamp(centre[0], bx0 + w / 2, bx1 - w / 2), cy = std::clamp(centre[1], by0 + h / 2, by1 - h / 2);
  g.s = std::max(w, h) / double(std::max(16, o.size_px));
  g.cols = std::max(1, int(std::lround(w / g.s)));
  g.rows = std::max(1, int(std::lround(h / g.s)));
  g.x0 = cx - 0.5 * double(g.cols - 1) * g.s;
  g.y0 = cy - 0.5 * double(g.rows - 1) * g.s;

  // CT: the continuous index is affine in (col, row); sampled on slice k itself.
  const C3 o0 = cts.index(g.at(0, 0)), oc = cts.index(g.at(1, 0)), orw = cts.index(g.at(0, 1));
  cv::Mat grey(g.rows, g.cols, CV_8UC3);
  const double lo = o.window_level - o.window_width / 2;
  for (int r = 0; r < g.rows; ++r)
    for (int c = 0; c < g.cols; ++c) {
      const double ci = o0[0] + c * (oc[0] - o0[0]) + r * (orw[0] - o0[0]);
      const double cj = o0[1] + c * (oc[1] - o0[1]) + r * (orw[1] - o0[1]);
      const float hu = cts.inPlane(ci, cj, k);
      const uchar v = std::isnan(hu) ? 0 : uchar(std::lround(std::clamp((hu - lo) / o.window_width, 0.0, 1.0) * 255));
      grey.at<cv::Vec3b>(r, c) = {v, v, v};
    }

  KeyImages out;
  out.slice_index = int(k);
  out.slice_z_mm = g.z;
  out.x0_mm = g.x0, out.y0_mm = g.y0, out.mm_per_px = g.s;
  out.width = g.cols, out.height = g.rows;

  // Fused: PET SUV at the same physical positions, hot map over the grey CT, opacity ramping from 0
  // at SUV 0 to pet_alpha at half the scale.
  cv::Mat fused;
  if (pet) {
    const Sampler ps(*pet);
    const C3 p0 = ps.index(g.at(0, 0)), pc = ps.index(g.at(1, 0)), pr = ps.index(g.at(0, 1));
    fused = grey.clone();
    const double smax = std::max(1e-6, o.suv_scale_max);
    for (int r = 0; r < g.rows; ++r)
      for (int c = 0; c < g.cols; ++c) {
        C3 q;
        for (int d = 0; d < 3; ++d) q[d] = p0[d] + c * (pc[d] - p0[d]) + r * (pr[d] - p0[d]);
        const float suv = ps.trilinear(q);
        if (std::isnan(suv) || suv <= 0) continue;
        const double v = std::min(1.0, double(suv) / smax);
        const double alpha = o.pet_alpha * std::min(1.0, 2 * v);
        const cv::Vec3d hc = hot(v);
        cv::Vec3b& px = fused.at<cv::Vec3b>(r, c);
        for (int d = 0; d < 3; ++d) px[d] = uchar(std::lround((1 - alpha) * px[d] + alpha * hc[d]));
      }
    // Colour bar on the right edge: 0 at the bottom, suv_scale_max at the top.
    const int bx = g.cols - 26, top = 24, bottom = std::max(top + 10, int(g.rows * 0.42));  // above the "L"
    if (bx > 40) {
      for (int y = top; y <= bottom; ++y) {
        const cv::Vec3d hc = hot(double(bottom - y) / double(bottom - top));
        cv::line(fused, {bx, y}, {bx + 8, y}, cv::Scalar(hc[0], hc[1], hc[2]), 1, cv::LINE_8);
      }
      cv::rectangle(fused, {bx - 1, top - 1}, {bx + 9, bottom + 1}, bgr(kTextColour), 1, cv::LINE_8);
      const std::string top_label = fmt("%.1f", smax);
      text(fused, top_label, {bx - 8 * int(top_label.size()) - 4, top + 8}, 0.4);
      text(fused, "0", {bx - 12, bottom + 4}, 0.4);
    }
  }

  // Overlays: outline, then SDi, then LDi on top; an absent lesion gets a cross-hair at its seed.
  const double bar = scaleBar(grey, g);
  if (!in.absent) {
    outline(grey, g, in.outline);
    if (in.sdi) cv::line(grey, g.px(in.sdi->a), g.px(in.sdi->b), bgr(kSdiColour), 2, cv::LINE_8, kShift);
    if (in.ldi) cv::line(grey, g.px(in.ldi->a), g.px(in.ldi->b), bgr(kLdiColour), 2, cv::LINE_8, kShift);
  } else {
    crossHair(grey, g, in.seed_mm);
  }
  orientation(grey);
  text(grey, in.lesion_id, {6, 16}, 0.5);
  if (in.absent) text(grey, "absent", {6, 34}, 0.5, kCrossHairColour);

  std::string where = "CT slice " + std::to_string(k) + " (z " + fmt("%.1f", g.z) + " mm), W" +
                      fmt("%.0f", o.window_width) + "/L" + fmt("%.0f", o.window_level) + ", " + fmt("%.0f", g.cols * g.s) +
                      " x " + fmt("%.0f", g.rows * g.s) + " mm, radiological view (patient right on the left, anterior up)";
  if (in.absent)
    out.ct_caption = in.lesion_id + " absent: " + where + " at the seed (" + fmt("%.1f", in.seed_mm[0]) + ", " +
                     fmt("%.1f", in.seed_mm[1]) + ", " + fmt("%.1f", in.seed_mm[2]) +
                     " mm LPS), orange cross-hair; scale bar " + fmt("%.0f", bar) + " mm";
  else
    out.ct_caption = in.lesion_id + ": " + where + "; outline green" +
                     (calipers ? ", LDi cyan, SDi magenta" : in.ldi ? ", LDi cyan" : "") + "; scale bar " +
                     fmt("%.0f", bar) + " mm";
  out.ct_png = encodePng(grey);

  if (pet) {
    scaleBar(fused, g);
    if (!in.absent) outline(fused, g, in.outline);
    else crossHair(fused, g, in.seed_mm);
    orientation(fused);
    text(fused, in.lesion_id + " PET", {6, 16}, 0.5);
    if (in.absent) text(fused, "absent", {6, 34}, 0.5, kCrossHairColour);
    out.fused_caption = in.lesion_id + ": PET SUV (hot colour map, fixed scale SUV 0 to " + fmt("%.1f", o.suv_scale_max) +
                        ") over the same CT region" + (in.absent ? ", orange cross-hair at the seed" : ", outline green");
    out.fused_png = encodePng(fused);
  } else {
    out.fused_caption = "No PET at this timepoint: CT only";
  }
  return out;
}

}  // namespace recap::report
