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
// element's header and length, sequences and items by their lengths or their delimiters. A
// sequence (SQ) or an item of defined length is walked too, within its length, which its items or
// elements must fill exactly: GDCM reads their elements, and an item whose last element ran past
// its end aborted it (fuzz/volume_fuzz.cpp). `end` is where the enclosing value ends (the file's
// end at the top level).
enum class Until { PixelData, ItemDelimiter, End };

std::string skipItems(const std::string& b, size_t& at, size_t end, bool implicit, int depth, bool defined_length,
                      bool fragments);

std::string skipElements(const std::string& b, size_t& at, size_t end, bool implicit, int depth, Until until) {
  const std::string holder = until == Until::End ? "its item" : end == b.size() ? "the file" : "its sequence";
  for (;;) {
    if (until == Until::End && at == end) return {};
    if (end - at < 8) {
      if (until == Until::PixelData && at == end) return {};
      if (until == Until::End)
        return "an element at byte " + std::to_string(at) + " runs past the end of its item (byte " +
               std::to_string(end) + ")";
      return "the data set ends inside an element header at byte " + std::to_string(at);
    }
    const uint32_t tag = le32(b, at);
    if (until == Until::ItemDelimiter && tag == kItemEnd) {
      if (le32(b, at + 4) != 0)
        return "a delimitation item at byte " + std::to_string(at) + " declares a length of " +
               std::to_string(le32(b, at + 4)) + " bytes (must be 0)";
      at += 8;
      return {};
    }
    if (until == Until::PixelData && tag == kPixelDataTag) return {};  // the caller's
    size_t head = 8;
    uint32_t length;
    bool unknown = false, sequence = false, bytes = false;
    if (implicit) {
      length = le32(b, at + 4);
    } else {
      const char* vr = b.data() + at + 4;
      if (hasLongLength(vr)) {
        if (end - at < 12) return "the data set ends inside an element header at byte " + std::to_string(at);
        length = le32(b, at + 8);
        head = 12;
      } else {
        length = le16(b, at + 6);
      }
      unknown = vr[0] == 'U' && vr[1] == 'N';
      sequence = vr[0] == 'S' && vr[1] == 'Q';
      bytes = vr[0] == 'O' && (vr[1] == 'B' || vr[1] == 'W');
    }
    // Undefined length: a sequence, an icon's encapsulated pixel data (items of defined length), or
    // a UN holding a sequence encoded in implicit VR.
    if (length == kUndefined) {
      at += head;
      const bool fragments = implicit ? tag == kPixelDataTag : bytes;
      if (std::string p = skipItems(b, at, end, implicit || unknown, depth + 1, false, fragments); !p.empty()) return p;
      continue;
    }
    if (length > end - at - head)
      return "element " + tagText(tag) + " at byte " + std::to_string(at) + " declares " + std::to_string(length) +
             " bytes, " + holder + " holds " + std::to_string(end - at - head) + " after it";
    at += head;
    if (sequence) {
      if (std::string p = skipItems(b, at, at + length, false, depth + 1, true, false); !p.empty()) return p;
    } else {
      at += length;
    }
  }
}

// The items of a sequence, or with `fragments` an encapsulated value's fragments (bytes, not walked).
std::string skipItems(const std::string& b, size_t& at, size_t end, bool implicit, int depth, bool defined_length,
                      bool fragments) {
  if (depth > kMaxDepth) return "sequences nested more than " + std::to_string(kMaxDepth) + " deep";
  for (;;) {
    if (defined_length && at == end) return {};
    if (end - at < 8) {
      if (defined_length)
        return "an item header at byte " + std::to_string(at) + " runs past the end of its sequence (byte " +
               std::to_string(end) + ")";
      return "the data set ends inside a sequence at byte " + std::to_string(at);
    }
    const uint32_t tag = le32(b, at), length = le32(b, at + 4);
    at += 8;
    if (tag == kSequenceEnd || tag == kItemEnd) {
      // GDCM reads a delimiter's length as a value's: it must be 0.
      if (length != 0)
        return "a delimitation item at byte " + std::to_string(at - 8) + " declares a length of " +
               std::to_string(length) + " bytes (must be 0)";
      if (tag == kItemEnd)
        return "an item delimitation item at byte " + std::to_string(at - 8) + " outside an item";
      if (defined_length)
        return "a sequence delimitation item at byte " + std::to_string(at - 8) + " inside a sequence of defined length";
      return {};
    }
    if (tag != kItem) return "a sequence holds " + tagText(tag) + " at byte " + std::to_string(at - 8) + " where an item belongs";
    if (length == kUndefined) {
      if (std::string p = skipElements(b, at, end, implicit, depth, Until::ItemDelimiter); !p.empty()) return p;
    } else if (length > end - at) {
      return "an item at byte " + std::to_string(at - 8) + " declares " + std::to_string(length) + " bytes, " +
             (defined_length ? "its sequence" : "the file") + " holds " + std::to_string(end - at) + " after it";
    } else if (!implicit && !fragments) {
      if (std::string p = skipElements(b, at, at + length, implicit, depth, Until::End); !p.empty()) return p;
    } else {
      at += length;
    }
  }
}

