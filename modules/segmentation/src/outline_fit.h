// Private to the segmentation module: a lesion's outline on one slice fitted to the CT's pixels as a
// whole (a radius in Fourier orders of the angle), for a lesion of low contrast whose slices are too
// thick to average its noise over (docs/segmentation.md, "Fitted to the pixels").
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace recap::segmentation::detail {

// A closed outline about a centre (cx, cy), its radius a Fourier series of the angle t:
// r(t) = c[0] + sum over k = 1..K of c[2k - 1] cos kt + c[2k] sin kt. Positions are in mm on the
// slice, pixel (i, j)'s centre at (i sx, j sy).
// An ellipse (`ellipse` set) keeps c = {a, b, angle}: semi-axes (mm), a along `angle` (radians).
struct RadialOutline {
  double cx = 0, cy = 0;
  std::vector<double> c;
  bool ellipse = false;
  int order() const { return int(c.size() - 1) / 2; }
  double radius(double t) const;
  // The area enclosed (mm^2): pi a b for an ellipse, pi c0^2 + pi / 2 x the sum of the other
  // coefficients' squares for a Fourier outline.
  double area() const;
};

// One slice of a box: nx by ny values, x fastest, spacing sx by sy (mm).
struct SlicePixels {
  const float* v = nullptr;
  long nx = 0, ny = 0;
  double sx = 1, sy = 1;
};

// The 0.5 level of `fraction` seen from (cx, cy): along 128 rays, the crossing beyond the farthest
// point at 0.5 or more, fitted with orders 0 to `order`. False where a ray finds no such point.
bool radialOutlineOf(const SlicePixels& fraction, double cx, double cy, int order, RadialOutline& out);

// Solves a x = b (n x n, row-major) by Gaussian elimination with partial pivoting, x into b; false
// if singular.
bool solveLinear(std::vector<double> a, std::vector<double>& b);

// `p` at (x_mm, y_mm), bilinear; NaN outside.
double sampleBilinear(const SlicePixels& p, double x_mm, double y_mm);

// The ellipse of the same area moments as `o`.
RadialOutline ellipseOf(const RadialOutline& o);

// The share of pixel (i, j) inside `o`: 4 x 4 sub-samples, each inside by a ramp a quarter of a
// pixel wide across the outline (so that the share moves smoothly with the outline).
double shareInside(const RadialOutline& o, long i, long j, double sx, double sy);

// What a fit evaluates at each pixel of its band, with the sub-samples of shareInside and their
// ramp `ramp` mm wide (shareInside's own: a quarter of a pixel).
struct BandPixel {
  long i, j;
  double v;  // the pixel's value (HU)
};

// An ellipse's share of pixel (i, j) and, into grad, its central differences along the centre (x,
// y), the semi-axes and the angle with steps h (each parameter moved up by h, then down by 2 h):
// each the same, to the bit, as the shares of the moved ellipses; what a move of the semi-axes or
// the angle leaves alone (the sub-sample's angle and distance) is computed once.
double ellipseShareAndDifferences(const RadialOutline& o, long i, long j, double sx, double sy, double ramp,
                                  const double h[5], double grad[5]);

// The sub-samples of a fit's pixels about a Fourier outline's centre, which its fit keeps: each
// one's distance from the centre and the basis at its angle, computed once per fit rather than at
// every evaluation of the outline.
struct FourierSamples {
  size_t terms = 0;                 // the basis' length: the outline's coefficients
  std::vector<double> dist, basis;  // kSub^2 per pixel; `terms` per sub-sample
};
FourierSamples fourierSamples(const std::vector<BandPixel>& px, const RadialOutline& o, double sx, double sy);

// The share of pixel `pixel` of fourierSamples' list inside `o` (whose centre is the samples'), the
// same to the bit as with the sub-samples computed anew; and, if grad is given, its derivative along
// the first `grad_terms` coefficients (the others 0: a fit of the mean radius alone).
double fourierShare(const RadialOutline& o, const FourierSamples& s, size_t pixel, double ramp,
                    std::vector<double>* grad, size_t grad_terms);

struct PixelFit {
  RadialOutline outline;
  double inside = 0, outside = 0;  // the two levels (HU)
  double rss = 0;                  // the residual's sum of squares over the pixels kept (HU^2)
  size_t pixels = 0, band = 0;     // pixels kept, of those in the band
  double excess = 0;               // fitEllipseIfItHolds: the likelihood ratio against the free outline
  bool ok = false;
};

// The outline and the two levels that best explain the pixels within `band_mm` of `start` (radially)
// where `use` is set (null: everywhere): least squares, each pixel the mix of the two levels by its
// share inside (Levenberg-Marquardt), from `start` or, if given, from `model` (an ellipse: the fit
// keeps the model's kind, on the same pixels). Pixels more than 3.5 robust standard deviations off
// the fit (a vessel crossing the band) are left out and the fit repeated, once.
PixelFit fitOutlineToPixels(const SlicePixels& ct, const uint8_t* use, const RadialOutline& start, double band_mm,
                            const RadialOutline* model = nullptr);

// As fitOutlineToPixels, with only the mean radius of `start` (a Fourier outline) fitted: the
// outline moved out or in by the same distance along every ray, its shape kept.
PixelFit fitMeanRadiusToPixels(const SlicePixels& ct, const uint8_t* use, const RadialOutline& start, double band_mm);

// The limit of fitEllipseIfItHolds' likelihood ratio (below).
constexpr double kEllipseExcessLimit = 32.91;

// An ellipse fitted as above to the pixels around `start` (a Fourier outline of orders 0-8), kept
// (`ok`) only where it explains them as well as that free outline does up to chance: the fall in the
// residual's sum of squares from the ellipse to the free outline fitted on the same pixels, over the
// noise's variance (from the free fit), is below 32.91, the 0.999 quantile of chi-square with the 12
// parameters the free outline has beyond the ellipse's 5 (`excess` holds it). An elliptical lesion
// keeps its ellipse; a lobulated one does not. `free_fit`, if given, receives the free outline's fit.
PixelFit fitEllipseIfItHolds(const SlicePixels& ct, const uint8_t* use, const RadialOutline& start, double band_mm,
                             PixelFit* free_fit = nullptr);

// On thick slices the slab of the slice where a lesion is widest straddles its equator, and its 0.5
// level is the section a quarter of the slab from the equator, smaller than the section through the
// slab's centre. From the areas of the lesion on that slice and the slices on either side (`slice_mm`
// apart), whose 0.5 levels are their centre sections (the lesion's section shrinks monotonically
// across their slabs), with an ellipsoid's profile (area a parabola in z): the scale (>= 1) from the
// 0.5 level to the centre section. 1 where the equator lies outside the slice's middle half, or the
// areas do not describe a lesion that narrows both ways.
double slabScale(double area_below, double area_here, double area_above, double slice_mm);

// A lesion's section area along z as an ellipsoid's: A(z) = a0 max(0, 1 - (z - ze)^2 / c^2), z in mm
// from the centre of slice 0, fitted to the slab means of its slices (slabProfileOf).
struct SlabProfile {
  double a0 = 0, ze = 0, c = 0;
  bool ok = false;
  // The section through z, and its mean over the slab [z - t/2, z + t/2].
  double at(double z) const;
  double slabMean(double z, double t) const;
};

// The profile whose slab means best match `areas` (least squares): areas[k] is the lesion's mean
// section area over slice k's slab (slices `slice_mm` apart and as thick), or a negative value where
// unknown. Not ok with fewer than three known slices or where no such ellipsoid explains them (a
// widest section at the first or last known slice).
SlabProfile slabProfileOf(const std::vector<double>& areas, double slice_mm);

}  // namespace recap::segmentation::detail
