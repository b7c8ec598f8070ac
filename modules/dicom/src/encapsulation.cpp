#include "encapsulation.h"

#include <cstdint>
#include <cstring>

namespace recap::dicom::detail {

namespace {

uint32_t le32(const std::string& b, size_t at) {
  return static_cast<uint32_t>(static_cast<unsigned char>(b[at])) |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 1])) << 8 |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 2])) << 16 |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 3])) << 24;
}

uint64_t be(const char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

std::string hex4(unsigned v) {
  static const char* digits = "0123456789ABCDEF";
  std::string s(4, '0');
  for (int i = 3; i >= 0; --i, v >>= 4) s[i] = digits[v & 0xf];
  return s;
}

uint16_t le16(const std::string& b, size_t at) {
  return static_cast<uint16_t>(static_cast<unsigned char>(b[at]) | static_cast<unsigned char>(b[at + 1]) << 8);
}

constexpr uint32_t kUndefined = 0xffffffffu;
constexpr uint32_t kItem = 0xe000fffeu, kItemEnd = 0xe00dfffeu, kSequenceEnd = 0xe0ddfffeu;  // as read, LE
constexpr uint32_t kPixelDataTag = 0x00107fe0u;
constexpr int kMaxDepth = 64;  // as readHeader's nesting limit

bool hasLongLength(const char* vr) {
  static const char* const kLong[] = {"OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"};
  for (const char* v : kLong)
    if (vr[0] == v[0] && vr[1] == v[1]) return true;
  return false;
}

std::string tagText(uint32_t tag) { return "(" + hex4(tag & 0xffff) + "," + hex4(tag >> 16) + ")"; }

// Data set walking, as a DICOM parser reads it, in explicit VR little endian (every encapsulated
// transfer syntax) or implicit VR (inside a UN of undefined length). Only structure: each
// element's header and length, sequences and items by their lengths or their delimiters.
std::string skipItems(const std::string& b, size_t& at, bool implicit, int depth);

std::string skipElements(const std::string& b, size_t& at, bool implicit, int depth, bool until_item_end) {
  for (;;) {
    if (b.size() - at < 8) {
      if (!until_item_end && at == b.size()) return {};
      return "the data set ends inside an element header at byte " + std::to_string(at);
    }
    const uint32_t tag = le32(b, at);
    if (until_item_end && tag == kItemEnd) {
      if (le32(b, at + 4) != 0)
        return "a delimitation item at byte " + std::to_string(at) + " declares a length of " +
               std::to_string(le32(b, at + 4)) + " bytes (must be 0)";
      at += 8;
      return {};
    }
    if (!until_item_end && tag == kPixelDataTag) return {};  // the caller's
    size_t head = 8;
    uint32_t length;
    bool unknown = false;
    if (implicit) {
      length = le32(b, at + 4);
    } else {
      const char* vr = b.data() + at + 4;
      if (hasLongLength(vr)) {
        if (b.size() - at < 12) return "the data set ends inside an element header at byte " + std::to_string(at);
        length = le32(b, at + 8);
        head = 12;
      } else {
        length = le16(b, at + 6);
      }
      unknown = vr[0] == 'U' && vr[1] == 'N';
    }
    // Undefined length: a sequence, an icon's encapsulated pixel data (items of defined length), or
    // a UN holding a sequence encoded in implicit VR.
    if (length == kUndefined) {
      at += head;
      if (std::string p = skipItems(b, at, implicit || unknown, depth + 1); !p.empty()) return p;
      continue;
    }
    if (length > b.size() - at - head)
      return "element " + tagText(tag) + " at byte " + std::to_string(at) + " declares " + std::to_string(length) +
             " bytes, the file holds " + std::to_string(b.size() - at - head) + " after it";
    at += head + length;
  }
}

std::string skipItems(const std::string& b, size_t& at, bool implicit, int depth) {
  if (depth > kMaxDepth) return "sequences nested more than " + std::to_string(kMaxDepth) + " deep";
  for (;;) {
    if (b.size() - at < 8) return "the data set ends inside a sequence at byte " + std::to_string(at);
    const uint32_t tag = le32(b, at), length = le32(b, at + 4);
    at += 8;
    if (tag == kSequenceEnd || tag == kItemEnd) {
      // GDCM reads a delimiter's length as a value's: it must be 0.
      if (length != 0)
        return "a delimitation item at byte " + std::to_string(at - 8) + " declares a length of " +
               std::to_string(length) + " bytes (must be 0)";
      if (tag == kSequenceEnd) return {};
      return "an item delimitation item at byte " + std::to_string(at - 8) + " outside an item";
    }
    if (tag != kItem) return "a sequence holds " + tagText(tag) + " at byte " + std::to_string(at - 8) + " where an item belongs";
    if (length == kUndefined) {
      if (std::string p = skipElements(b, at, implicit, depth, true); !p.empty()) return p;
    } else if (length > b.size() - at) {
      return "an item at byte " + std::to_string(at - 8) + " declares " + std::to_string(length) +
             " bytes, the file holds " + std::to_string(b.size() - at) + " after it";
    } else {
      at += length;
    }
  }
}

// Where the top-level Pixel Data's value starts (its first item), found by walking the data set
// from the file meta information on: a pattern search could be fooled by bytes inside a value.
std::string findPixelData(const std::string& b, size_t& at) {
  at = b.size() >= 132 && b.compare(128, 4, "DICM") == 0 ? 132 : 0;
  if (std::string p = skipElements(b, at, false, 0, false); !p.empty()) return p;
  if (at == b.size()) return "no pixel data (7FE0,0010) in the data set";
  if (b.size() - at < 12) return "the data set ends inside the pixel data's header";
  const bool ob_or_ow = (b[at + 4] == 'O' && (b[at + 5] == 'B' || b[at + 5] == 'W'));
  if (!ob_or_ow || le32(b, at + 8) != kUndefined)
    return "the pixel data (7FE0,0010) is not encapsulated (OB or OW of undefined length)";
  at += 12;
  return {};
}

// Markers without a length (ISO/IEC 15444-1 Table A.2): FF30-FF3F, SOC, SOD, EPH, EOC.
bool hasNoLength(unsigned marker) {
  return (marker >= 0xff30 && marker <= 0xff3f) || marker == 0xff4f || marker == 0xff93 || marker == 0xff92 ||
         marker == 0xffd9;
}

constexpr unsigned kSiz = 0xff51, kCod = 0xff52, kSod = 0xff93;
constexpr uint64_t kJp2c = 0x6a703263;  // 'jp2c', the contiguous codestream box

// The image a SIZ segment (its body, after Lsiz) declares against the data set's: GDCM copies the
// decoded image into a buffer sized by Rows, Columns, SamplesPerPixel and BitsAllocated, one
// component's width x height samples of up to its precision each, without comparing them.
std::string sizProblem(const char* s, size_t n, size_t at, const ImageShape& shape) {
  const std::string where = "JPEG 2000 SIZ segment at byte " + std::to_string(at) + " of the first fragment";
  if (n < 36) return where + " holds " + std::to_string(n + 2) + " bytes, too few for its fields";
  const uint64_t x = be(s + 2, 4), y = be(s + 6, 4), x0 = be(s + 10, 4), y0 = be(s + 14, 4);
  const uint64_t components = be(s + 34, 2);
  if (x0 >= x || y0 >= y || x - x0 != uint64_t(shape.cols) || y - y0 != uint64_t(shape.rows))
    return where + " declares an image of " + (x0 >= x ? "0" : std::to_string(x - x0)) + " x " +
           (y0 >= y ? "0" : std::to_string(y - y0)) + " pixels, the data set's Columns x Rows is " +
           std::to_string(shape.cols) + " x " + std::to_string(shape.rows);
  if (components != uint64_t(shape.samples))
    return where + " declares " + std::to_string(components) + " component(s), the data set's SamplesPerPixel is " +
           std::to_string(shape.samples);
  if (n < 36 + 3 * components) return where + " ends before its components' fields";
  for (uint64_t c = 0; c < components; ++c) {
    const int precision = (static_cast<unsigned char>(s[36 + 3 * c]) & 0x7f) + 1;
    if (precision > shape.bits_allocated)
      return where + " declares " + std::to_string(precision) + "-bit samples, more than BitsAllocated " +
             std::to_string(shape.bits_allocated);
  }
  return {};
}

// GDCM's walk of a codestream's marker segments, with the bounds it does not check. Where GDCM
// stops by itself (a short read, a length under 2, a COD it does not know), so does this. The SIZ
// segment, which GDCM's decoder trusts when it copies the image out, is checked against `shape`.
std::string codestreamProblem(const char* p, size_t n, size_t offset, const ImageShape& shape) {
  size_t at = 0;
  while (n - at >= 2) {
    const unsigned marker = static_cast<unsigned>(be(p + at, 2));
    at += 2;
    if (hasNoLength(marker)) {
      if (marker == kSod) return {};
      continue;
    }
    if (n - at < 2) return {};
    const size_t length = static_cast<size_t>(be(p + at, 2));
    at += 2;
    if (length < 2) return {};
    if (marker == kCod) {
      if (n - at < 10)
        return "JPEG 2000 COD segment at byte " + std::to_string(offset + at - 4) + " of the first fragment ends with it";
      const auto mct = static_cast<unsigned char>(p[at + 4]), transform = static_cast<unsigned char>(p[at + 9]);
      if (mct > 1 || transform != 1) return {};
    }
    if (length - 2 > n - at)
      return "JPEG 2000 marker segment " + hex4(marker) + " at byte " + std::to_string(offset + at - 4) +
             " of the first fragment declares " + std::to_string(length) + " bytes, the fragment holds " +
             std::to_string(n - at + 2) + " from its length on";
    if (marker == kSiz)
      if (std::string problem = sizProblem(p + at, length - 2, offset + at - 4, shape); !problem.empty()) return problem;
    at += length - 2;
  }
  return {};
}

constexpr unsigned kSoi = 0xffd8, kSof55 = 0xfff7, kSos = 0xffda;

// JPEG markers that stand alone, without a length: SOI, EOI, RSTn, TEM.
bool jpegHasNoLength(unsigned marker) {
  return marker == kSoi || marker == 0xffd9 || (marker >= 0xffd0 && marker <= 0xffd7) || marker == 0xff01;
}

}  // namespace