// Where the top-level Pixel Data's value starts (its first item), found by walking the data set
// from the file meta information on: a pattern search could be fooled by bytes inside a value.
std::string findPixelData(const std::string& b, size_t& at) {
  at = b.size() >= 132 && b.compare(128, 4, "DICM") == 0 ? 132 : 0;
  if (std::string p = skipElements(b, at, b.size(), false, 0, Until::PixelData); !p.empty()) return p;
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

constexpr unsigned kSoi = 0xffd8, kSof55 = 0xfff7, kSos = 0xffda, kApp0 = 0xffe0;

// JPEG markers that stand alone, without a length: SOI, EOI, RSTn, TEM.
bool jpegHasNoLength(unsigned marker) {
  return marker == kSoi || marker == 0xffd9 || (marker >= 0xffd0 && marker <= 0xffd7) || marker == 0xff01;
}

// What a codec's look at one marker segment says: a problem, or whether the walk ends there.
struct SegmentVerdict {
  std::string problem;
  bool done = false;
};

// The walk GDCM's JPEG and JPEG-LS decoders make of a fragment's header: SOI first, then marker
// segments, each a marker (after any FF fill bytes) and a length that must fit in the fragment,
// until `visit` (called as visit(marker, offset of the marker, body, body length)) ends it. FF00 is
// a stuffed zero of entropy-coded data, not a marker. `codec` names the codestream in messages,
// `goal` what the walk must reach.
template <class Visit>
std::string jpegSegmentsProblem(const char* p, size_t n, const std::string& codec, const std::string& goal,
                                Visit visit) {
  const std::string in = " of the first fragment";
  if (n < 2 || be(p, 2) != kSoi) return "the first " + codec + " fragment does not start with SOI (FFD8)";
  size_t at = 2;
  for (;;) {
    while (n - at >= 2 && static_cast<unsigned char>(p[at]) == 0xff && static_cast<unsigned char>(p[at + 1]) == 0xff)
      ++at;  // fill bytes
    if (n - at < 2) return "the first " + codec + " fragment ends before its " + goal;
    const unsigned marker = static_cast<unsigned>(be(p + at, 2));
    if ((marker & 0xff00) != 0xff00 || marker == 0xff00)
      return codec + " byte " + std::to_string(at) + in + " is not a marker where one must be";
    at += 2;
    if (jpegHasNoLength(marker)) continue;
    const std::string segment = codec + " marker segment " + hex4(marker) + " at byte " + std::to_string(at - 2) + in;
    if (n - at < 2) return segment + " ends in its length";
    const size_t length = static_cast<size_t>(be(p + at, 2));
    if (length < 2 || length > n - at)
      return segment + " declares " + std::to_string(length) + " bytes, the fragment holds " + std::to_string(n - at) +
             " from its length on";
    SegmentVerdict verdict = visit(marker, at - 2, p + at + 2, length - 2);
    if (!verdict.problem.empty() || verdict.done) return verdict.problem;
    at += length;
  }
}

// A frame header's fields (P, Y, X, Nf) against the data set's image; `where` names the segment.
std::string frameProblem(const std::string& where, const char* body, size_t size, const ImageShape& shape,
                         int min_precision) {
  if (size < 6) return where + " holds " + std::to_string(size + 2) + " bytes, too few for its fields";
  const int precision = static_cast<unsigned char>(body[0]);
  const uint64_t y = be(body + 1, 2), x = be(body + 3, 2), components = static_cast<unsigned char>(body[5]);
  if (x != uint64_t(shape.cols) || y != uint64_t(shape.rows))
    return where + " declares an image of " + std::to_string(x) + " x " + std::to_string(y) +
           " pixels, the data set's Columns x Rows is " + std::to_string(shape.cols) + " x " +
           std::to_string(shape.rows);
  if (components != uint64_t(shape.samples))
    return where + " declares " + std::to_string(components) + " component(s), the data set's SamplesPerPixel is " +
           std::to_string(shape.samples);
  if (precision < min_precision || precision > shape.bits_allocated)
    return where + " declares " + std::to_string(precision) + "-bit samples, BitsAllocated is " +
           std::to_string(shape.bits_allocated);
  return {};
}

}  // namespace

