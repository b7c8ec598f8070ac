// Pixel <-> patient coordinates on an image plane, and UIDs.
#include <dcmtk/dcmdata/dcuid.h>
#include <openssl/sha.h>

#include <algorithm>
#include <string>

#include "recap/srseg/sr.h"

namespace recap::srseg {

namespace {
double dot(const Point3& a, const Point3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }
}  // namespace

Point2 toPixel(const ImagePlane& p, const Point3& x) {
  const Point3 d{x[0] - p.position[0], x[1] - p.position[1], x[2] - p.position[2]};
  const Point3 row{p.orientation[0], p.orientation[1], p.orientation[2]};
  const Point3 col{p.orientation[3], p.orientation[4], p.orientation[5]};
  // Along the row direction the step is the spacing between columns (pixel_spacing[1]).
  return {dot(d, row) / p.pixel_spacing[1] + 0.5, dot(d, col) / p.pixel_spacing[0] + 0.5};
}

Point3 toPatient(const ImagePlane& p, const Point2& px) {
  const double u = (px[0] - 0.5) * p.pixel_spacing[1], v = (px[1] - 0.5) * p.pixel_spacing[0];
  Point3 out;
  for (int i = 0; i < 3; ++i) out[i] = p.position[i] + u * p.orientation[i] + v * p.orientation[3 + i];
  return out;
}

std::string uidFromText(const std::string& text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  // The first 128 bits as a UUID (version 8 style bits left as they are) in decimal, under 2.25
  // (ISO/IEC 9834-8): at most 39 digits, so the UID stays within 64 characters.
  unsigned __int128 v = 0;
  for (int i = 0; i < 16; ++i) v = (v << 8) | digest[i];
  std::string digits;
  do {
    digits.push_back(char('0' + int(v % 10)));
    v /= 10;
  } while (v != 0);
  std::reverse(digits.begin(), digits.end());
  return "2.25." + digits;
}

std::string newUid() {
  char buf[100];
  dcmGenerateUniqueIdentifier(buf, SITE_INSTANCE_UID_ROOT);
  return buf;
}

}  // namespace recap::srseg