std::string jpegLsHeaderProblem(const char* p, size_t n, const ImageShape& shape) {
  const std::string in = " of the first fragment";
  if (n < 2 || be(p, 2) != kSoi) return "the first JPEG-LS fragment does not start with SOI (FFD8)";
  size_t at = 2;
  for (;;) {
    while (n - at >= 2 && static_cast<unsigned char>(p[at]) == 0xff && static_cast<unsigned char>(p[at + 1]) == 0xff)
      ++at;  // fill bytes
    if (n - at < 2) return "the first JPEG-LS fragment ends before its frame header (SOF55)";
    const unsigned marker = static_cast<unsigned>(be(p + at, 2));
    if ((marker & 0xff00) != 0xff00)
      return "JPEG-LS byte " + std::to_string(at) + in + " is not a marker where one must be";
    at += 2;
    if (jpegHasNoLength(marker)) continue;
    const std::string segment = "JPEG-LS marker segment " + hex4(marker) + " at byte " + std::to_string(at - 2) + in;
    if (n - at < 2) return segment + " ends in its length";
    const size_t length = static_cast<size_t>(be(p + at, 2));
    if (length < 2 || length > n - at)
      return segment + " declares " + std::to_string(length) + " bytes, the fragment holds " + std::to_string(n - at) +
             " from its length on";
    if (marker == kSos) return "the first JPEG-LS fragment starts a scan before its frame header (SOF55)";
    if (marker == kSof55) {
      const std::string where = "JPEG-LS frame header (SOF55) at byte " + std::to_string(at - 2) + in;
      if (length < 8) return where + " holds " + std::to_string(length) + " bytes, too few for its fields";
      const int precision = static_cast<unsigned char>(p[at + 2]);
      const uint64_t y = be(p + at + 3, 2), x = be(p + at + 5, 2), components = static_cast<unsigned char>(p[at + 7]);
      if (x != uint64_t(shape.cols) || y != uint64_t(shape.rows))
        return where + " declares an image of " + std::to_string(x) + " x " + std::to_string(y) +
               " pixels, the data set's Columns x Rows is " + std::to_string(shape.cols) + " x " +
               std::to_string(shape.rows);
      if (components != uint64_t(shape.samples))
        return where + " declares " + std::to_string(components) +
               " component(s), the data set's SamplesPerPixel is " + std::to_string(shape.samples);
      if (precision < 2 || precision > shape.bits_allocated)
        return where + " declares " + std::to_string(precision) + "-bit samples, BitsAllocated is " +
               std::to_string(shape.bits_allocated);
      return {};
    }
    at += length;
  }
}