std::string jpegLsHeaderProblem(const char* p, size_t n, const ImageShape& shape) {
  return jpegSegmentsProblem(p, n, "JPEG-LS", "frame header (SOF55)",
                             [&](unsigned marker, size_t at, const char* body, size_t size) -> SegmentVerdict {
                               if (marker == kSos)
                                 return {"the first JPEG-LS fragment starts a scan before its frame header (SOF55)"};
                               if (marker != kSof55) return {};
                               const std::string where = "JPEG-LS frame header (SOF55) at byte " + std::to_string(at) +
                                                         " of the first fragment";
                               return {frameProblem(where, body, size, shape, 2), true};
                             });
}

std::string jpegEndProblem(const char* p, size_t n) {
  // A fragment is of even length: an odd stream ends with one pad byte (00, or FF as some encoders
  // write it) after EOI.
  if (n >= 3 && (p[n - 1] == '\0' || static_cast<unsigned char>(p[n - 1]) == 0xff) && be(p + n - 3, 2) == 0xffd9)
    return {};
  if (n >= 2 && be(p + n - 2, 2) == 0xffd9) return {};
  return "the JPEG stream does not end with EOI (FFD9) at the end of its last fragment (truncated or corrupt)";
}

std::string jpegHeaderProblem(const char* p, size_t n, const ImageShape& shape) {
  bool saw_frame = false;
  return jpegSegmentsProblem(
      p, n, "JPEG", "first scan (SOS)", [&](unsigned marker, size_t at, const char* body, size_t size) -> SegmentVerdict {
        const std::string where = " at byte " + std::to_string(at) + " of the first fragment";
        if (marker == kSos) {
          if (!saw_frame) return {"the first JPEG fragment starts a scan before its frame header (SOF)"};
          return {{}, true};
        }
        // libjpeg warns of a JFIF version it does not know, and GDCM asserts on that warning.
        if (marker == kApp0 && size >= 6 && std::memcmp(body, "JFIF", 5) == 0 && body[5] != 1)
          return {"JPEG JFIF segment (APP0)" + where + " declares major version " +
                  std::to_string(static_cast<unsigned char>(body[5])) + " (must be 1)"};
        if (marker < 0xffc0 || marker > 0xffcf || marker == 0xffc4 || marker == 0xffc8 || marker == 0xffcc) return {};
        const std::string frame = "JPEG frame header (SOF" + std::to_string(marker - 0xffc0) + ")" + where;
        if (saw_frame) return {frame + " is the fragment's second frame header"};
        saw_frame = true;
        if (marker > 0xffc3)
          return {frame + " declares a hierarchical or arithmetic-coded process, which the JPEG decoder does not read"};
        if (std::string problem = frameProblem(frame, body, size, shape, marker == 0xffc3 ? 2 : 1); !problem.empty())
          return {problem};
        // DCT-based processes: 8-bit samples in the baseline, 8 or 12 in the others.
        const int precision = static_cast<unsigned char>(body[0]);
        if (marker != 0xffc3 && precision != 8 && (marker == 0xffc0 || precision != 12))
          return {frame + " declares " + std::to_string(precision) + "-bit samples, which its process does not allow (" +
                  (marker == 0xffc0 ? "8" : "8 or 12") + ")"};
        return {};
      });
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

std::string dataSetProblem(const std::string& bytes) {
  size_t at = bytes.size() >= 132 && bytes.compare(128, 4, "DICM") == 0 ? 132 : 0;
  return skipElements(bytes, at, bytes.size(), false, 0, Until::PixelData);
}

std::string encapsulationProblem(const std::string& bytes, Codestream codestream, const ImageShape& shape) {
  size_t at = 0;
  if (std::string problem = findPixelData(bytes, at); !problem.empty()) return problem;
  size_t first_fragment = 0, first_fragment_length = 0, last_fragment_end = 0;
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
        case Codestream::Jpeg: {
          if (std::string problem = jpegHeaderProblem(fragment, first_fragment_length, shape); !problem.empty())
            return problem;
          return jpegEndProblem(bytes.data() + first_fragment, last_fragment_end - first_fragment);
        }
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
    if (item >= 1) last_fragment_end = at + 8 + length;
    at += 8 + length;
  }
}

}  // namespace recap::dicom::detail
