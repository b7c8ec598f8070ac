// Key images on synthetic volumes with a known disc lesion: the PNG decodes to the expected size,
// the outline lies at the disc's radius, the calipers along their lines, the view is radiological
// (patient left on the right, anterior up), and a rotated, feet-first volume gives the same picture.
#include <gtest/gtest.h>
#include <itkImage.h>

#include <cmath>
#include <functional>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "recap/core/error.h"
#include "recap/dicom/volume.h"
#include "recap/report/key_image.h"

namespace recap::report {
namespace {

constexpr double kPi = 3.14159265358979323846;
const Point3 kC{30, -20, -87};  // the lesion's centre, LPS mm
constexpr double kR = 12;        // its radius
// Two markers around it: one towards the patient's left (+x), one anterior (-y).
const Point3 kLeftMarker{kC[0] + 22, kC[1], kC[2]}, kAnteriorMarker{kC[0], kC[1] - 22, kC[2]};

float ctValue(const Point3& p) {
  auto near = [&](const Point3& m, double r) { return std::hypot(p[0] - m[0], p[1] - m[1]) < r; };
  if (std::abs(p[2] - kC[2]) > 15) return -50;
  if (near(kLeftMarker, 3) || near(kAnteriorMarker, 3)) return 400;  // bright: white in W400/L40
  return near(kC, kR) ? 60 : -50;
}
float petValue(const Point3& p) { return std::hypot(p[0] - kC[0], p[1] - kC[1]) < kR && std::abs(p[2] - kC[2]) < 15 ? 8 : 1; }

// A volume of n voxels per axis centred on `centre`, direction `rot_deg` about z (in plane) and
// slice axis +z (head first) or -z (feet first), filled from `f` at each voxel's physical position.
dicom::Image::Pointer volume(std::array<long, 3> n, std::array<double, 3> spacing, double rot_deg, bool feet_first,
                             const Point3& centre, const std::function<float(const Point3&)>& f) {
  auto img = dicom::Image::New();
  dicom::Image::RegionType region;
  for (int d = 0; d < 3; ++d) region.SetSize(d, size_t(n[d]));
  img->SetRegions(region);
  img->Allocate();
  const double a = rot_deg * kPi / 180;
  dicom::Image::DirectionType dir;
  dir.SetIdentity();
  dir(0, 0) = std::cos(a), dir(0, 1) = -std::sin(a);
  dir(1, 0) = std::sin(a), dir(1, 1) = std::cos(a);
  dir(2, 2) = feet_first ? -1 : 1;
  img->SetDirection(dir);
  dicom::Image::SpacingType sp;
  for (int d = 0; d < 3; ++d) sp[d] = spacing[d];
  img->SetSpacing(sp);
  dicom::Image::PointType origin;
  for (int r = 0; r < 3; ++r) {
    double off = 0;
    for (int c = 0; c < 3; ++c) off += dir(r, c) * spacing[c] * double(n[c] - 1) / 2;
    origin[r] = centre[r] - off;
  }
  img->SetOrigin(origin);
  for (long k = 0; k < n[2]; ++k)
    for (long j = 0; j < n[1]; ++j)
      for (long i = 0; i < n[0]; ++i) {
        dicom::Image::IndexType idx{{i, j, k}};
        dicom::Image::PointType p;
        img->TransformIndexToPhysicalPoint(idx, p);
        img->SetPixel(idx, f({p[0], p[1], p[2]}));
      }
  return img;
}

long sliceOf(const dicom::Image& img, double z) {
  dicom::Image::PointType p;
  p[0] = kC[0], p[1] = kC[1], p[2] = z;
  itk::ContinuousIndex<double, 3> ci;
  img.TransformPhysicalPointToContinuousIndex(p, ci);
  return std::lround(ci[2]);
}

Point3 at(double angle_deg, double r) {
  const double a = angle_deg * kPi / 180;
  return {kC[0] + r * std::cos(a), kC[1] + r * std::sin(a), kC[2]};
}

KeyImageInput disc(long slice) {
  KeyImageInput in;
  in.lesion_id = "L1";
  in.seed_mm = kC;
  in.slice_index = int(slice);
  in.ldi_mm = 2 * kR;
  for (int i = 0; i < 72; ++i) in.outline.push_back({at(i * 5, kR), at((i + 1) * 5, kR)});
  in.ldi = Segment3{at(30, kR), at(210, kR)};
  in.sdi = Segment3{at(120, 11), at(300, 11)};
  return in;
}

cv::Mat decode(const std::string& png) {
  const std::vector<uchar> bytes(png.begin(), png.end());
  return cv::imdecode(bytes, cv::IMREAD_COLOR);
}

bool is(const cv::Vec3b& px, Rgb c) { return px[2] == c.r && px[1] == c.g && px[0] == c.b; }

// Whether a pixel of colour `c` lies within `tol` pixels of (x, y).
bool colourNear(const cv::Mat& img, double x, double y, Rgb c, int tol = 1) {
  for (int dy = -tol; dy <= tol; ++dy)
    for (int dx = -tol; dx <= tol; ++dx) {
      const int cx = int(std::lround(x)) + dx, cy = int(std::lround(y)) + dy;
      if (cx >= 0 && cy >= 0 && cx < img.cols && cy < img.rows && is(img.at<cv::Vec3b>(cy, cx), c)) return true;
    }
  return false;
}

// Centroid (column, row) of the pixels brighter than 250 on all channels near (x, y).
std::array<double, 2> brightCentroid(const cv::Mat& img, double x, double y, int half) {
  double sx = 0, sy = 0, n = 0;
  for (int r = int(y) - half; r <= int(y) + half; ++r)
    for (int c = int(x) - half; c <= int(x) + half; ++c) {
      if (r < 0 || c < 0 || r >= img.rows || c >= img.cols) continue;
      const cv::Vec3b px = img.at<cv::Vec3b>(r, c);
      if (px[0] > 250 && px[1] > 250 && px[2] > 250) sx += c, sy += r, ++n;
    }
  return n ? std::array<double, 2>{sx / n, sy / n} : std::array<double, 2>{-1, -1};
}

struct Images {
  dicom::Image::Pointer ct, pet;
};
Images headFirst() {
  return {volume({167, 167, 21}, {0.9, 0.9, 2}, 0, false, kC, ctValue), volume({40, 40, 11}, {4, 4, 4}, 0, false, kC, petValue)};
}

TEST(KeyImage, OutlineAtTheDiscRadiusAndCalipersAlongTheirLines) {
  const Images v = headFirst();
  const long k = sliceOf(*v.ct, kC[2]);
  const KeyImages out = renderKeyImages(*v.ct, v.pet.GetPointer(), disc(k));
  const cv::Mat ct = decode(out.ct_png), fused = decode(out.fused_png);
  ASSERT_FALSE(ct.empty());
  ASSERT_FALSE(fused.empty());
  // Field of view max(60, 3 x 24) = 72 mm, 320 pixels.
  EXPECT_EQ(ct.cols, 320);
  EXPECT_EQ(ct.rows, 320);
  EXPECT_EQ(fused.size(), ct.size());
  EXPECT_NEAR(out.mm_per_px, 72.0 / 320, 1e-9);
  EXPECT_EQ(out.slice_index, k);
  EXPECT_NEAR(out.slice_z_mm, kC[2], 1e-6);

  const auto c = out.toPixel(kC);
  const double r_px = kR / out.mm_per_px;
  // Every outline pixel at the disc's radius (line width 2), and the outline all around it.
  int green = 0, far = 0;
  std::vector<bool> sector(36, false);
  for (int y = 0; y < ct.rows; ++y)
    for (int x = 0; x < ct.cols; ++x)
      if (is(ct.at<cv::Vec3b>(y, x), kOutlineColour)) {
        ++green;
        const double d = std::hypot(x - c[0], y - c[1]);
        if (std::abs(d - r_px) > 2.5) ++far;
        sector[size_t(std::fmod(std::atan2(y - c[1], x - c[0]) * 180 / kPi + 360, 360) / 10)] = true;
      }
  EXPECT_GT(green, int(2 * kPi * r_px));
  EXPECT_EQ(far, 0) << "of " << green << " outline pixels, at radius " << r_px;
  for (size_t s = 0; s < sector.size(); ++s) EXPECT_TRUE(sector[s]) << "no outline at " << s * 10 << " deg";

  // The calipers: LDi (cyan) along its line, SDi (magenta) along its own except where LDi crosses it.
  const KeyImageInput in = disc(k);
  for (double t = 0.05; t <= 0.951; t += 0.05) {
    const auto l = out.toPixel({in.ldi->a[0] + t * (in.ldi->b[0] - in.ldi->a[0]), in.ldi->a[1] + t * (in.ldi->b[1] - in.ldi->a[1]), 0});
    EXPECT_TRUE(colourNear(ct, l[0], l[1], kLdiColour)) << "LDi at t = " << t;
    if (std::abs(t - 0.5) < 0.1) continue;
    const auto s = out.toPixel({in.sdi->a[0] + t * (in.sdi->b[0] - in.sdi->a[0]), in.sdi->a[1] + t * (in.sdi->b[1] - in.sdi->a[1]), 0});
    EXPECT_TRUE(colourNear(ct, s[0], s[1], kSdiColour)) << "SDi at t = " << t;
  }
  // Nothing cyan far from the LDi line (e.g. no caliper drawn elsewhere).
  EXPECT_FALSE(colourNear(ct, c[0] + 0.5 * r_px * std::cos(120 * kPi / 180) + 20, c[1] - 30, kLdiColour, 3));

  // CT in W400/L40: the disc (60 HU) at 140, the fat around it (-50 HU) at 70.
  const auto inside = out.toPixel(at(75, 6)), outside = out.toPixel(at(75, 20));
  EXPECT_NEAR(ct.at<cv::Vec3b>(int(inside[1]), int(inside[0]))[1], 140, 2);
  EXPECT_NEAR(ct.at<cv::Vec3b>(int(outside[1]), int(outside[0]))[1], 70, 2);
  // Fused: hot inside the disc (SUV 8 of a 0..5 scale: white-hot, opacity 0.6), faint outside (SUV 1).
  const cv::Vec3b hot = fused.at<cv::Vec3b>(int(inside[1]), int(inside[0]));
  const cv::Vec3b cold = fused.at<cv::Vec3b>(int(outside[1]), int(outside[0]));
  EXPECT_GT(hot[2], 200);
  EXPECT_GE(hot[2], hot[1]);
  EXPECT_GE(hot[1], hot[0]);
  EXPECT_GT(cold[2], cold[0]);  // reddish tint over the grey
  EXPECT_LT(cold[2], 140);
  EXPECT_NE(out.fused_caption.find("SUV 0 to 5.0"), std::string::npos) << out.fused_caption;
  EXPECT_NE(out.ct_caption.find("W400/L40"), std::string::npos) << out.ct_caption;

  // The same inputs give the same bytes.
  const KeyImages again = renderKeyImages(*v.ct, v.pet.GetPointer(), disc(k));
  EXPECT_EQ(again.ct_png, out.ct_png);
  EXPECT_EQ(again.fused_png, out.fused_png);
}

// Radiological view: the marker towards the patient's left (+x) is right of the centre, the
// anterior marker (-y) above it; found from the pixels, not from toPixel.
TEST(KeyImage, RadiologicalOrientation) {
  const Images v = headFirst();
  KeyImageInput in = disc(sliceOf(*v.ct, kC[2]));
  in.outline.clear();
  in.ldi.reset();
  in.sdi.reset();
  const KeyImages out = renderKeyImages(*v.ct, nullptr, in);
  const cv::Mat ct = decode(out.ct_png);
  const double mid = 159.5, px22 = 22 / out.mm_per_px;
  const auto left = brightCentroid(ct, mid + px22, mid, 25), anterior = brightCentroid(ct, mid, mid - px22, 25);
  EXPECT_NEAR(left[0], mid + px22, 2);
  EXPECT_NEAR(left[1], mid, 2);
  EXPECT_NEAR(anterior[0], mid, 2);
  EXPECT_NEAR(anterior[1], mid - px22, 2);
}

// A volume rotated 30 degrees in plane, feet first, on another grid: the same anatomy at the same
// pixels, the calipers exactly where they were.
TEST(KeyImage, RotatedFeetFirstVolumeGivesTheSamePicture) {
  const Images a = headFirst();
  const Images b{volume({201, 201, 31}, {0.8, 0.8, 1.5}, 30, true, kC, ctValue),
                 volume({45, 45, 13}, {3.5, 3.5, 3.5}, -20, true, kC, petValue)};
  const KeyImages ka = renderKeyImages(*a.ct, a.pet.GetPointer(), disc(sliceOf(*a.ct, kC[2])));
  const KeyImages kb = renderKeyImages(*b.ct, b.pet.GetPointer(), disc(sliceOf(*b.ct, kC[2])));
  EXPECT_NEAR(kb.slice_z_mm, kC[2], 1e-6);
  EXPECT_DOUBLE_EQ(ka.x0_mm, kb.x0_mm);
  EXPECT_DOUBLE_EQ(ka.y0_mm, kb.y0_mm);
  const cv::Mat ia = decode(ka.ct_png), ib = decode(kb.ct_png);
  ASSERT_EQ(ia.size(), ib.size());
  int caliper_a = 0, differ = 0;
  for (int y = 0; y < ia.rows; ++y)
    for (int x = 0; x < ia.cols; ++x) {
      const bool la = is(ia.at<cv::Vec3b>(y, x), kLdiColour), lb = is(ib.at<cv::Vec3b>(y, x), kLdiColour);
      caliper_a += la;
      differ += la != lb;
    }
  EXPECT_GT(caliper_a, 100);
  EXPECT_EQ(differ, 0);
  // The markers at the same place on both.
  const double mid = 159.5, px22 = 22 / ka.mm_per_px;
  for (const cv::Mat* m : {&ia, &ib}) {
    const auto left = brightCentroid(*m, mid + px22, mid, 25), anterior = brightCentroid(*m, mid, mid - px22, 25);
    EXPECT_NEAR(left[0], mid + px22, 2);
    EXPECT_NEAR(left[1], mid, 2);
    EXPECT_NEAR(anterior[0], mid, 2);
    EXPECT_NEAR(anterior[1], mid - px22, 2);
  }
  // The PET hot in the disc on both.
  const cv::Mat fb = decode(kb.fused_png);
  const auto inside = kb.toPixel(at(75, 6));
  EXPECT_GT(fb.at<cv::Vec3b>(int(inside[1]), int(inside[0]))[2], 200);
}

TEST(KeyImage, AbsentLesionShowsTheSeedSliceWithACrossHair) {
  const Images v = headFirst();
  KeyImageInput in;
  in.lesion_id = "L2";
  in.absent = true;
  in.seed_mm = {kC[0] + 5, kC[1], kC[2] + 4.2};
  const KeyImages out = renderKeyImages(*v.ct, v.pet.GetPointer(), in);
  EXPECT_EQ(out.slice_index, sliceOf(*v.ct, kC[2] + 4.2));
  const cv::Mat ct = decode(out.ct_png), fused = decode(out.fused_png);
  EXPECT_EQ(ct.cols, 320);  // 60 mm at least
  EXPECT_NEAR(out.mm_per_px, 60.0 / 320, 1e-9);
  const auto s = out.toPixel(in.seed_mm);
  const double arm = 10;  // pixels from the seed, on the cross-hair's arms
  for (auto d : {std::array<double, 2>{arm, 0}, {-arm, 0}, {0, arm}, {0, -arm}}) {
    EXPECT_TRUE(colourNear(ct, s[0] + d[0], s[1] + d[1], kCrossHairColour)) << d[0] << "," << d[1];
    EXPECT_TRUE(colourNear(fused, s[0] + d[0], s[1] + d[1], kCrossHairColour)) << d[0] << "," << d[1];
  }
  int green = 0;
  for (int y = 0; y < ct.rows; ++y)
    for (int x = 0; x < ct.cols; ++x) green += is(ct.at<cv::Vec3b>(y, x), kOutlineColour);
  EXPECT_EQ(green, 0);
  EXPECT_NE(out.ct_caption.find("L2 absent"), std::string::npos) << out.ct_caption;
}

TEST(KeyImage, WithoutPetOnlyTheCtImage) {
  const Images v = headFirst();
  const KeyImages out = renderKeyImages(*v.ct, nullptr, disc(sliceOf(*v.ct, kC[2])));
  EXPECT_FALSE(decode(out.ct_png).empty());
  EXPECT_TRUE(out.fused_png.empty());
  EXPECT_EQ(out.fused_caption, "No PET at this timepoint: CT only");
}

TEST(KeyImage, FieldOfViewClampedToTheImage) {
  // A 40 x 30 mm CT: the 72 mm window shrinks to the image, and stays on it.
  const auto ct = volume({50, 30, 21}, {0.8, 1.0, 2}, 0, false, {kC[0] + 5, kC[1], kC[2]}, ctValue);
  const KeyImages out = renderKeyImages(*ct, nullptr, disc(sliceOf(*ct, kC[2])));
  EXPECT_EQ(out.width, 320);
  EXPECT_EQ(out.height, 240);
  EXPECT_NEAR(out.width * out.mm_per_px, 40, 1e-6);
  const cv::Mat img = decode(out.ct_png);
  EXPECT_EQ(img.cols, 320);
  EXPECT_EQ(img.rows, 240);
}

TEST(KeyImage, ASliceOutsideTheCtIsAnError) {
  const Images v = headFirst();
  KeyImageInput in = disc(21);
  EXPECT_THROW(renderKeyImages(*v.ct, nullptr, in), recap::Error);
  in.absent = true;
  in.seed_mm = {kC[0], kC[1], kC[2] + 100};
  EXPECT_THROW(renderKeyImages(*v.ct, nullptr, in), recap::Error);
}

}  // namespace
}  // namespace recap::report