std::string jpeg2000HeaderProblem(const char* p, size_t n, const ImageShape& shape) {
  static const unsigned char kJp2Signature[12] = {0, 0, 0, 0x0c, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a};
  if (n < sizeof kJp2Signature || std::memcmp(p, kJp2Signature, sizeof kJp2Signature) != 0)
    return codestreamProblem(p, n, 0, shape);
  size_t at = 0;
  for (;;) {
    if (n - at < 8) return "JPEG 2000 (JP2) boxes end without a codestream box";
    uint64_t length = be(p + at, 4);
    const uint64_t type = be(p + at + 4, 4);
    size_t head = 8;
    if (length == 1) {
      if (n - at < 16) return "JPEG 2000 (JP2) box at byte " + std::to_string(at) + " ends in its extended length";
      length = be(p + at + 8, 8);
      head = 16;
    }
    if (type == kJp2c && (length == 0 || (head == 16 && length == 8)))  // to the end of the fragment
      return codestreamProblem(p + at + head, n - at - head, at + head, shape);
    if (length < head || length - head > n - at - head)
      return "JPEG 2000 (JP2) box at byte " + std::to_string(at) + " declares " + std::to_string(length) +
             " bytes, the fragment holds " + std::to_string(n - at) + " from it on";
    if (type == kJp2c) return codestreamProblem(p + at + head, static_cast<size_t>(length) - head, at + head, shape);
    at += static_cast<size_t>(length);
  }
}

