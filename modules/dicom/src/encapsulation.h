// Encapsulated (compressed) pixel data checked against a file's bytes before GDCM decodes it.
// GDCM believes the lengths it reads there: it allocated and filled 3.6 GB for a sequence
// delimitation item that declared that length in a 7 KB slice, and it read past the end of a
// JPEG 2000 fragment whose marker segment declared more bytes than the fragment held (SIGSEGV in
// its own header walk, gdcm::JPEG2000Codec::GetHeaderInfo); both found by fuzz/volume_fuzz.cpp.
// ITK-free, like slice.h, so that the fuzz harness builds it.
#pragma once

#include <cstddef>
#include <string>

namespace recap::dicom::detail {

// The image a JPEG, JPEG 2000 or JPEG-LS codestream must declare: the data set's Rows, Columns,
// SamplesPerPixel and BitsAllocated.
struct ImageShape {
  int rows = 0, cols = 0, samples = 1, bits_allocated = 16;
};

// The codestreams whose header the first fragment is checked for (the others are not walked).
enum class Codestream { Other, Jpeg, Jpeg2000, JpegLs };

// What is wrong with the structure of an explicit VR little endian file's data set, from the file
// meta information up to its Pixel Data (7FE0,0010), empty when nothing is: each element's length
// must fit in the file, each sequence and item of undefined length end with its delimiter (of
// length 0), and each sequence and item of defined length be filled exactly by its items or
// elements. GDCM aborted the process (an assertion in gdcm::FileMetaInformation::ReadCompat, reached
// when its explicit reading of the data set failed) on an item of defined length whose last element
// ran past its end, in an explicit VR little endian slice as in a compressed one
// (fuzz/volume_fuzz.cpp).
std::string dataSetProblem(const std::string& bytes);

// What is wrong with a file's encapsulated pixel data, empty when nothing is. The data set is
// walked from the file meta information to its Pixel Data (7FE0,0010), element by element and
// through sequences (explicit VR little endian, as every encapsulated transfer syntax; implicit VR
// inside a UN of undefined length) as dataSetProblem walks it; the pixel data must be OB or OW of
// undefined length, then a basic offset table item, at least one fragment and a sequence
// delimitation item (FFFE,E0DD) of length 0, each item fitting in the file. For a JPEG 2000
// `codestream`, the first fragment's header is walked as GDCM walks it and its SIZ checked against
// `shape`, the data set's image (jpeg2000HeaderProblem); for JPEG-LS, its frame header is
// (jpegLsHeaderProblem); for JPEG (ISO/IEC 10918-1), its marker segments up to the first scan
// (jpegHeaderProblem) and the end of its last fragment (jpegEndProblem). (A search for the pixel
// data's header bytes was fooled by a copy of them inside a fragment: fuzz/volume_fuzz.cpp.)
std::string encapsulationProblem(const std::string& bytes, Codestream codestream = Codestream::Other,
                                 const ImageShape& shape = {});

// What is wrong with a JPEG 2000 fragment's header for GDCM, empty when nothing is. GDCM reads
// the marker segments from the start of the first fragment up to the first SOD (start of data),
// skipping each by its declared length without checking it against the fragment, and reads two
// bytes of COD; in a JP2 file (a codestream wrapped in boxes) it skips boxes up to the codestream
// box the same way. Each segment and box must fit in the fragment. The SIZ segment must declare
// the image `shape` describes: GDCM copies the decoded image into a buffer sized by the data set
// without comparing the two (a codestream 32 768 pixels wide in a 128 x 128 slice wrote 8 MB past
// that buffer: fuzz/volume_fuzz.cpp), so its width, height and components must match, and its
// samples' precision fit in BitsAllocated.
std::string jpeg2000HeaderProblem(const char* data, size_t size, const ImageShape& shape);

// What is wrong with a JPEG-LS fragment's header, empty when nothing is. GDCM (CharLS) sizes the
// image it decodes by the frame header (SOF55) and allocates it before comparing it with the data
// set: a frame of 65535 x 65535 16-bit samples in a 7 KB slice threw std::length_error out of
// gdcm::JPEGLSCodec (fuzz/volume_fuzz.cpp). The fragment must start with SOI; the marker segments
// before the frame header must fit in the fragment; the frame header must come before the first
// scan and declare the data set's Columns x Rows, SamplesPerPixel components and a precision of
// 2 bits to BitsAllocated.
std::string jpegLsHeaderProblem(const char* data, size_t size, const ImageShape& shape);

// What is wrong with a JPEG (ISO/IEC 10918-1: baseline, extended, lossless) fragment's header,
// empty when nothing is. GDCM's JPEG decoders (libjpeg 6b with its lossless patch) assert, and
// abort the process, on any warning libjpeg gives while it reads the header, other than the
// precision one they handle: bytes between marker segments (libjpeg skips them with a warning; a
// slice with 38 such bytes after its frame header aborted recap: fuzz/volume_fuzz.cpp), or a JFIF
// segment of another major version. So the fragment must start with SOI and hold, up to its first
// scan (SOS), only marker segments that fit in it, one after the other (FF fill bytes between them
// allowed); among them a JFIF segment must be of version 1; one frame header (SOF0-SOF3; the
// hierarchical and arithmetic-coded processes are refused), before the scan, declaring the data
// set's Columns x Rows and SamplesPerPixel, and a precision its process allows (8 bits for the
// baseline, 8 or 12 for the other DCT processes, 2 to 16 for lossless) that fits in BitsAllocated.
std::string jpegHeaderProblem(const char* data, size_t size, const ImageShape& shape);

// What is wrong with the end of a JPEG (ISO/IEC 10918-1) stream, empty when nothing is: `data` is
// the frame's fragments, from the first's start to the last's end (their item headers between them
// are not looked at), which must end with EOI (FFD9), then at most one pad byte. A stream cut short
// (a slice whose EOI's FF had become FB, and 8 bytes of its scan data zeros) was decoded by GDCM
// without an error, its decompressor left allocated, and its pixels were loaded as the slice's
// (fuzz/volume_fuzz.cpp). A single-frame slice only: every frame's end is not checked.
std::string jpegEndProblem(const char* data, size_t size);

}  // namespace recap::dicom::detail