std::string encapsulationProblem(const std::string& bytes, Codestream codestream, const ImageShape& shape) {
  size_t at = 0;
  if (std::string problem = findPixelData(bytes, at); !problem.empty()) return problem;
  size_t first_fragment = 0, first_fragment_length = 0;
  for (int item = 0;; ++item) {
    if (at + 8 > bytes.size())
      return "the pixel data ends after " + std::to_string(item) + " item(s) without its sequence delimitation item";
    const uint32_t tag = le32(bytes, at), length = le32(bytes, at + 4);
    if (tag == kSequenceEnd) {
      if (length != 0)
        return "the pixel data's sequence delimitation item declares a length of " + std::to_string(length) +
               " bytes (must be 0)";
      if (item < 2) return "the pixel data holds no fragment after its basic offset table";
      const char* fragment = bytes.data() + first_fragment;
      switch (codestream) {
        case Codestream::Jpeg2000: return jpeg2000HeaderProblem(fragment, first_fragment_length, shape);
        case Codestream::JpegLs: return jpegLsHeaderProblem(fragment, first_fragment_length, shape);
        case Codestream::Other: break;
      }
      return {};
    }
    if (tag != kItem)
      return "pixel data item " + std::to_string(item) + " does not start with the item tag (FFFE,E000)";
    if (length == kUndefined || length > bytes.size() - (at + 8))
      return "pixel data item " + std::to_string(item) + " declares " +
             (length == kUndefined ? std::string("an undefined length") : std::to_string(length) + " bytes") +
             ", the file holds " + std::to_string(bytes.size() - (at + 8)) + " after it";
    if (item == 1) {
      first_fragment = at + 8;
      first_fragment_length = length;
    }
    at += 8 + length;
  }
}

}  // namespace recap::dicom::detail
