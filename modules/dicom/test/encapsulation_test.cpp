// detail::dataSetProblem, encapsulationProblem and the codestream header checks (JPEG 2000, JPEG-LS,
// JPEG): a slice's data set and encapsulated pixel data checked against the file's bytes before
// GDCM, which believes every length it reads and asserts on headers its codecs warn of, decodes it.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "../src/encapsulation.h"
#include "recap/dicom/header.h"

namespace recap::dicom::detail {
namespace {

std::string le32(uint32_t v) {
  std::string s(4, '\0');
  for (int i = 0; i < 4; ++i) s[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  return s;
}
std::string be(uint64_t v, int bytes) {
  std::string s(bytes, '\0');
  for (int i = bytes - 1; i >= 0; --i, v >>= 8) s[i] = static_cast<char>(v & 0xff);
  return s;
}

const std::string kPixelData = std::string("\xe0\x7f\x10\x00" "OB\0\0\xff\xff\xff\xff", 12);
std::string item(const std::string& value) { return std::string("\xfe\xff\x00\xe0", 4) + le32(value.size()) + value; }
std::string delimiter(uint32_t length = 0) { return std::string("\xfe\xff\xdd\xe0", 4) + le32(length); }

// A data set's leading bytes, then the pixel data: an empty offset table and one fragment.
const std::string kBefore = std::string("\x08\x00\x60\x00" "CS\x02\x00" "CT", 10);
const std::string kFragment = item(std::string(40, '\x5a'));
std::string problem(const std::string& bytes) { return encapsulationProblem(bytes); }

// Which slices are checked, and which get the JPEG 2000 walk: the supported transfer syntaxes' table.
TEST(TransferSyntaxTable, EncapsulatedAndJpeg2000AreTheCompressedOnesRecapDecodes) {
  for (const char* uid : {"1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.1.99", "1.2.840.10008.1.2.2"}) {
    EXPECT_FALSE(isEncapsulatedTransferSyntax(uid)) << uid;
    EXPECT_FALSE(isJpeg2000TransferSyntax(uid)) << uid;
  }
  for (const char* uid : {"1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.50",
                          "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81",
                          "1.2.840.10008.1.2.5"}) {
    EXPECT_TRUE(isEncapsulatedTransferSyntax(uid)) << uid;
    EXPECT_FALSE(isJpeg2000TransferSyntax(uid)) << uid;
    EXPECT_EQ(isJpegLsTransferSyntax(uid), std::string(uid).rfind("1.2.840.10008.1.2.4.8", 0) == 0) << uid;
    EXPECT_EQ(isJpegTransferSyntax(uid), std::string(uid).rfind("1.2.840.10008.1.2.4.5", 0) == 0 ||
                                             std::string(uid).rfind("1.2.840.10008.1.2.4.70", 0) == 0)
        << uid;
  }
  for (const char* uid : {"1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91"}) {
    EXPECT_TRUE(isEncapsulatedTransferSyntax(uid)) << uid;
    EXPECT_TRUE(isJpeg2000TransferSyntax(uid)) << uid;
    EXPECT_FALSE(isJpegLsTransferSyntax(uid)) << uid;
    EXPECT_FALSE(isJpegTransferSyntax(uid)) << uid;
    EXPECT_TRUE(isSupportedTransferSyntax(uid)) << uid;
  }
  // Not decoded (checkDecodable refuses it first), so not walked either.
  EXPECT_FALSE(isEncapsulatedTransferSyntax("1.2.840.10008.1.2.4.201"));
  EXPECT_EQ(transferSyntaxName("1.2.840.10008.1.2.4.201"), "unsupported (1.2.840.10008.1.2.4.201)");
  EXPECT_EQ(transferSyntaxName("1.2.840.10008.1.2.5"), "rle");
}

TEST(Encapsulation, ItemsThatFitAndADelimiterOfLengthZeroAreFine) {
  EXPECT_EQ(problem(kBefore + kPixelData + item("") + kFragment + delimiter()), "");
  // Elements after the pixel data (trailing padding) are not its business.
  EXPECT_EQ(problem(kBefore + kPixelData + item("") + kFragment + delimiter() +
                    std::string("\xfc\xff\xfc\xff" "OB\0\0", 8) + le32(4) + std::string(4, '\0')),
            "");
}

TEST(Encapsulation, ADelimiterWithALengthIsAProblem) {
  EXPECT_EQ(problem(kBefore + kPixelData + item("") + kFragment + delimiter(3627047168u)),
            "the pixel data's sequence delimitation item declares a length of 3627047168 bytes (must be 0)");
}

TEST(Encapsulation, AnItemLongerThanTheFileIsAProblem) {
  const std::string bytes = kBefore + kPixelData + item("") + std::string("\xfe\xff\x00\xe0", 4) + le32(41) +
                            std::string(40, '\x5a');
  EXPECT_EQ(problem(bytes), "pixel data item 1 declares 41 bytes, the file holds 40 after it");
  EXPECT_EQ(problem(kBefore + kPixelData + std::string("\xfe\xff\x00\xe0", 4) + le32(0xffffffffu)),
            "pixel data item 0 declares an undefined length, the file holds 0 after it");
}

TEST(Encapsulation, AMissingDelimiterOrFragmentOrAForeignTagIsAProblem) {
  EXPECT_EQ(problem(kBefore + kPixelData + item("") + kFragment),
            "the pixel data ends after 2 item(s) without its sequence delimitation item");
  EXPECT_EQ(problem(kBefore + kPixelData + item("") + std::string("\x08\x00\x60\x00", 4) + le32(0)),
            "pixel data item 1 does not start with the item tag (FFFE,E000)");
  EXPECT_EQ(problem(kBefore + kPixelData + item("") + delimiter()),
            "the pixel data holds no fragment after its basic offset table");
}

// An icon image (in its sequence, earlier in the data set) has encapsulated pixel data of its
// own; the data set's Pixel Data is the one checked, and the icon's structure is walked through.
std::string iconSequence(uint32_t icon_delimiter_length = 0) {
  const std::string icon_item = std::string("\x28\x00\x10\x00" "US\x02\x00\x40\x00", 10) + kPixelData + item("") +
                                item("icon") + delimiter(icon_delimiter_length) +
                                std::string("\xfe\xff\x0d\xe0", 4) + le32(0);
  return std::string("\x88\x00\x00\x02" "SQ\0\0", 8) + le32(0xffffffffu) + std::string("\xfe\xff\x00\xe0", 4) +
         le32(0xffffffffu) + icon_item + delimiter();
}

TEST(Encapsulation, TheDataSetsPixelDataIsTheOneCheckedNotAnIcons) {
  EXPECT_EQ(problem(kBefore + iconSequence() + kPixelData + item("") + kFragment + delimiter(8)),
            "the pixel data's sequence delimitation item declares a length of 8 bytes (must be 0)");
  EXPECT_EQ(problem(kBefore + iconSequence() + kPixelData + item("") + kFragment + delimiter()), "");
  const std::string bad_icon = problem(kBefore + iconSequence(8) + kPixelData + item("") + kFragment + delimiter());
  EXPECT_NE(bad_icon.find("declares a length of 8 bytes (must be 0)"), std::string::npos) << bad_icon;
}

// The fuzzer put the pixel data's 12 header bytes inside the fragment; a search for the last copy
// of them took it for the pixel data and checked nothing real. The walk is not fooled.
TEST(Encapsulation, APixelDataHeaderInsideAValueIsNotThePixelData) {
  const std::string decoy = kPixelData + item("") + item("x") + delimiter();
  EXPECT_EQ(problem(kBefore + kPixelData + item("") + item(std::string(16, '\x5a') + decoy) + delimiter(8)),
            "the pixel data's sequence delimitation item declares a length of 8 bytes (must be 0)");
  const std::string in_a_value = std::string("\x09\x00\x10\x10" "OB\0\0", 8) + le32(decoy.size()) + decoy;
  EXPECT_EQ(problem(kBefore + in_a_value + kPixelData + item("") + kFragment + delimiter(8)),
            "the pixel data's sequence delimitation item declares a length of 8 bytes (must be 0)");
}

TEST(Encapsulation, AnElementLongerThanTheFileOrNoPixelDataIsAProblem) {
  const std::string long_element = std::string("\x09\x00\x10\x10" "OB\0\0", 8) + le32(1000) + "abc";
  EXPECT_EQ(problem(kBefore + long_element), "element (0009,1010) at byte 10 declares 1000 bytes, the file holds 3 after it");
  EXPECT_EQ(problem(kBefore + std::string("\x10\x00\x10\x00" "PN\x04\x00" "A^B ", 12)),
            "no pixel data (7FE0,0010) in the data set");
  EXPECT_EQ(problem(kBefore + std::string("\xe0\x7f\x10\x00" "OW\0\0", 8) + le32(4) + "abcd"),
            "the pixel data (7FE0,0010) is not encapsulated (OB or OW of undefined length)");
}

// Sequences and items of defined length are walked within their lengths, which their content must
// fill exactly: GDCM aborted on an item whose last element ran past its end (fuzz/volume_fuzz.cpp).
std::string definedSequence(const std::string& items, uint32_t length) {
  return std::string("\x54\x00\x16\x00" "SQ\0\0", 8) + le32(length) + items;
}
std::string definedSequence(const std::string& items) { return definedSequence(items, static_cast<uint32_t>(items.size())); }
std::string itemOfLength(const std::string& value, uint32_t length) {
  return std::string("\xfe\xff\x00\xe0", 4) + le32(length) + value;
}
const std::string kNuclide = std::string("\x18\x00\x31\x00" "LO\x04\x00" "FDG ", 12);
const std::string kHalfLife = std::string("\x18\x00\x75\x10" "DS\x04\x00" "6586", 12);
const std::string kNative = std::string("\xe0\x7f\x10\x00" "OW\0\0", 8) + le32(4) + "abcd";

TEST(DataSet, SequencesAndItemsOfDefinedLengthFilledByTheirContentAreFine) {
  EXPECT_EQ(dataSetProblem(kBefore + definedSequence(item(kNuclide + kHalfLife) + item(kNuclide)) + kNative), "");
  EXPECT_EQ(dataSetProblem(kBefore + definedSequence("") + kNative), "");
  // An item of undefined length inside a sequence of defined length, a sequence inside an item.
  const std::string open_item = itemOfLength(kNuclide, 0xffffffffu) + std::string("\xfe\xff\x0d\xe0", 4) + le32(0);
  EXPECT_EQ(dataSetProblem(kBefore + definedSequence(open_item + item(definedSequence(item(kNuclide)))) + kNative), "");
  // An icon's encapsulated pixel data inside an item of defined length: its fragments are bytes.
  const std::string icon = std::string("\x28\x00\x10\x00" "US\x02\x00\x40\x00", 10) + kPixelData + item("") +
                           item("icon") + delimiter();
  EXPECT_EQ(dataSetProblem(kBefore + std::string("\x88\x00\x00\x02" "SQ\0\0", 8) + le32(icon.size() + 8) + item(icon) +
                           kNative),
            "");
  EXPECT_EQ(problem(kBefore + definedSequence(item(kNuclide)) + kPixelData + item("") + kFragment + delimiter()), "");
}

TEST(DataSet, AnItemShorterOrLongerThanItsElementsIsAProblem) {
  // The fuzzer's case: the item ends inside its last element's header.
  const std::string two = kNuclide + kHalfLife;
  const std::string cut = definedSequence(itemOfLength(two, 19), static_cast<uint32_t>(8 + two.size()));
  EXPECT_EQ(dataSetProblem(kBefore + cut + kNative), "an element at byte 42 runs past the end of its item (byte 49)");
  EXPECT_EQ(problem(kBefore + cut + kPixelData + item("") + kFragment + delimiter()),
            "an element at byte 42 runs past the end of its item (byte 49)");
  // ... or inside its value.
  const std::string in_value = definedSequence(itemOfLength(two, 22), static_cast<uint32_t>(8 + two.size()));
  EXPECT_EQ(dataSetProblem(kBefore + in_value + kNative),
            "element (0018,1075) at byte 42 declares 4 bytes, its item holds 2 after it");
  // An item longer than its elements leaves bytes that are not an element.
  const std::string padded = definedSequence(itemOfLength(kNuclide + "abcd", 16));
  EXPECT_EQ(dataSetProblem(kBefore + padded + kNative), "an element at byte 42 runs past the end of its item (byte 46)");
}

TEST(DataSet, ASequenceShorterOrLongerThanItsItemsIsAProblem) {
  const std::string one = item(kNuclide);
  EXPECT_EQ(dataSetProblem(kBefore + definedSequence(one, static_cast<uint32_t>(one.size() - 4)) + kNative),
            "an item at byte 22 declares 12 bytes, its sequence holds 8 after it");
  EXPECT_EQ(dataSetProblem(kBefore + definedSequence(one + "abcd", static_cast<uint32_t>(one.size() + 4)) + kNative),
            "an item header at byte 42 runs past the end of its sequence (byte 46)");
  EXPECT_EQ(dataSetProblem(kBefore + definedSequence(one + delimiter()) + kNative),
            "a sequence delimitation item at byte 42 inside a sequence of defined length");
  EXPECT_EQ(dataSetProblem(kBefore + definedSequence(one, 1000) + kNative),
            "element (0054,0016) at byte 10 declares 1000 bytes, the file holds " +
                std::to_string(one.size() + kNative.size()) + " after it");
}

// A JPEG 2000 codestream's main header: SOC, SIZ (41 bytes for one component), COD (12), QCD (4),
// SOT (10), then SOD and the data; of an 8 x 8 image of 16-bit samples, as the data set says.
const ImageShape kShape{8, 8, 1, 16};
std::string segment(unsigned marker, const std::string& body) { return be(marker, 2) + be(body.size() + 2, 2) + body; }
// SIZ: Rsiz, Xsiz, Ysiz, XOsiz, YOsiz, the tiles' size and offset, Csiz, then per component Ssiz
// (precision - 1, and the sign bit), XRsiz, YRsiz.
std::string siz(uint64_t x = 8, uint64_t y = 8, uint64_t x0 = 0, unsigned components = 1, unsigned precision = 16) {
  std::string body = be(0, 2) + be(x, 4) + be(y, 4) + be(x0, 4) + be(0, 4) + be(x, 4) + be(y, 4) + be(0, 4) + be(0, 4) +
                     be(components, 2);
  for (unsigned c = 0; c < components; ++c) body += std::string(1, char(precision - 1)) + "\x01\x01";
  return segment(0xff51, body);
}
std::string cod(unsigned char transform) {
  return segment(0xff52, std::string("\x00\x00\x00\x01\x00\x05\x04\x04\x00", 9) + std::string(1, char(transform)));
}
std::string codestream(const std::string& cod_segment, const std::string& after_sot = be(0xff93, 2),
                       const std::string& siz_segment = siz()) {
  return be(0xff4f, 2) + siz_segment + cod_segment + segment(0xff5c, "\x40\x80") +
         segment(0xff90, std::string(8, '\0')) + after_sot + std::string(20, '\x33') + be(0xffd9, 2);
}

TEST(Jpeg2000Header, AWellFormedMainHeaderIsFine) {
  EXPECT_EQ(jpeg2000HeaderProblem(codestream(cod(1)).data(), codestream(cod(1)).size(), kShape), "");
  // Through the pixel data: the first fragment (item 1) is the one walked.
  const std::string bytes = kBefore + kPixelData + item("") + item(codestream(cod(1))) + delimiter();
  EXPECT_EQ(encapsulationProblem(bytes, Codestream::Jpeg2000, kShape), "");
}

// CI's fuzz run: SOD's FF changed into 0x60 made "6093" a marker whose length ran 53 244 bytes past
// the fragment; GDCM walked on and crashed.
TEST(Jpeg2000Header, ASegmentLongerThanTheFragmentIsAProblem) {
  const std::string bad = codestream(cod(1), std::string("\x60\x93\xcf\xfe", 4));
  EXPECT_EQ(jpeg2000HeaderProblem(bad.data(), bad.size(), kShape),
            "JPEG 2000 marker segment 6093 at byte 77 of the first fragment declares 53246 bytes, the fragment "
            "holds 24 from its length on");
  const std::string bytes = kBefore + kPixelData + item("") + item(bad) + delimiter();
  EXPECT_NE(encapsulationProblem(bytes, Codestream::Jpeg2000, kShape).find("marker segment 6093"), std::string::npos);
  EXPECT_EQ(encapsulationProblem(bytes), "");  // another codestream (RLE, JPEG) is not walked
}

// GDCM stops by itself at a lossy COD (transform 0): what follows is not read and not checked.
TEST(Jpeg2000Header, AfterALossyCodNothingIsRead) {
  const std::string lossy = codestream(cod(0), std::string("\x60\x93\xcf\xfe", 4));
  EXPECT_EQ(jpeg2000HeaderProblem(lossy.data(), lossy.size(), kShape), "");
  const std::string cut = be(0xff4f, 2) + be(0xff52, 2) + be(12, 2) + std::string(5, '\0');
  EXPECT_EQ(jpeg2000HeaderProblem(cut.data(), cut.size(), kShape),
            "JPEG 2000 COD segment at byte 2 of the first fragment ends with it");
}

// CI's fuzz campaign, 6 December: a codestream 32 768 pixels wide in a 128 x 128 slice; GDCM copied
// the decoded image into the slice's buffer and wrote past it (SEGV in DecodeByStreamsCommon).
TEST(Jpeg2000Header, TheSizSegmentMustDeclareTheDataSetsImage) {
  const auto check = [](const std::string& siz_segment, const ImageShape& shape = kShape) {
    const std::string cs = codestream(cod(1), be(0xff93, 2), siz_segment);
    return jpeg2000HeaderProblem(cs.data(), cs.size(), shape);
  };
  EXPECT_EQ(check(siz(12, 8, 4)), "");  // an image offset: 8 x 8 all the same
  EXPECT_EQ(check(siz(8, 8, 0, 1, 12)), "");  // 12 bits stored in 16
  EXPECT_EQ(check(siz(32768, 8)),
            "JPEG 2000 SIZ segment at byte 2 of the first fragment declares an image of 32768 x 8 pixels, the "
            "data set's Columns x Rows is 8 x 8");
  EXPECT_EQ(check(siz(8, 8, 9)),
            "JPEG 2000 SIZ segment at byte 2 of the first fragment declares an image of 0 x 8 pixels, the data "
            "set's Columns x Rows is 8 x 8");
  EXPECT_EQ(check(siz(8, 8, 0, 3)),
            "JPEG 2000 SIZ segment at byte 2 of the first fragment declares 3 component(s), the data set's "
            "SamplesPerPixel is 1");
  EXPECT_EQ(check(siz(), ImageShape{8, 8, 1, 8}),
            "JPEG 2000 SIZ segment at byte 2 of the first fragment declares 16-bit samples, more than "
            "BitsAllocated 8");
  EXPECT_EQ(check(segment(0xff51, std::string(20, '\0'))),
            "JPEG 2000 SIZ segment at byte 2 of the first fragment holds 22 bytes, too few for its fields");
  // Inside a JP2 file the codestream box's SIZ is the one checked.
  const std::string sig = be(12, 4) + "jP  " + be(0x0d0a870a, 4);
  const std::string wide = codestream(cod(1), be(0xff93, 2), siz(32768, 8));
  const std::string jp2 = sig + be(8 + wide.size(), 4) + "jp2c" + wide;
  EXPECT_NE(jpeg2000HeaderProblem(jp2.data(), jp2.size(), kShape).find("32768 x 8 pixels"), std::string::npos);
  // Through the pixel data; RLE, JPEG and JPEG-LS are not walked.
  const std::string bytes = kBefore + kPixelData + item("") + item(wide) + delimiter();
  EXPECT_NE(encapsulationProblem(bytes, Codestream::Jpeg2000, kShape).find("32768 x 8 pixels"), std::string::npos);
  EXPECT_EQ(encapsulationProblem(bytes), "");
}

TEST(Jpeg2000Header, Jp2BoxesMustFitAndHoldACodestream) {
  const std::string sig = be(12, 4) + "jP  " + be(0x0d0a870a, 4);
  const std::string ftyp = be(20, 4) + "ftyp" + "jp2 " + be(0, 4) + "jp2 ";
  const std::string cs = codestream(cod(1));
  const std::string good = sig + ftyp + be(8 + cs.size(), 4) + "jp2c" + cs;
  EXPECT_EQ(jpeg2000HeaderProblem(good.data(), good.size(), kShape), "");
  const std::string to_end = sig + ftyp + be(0, 4) + "jp2c" + cs;
  EXPECT_EQ(jpeg2000HeaderProblem(to_end.data(), to_end.size(), kShape), "");
  const std::string long_box = sig + be(4000, 4) + "ftyp" + "jp2 " + be(0, 4) + "jp2 " + be(0, 4) + "jp2c" + cs;
  EXPECT_EQ(jpeg2000HeaderProblem(long_box.data(), long_box.size(), kShape),
            "JPEG 2000 (JP2) box at byte 12 declares 4000 bytes, the fragment holds " +
                std::to_string(long_box.size() - 12) + " from it on");
  const std::string no_codestream = sig + ftyp;
  EXPECT_EQ(jpeg2000HeaderProblem(no_codestream.data(), no_codestream.size(), kShape),
            "JPEG 2000 (JP2) boxes end without a codestream box");
}

// JPEG-LS: SOI, an APP segment, the frame header (SOF55: P, Y, X, Nf, then Nf component fields),
// a scan header and some data. kShape is 8 rows x 16 columns, one 16-bit component.
std::string sof55(int precision, int rows, int cols, int components) {
  std::string body = std::string(1, char(precision)) + be(rows, 2) + be(cols, 2) + std::string(1, char(components));
  for (int c = 0; c < components; ++c) body += std::string("\x01\x11\x00", 3);
  return segment(0xfff7, body);
}
std::string jpegLs(const std::string& frame_header) {
  return be(0xffd8, 2) + segment(0xffe0, "JFIF") + frame_header + segment(0xffda, std::string("\x01\x01\x00\x00\x00\x00", 6)) +
         std::string(20, '\x33') + be(0xffd9, 2);
}

TEST(JpegLsHeader, AFrameHeaderDeclaringTheDataSetsImageIsFine) {
  const std::string good = jpegLs(sof55(16, kShape.rows, kShape.cols, 1));
  EXPECT_EQ(jpegLsHeaderProblem(good.data(), good.size(), kShape), "");
  const std::string bytes = kBefore + kPixelData + item("") + item(good) + delimiter();
  EXPECT_EQ(encapsulationProblem(bytes, Codestream::JpegLs, kShape), "");
}

// CI's fuzz run: a frame of 65 535 x 65 535 in a small slice; GDCM threw std::length_error.
TEST(JpegLsHeader, TheFrameHeaderMustDeclareTheDataSetsImage) {
  const std::string wide = jpegLs(sof55(16, 65535, 65535, 1));
  EXPECT_EQ(jpegLsHeaderProblem(wide.data(), wide.size(), kShape),
            "JPEG-LS frame header (SOF55) at byte 10 of the first fragment declares an image of 65535 x 65535 pixels, "
            "the data set's Columns x Rows is " + std::to_string(kShape.cols) + " x " + std::to_string(kShape.rows));
  const std::string bytes = kBefore + kPixelData + item("") + item(wide) + delimiter();
  EXPECT_NE(encapsulationProblem(bytes, Codestream::JpegLs, kShape).find("65535 x 65535"), std::string::npos);
  EXPECT_EQ(encapsulationProblem(bytes), "");  // only JPEG-LS slices are walked so
  const std::string three = jpegLs(sof55(16, kShape.rows, kShape.cols, 3));
  EXPECT_NE(jpegLsHeaderProblem(three.data(), three.size(), kShape).find("declares 3 component(s)"), std::string::npos);
  const std::string deep = jpegLs(sof55(17, kShape.rows, kShape.cols, 1));
  EXPECT_NE(jpegLsHeaderProblem(deep.data(), deep.size(), kShape).find("declares 17-bit samples"), std::string::npos);
}

TEST(JpegLsHeader, WhatGoesBeforeTheFrameHeaderMustHoldTogether) {
  const std::string good = jpegLs(sof55(16, kShape.rows, kShape.cols, 1));
  const std::string no_soi = good.substr(2);
  EXPECT_EQ(jpegLsHeaderProblem(no_soi.data(), no_soi.size(), kShape),
            "the first JPEG-LS fragment does not start with SOI (FFD8)");
  const std::string scan_first = be(0xffd8, 2) + segment(0xffda, std::string(6, '\0')) + sof55(16, 8, 16, 1);
  EXPECT_EQ(jpegLsHeaderProblem(scan_first.data(), scan_first.size(), kShape),
            "the first JPEG-LS fragment starts a scan before its frame header (SOF55)");
  const std::string long_app = be(0xffd8, 2) + be(0xffe0, 2) + be(500, 2) + std::string(10, 'x');
  EXPECT_EQ(jpegLsHeaderProblem(long_app.data(), long_app.size(), kShape),
            "JPEG-LS marker segment FFE0 at byte 2 of the first fragment declares 500 bytes, the fragment holds 12 "
            "from its length on");
  const std::string cut = good.substr(0, 10);
  EXPECT_EQ(jpegLsHeaderProblem(cut.data(), cut.size(), kShape),
            "the first JPEG-LS fragment ends before its frame header (SOF55)");
}

// JPEG (ISO/IEC 10918-1): SOI, a JFIF segment, a frame header (SOFn: P, Y, X, Nf, then Nf
// component fields), a Huffman table, a scan header and some data.
std::string sof(int n, int precision, int rows, int cols, int components) {
  std::string body = std::string(1, char(precision)) + be(rows, 2) + be(cols, 2) + std::string(1, char(components));
  for (int c = 0; c < components; ++c) body += std::string("\x01\x11\x00", 3);
  return segment(0xffc0 + n, body);
}
std::string jfif(int major) { return segment(0xffe0, std::string("JFIF\0", 5) + char(major) + std::string(8, '\x01')); }
std::string jpeg(const std::string& frame_header, const std::string& app0 = jfif(1)) {
  return be(0xffd8, 2) + app0 + frame_header + segment(0xffc4, std::string(20, '\x01')) +
         segment(0xffda, std::string("\x01\x01\x00\x01\x00\x00", 6)) + std::string(20, '\x33') + be(0xffd9, 2);
}
std::string jpegProblem(const std::string& s) { return jpegHeaderProblem(s.data(), s.size(), kShape); }

TEST(JpegHeader, FrameHeadersOfEachProcessDeclaringTheDataSetsImageAreFine) {
  EXPECT_EQ(jpegProblem(jpeg(sof(3, 16, kShape.rows, kShape.cols, 1))), "");  // lossless
  EXPECT_EQ(jpegProblem(jpeg(sof(3, 2, kShape.rows, kShape.cols, 1))), "");
  EXPECT_EQ(jpegProblem(jpeg(sof(0, 8, kShape.rows, kShape.cols, 1))), "");  // baseline
  EXPECT_EQ(jpegProblem(jpeg(sof(1, 12, kShape.rows, kShape.cols, 1))), "");  // extended
  EXPECT_EQ(jpegProblem(jpeg(sof(2, 12, kShape.rows, kShape.cols, 1))), "");  // progressive
  const std::string filled = be(0xffd8, 2) + "\xff\xff" + jfif(1) + "\xff" + sof(3, 16, kShape.rows, kShape.cols, 1) +
                             segment(0xffda, std::string("\x01\x01\x00\x01\x00\x00", 6));
  EXPECT_EQ(jpegProblem(filled), "");  // FF fill bytes before markers
  const std::string good = jpeg(sof(3, 16, kShape.rows, kShape.cols, 1));
  const std::string bytes = kBefore + kPixelData + item("") + item(good) + delimiter();
  EXPECT_EQ(encapsulationProblem(bytes, Codestream::Jpeg, kShape), "");
}

// CI's fuzz run: the FF of the marker after the frame header had become FD; libjpeg skipped the
// bytes up to the next marker with a warning, and GDCM asserted on it.
TEST(JpegHeader, BytesBetweenMarkerSegmentsAreAProblem) {
  std::string s = jpeg(sof(3, 16, kShape.rows, kShape.cols, 1));
  const size_t dht = s.find(std::string("\xff\xc4", 2));
  s[dht] = '\xfd';
  EXPECT_EQ(jpegProblem(s), "JPEG byte " + std::to_string(dht) + " of the first fragment is not a marker where one must be");
  const std::string bytes = kBefore + kPixelData + item("") + item(s) + delimiter();
  EXPECT_NE(encapsulationProblem(bytes, Codestream::Jpeg, kShape).find("is not a marker"), std::string::npos);
  EXPECT_EQ(encapsulationProblem(bytes), "");  // only JPEG slices are walked so
  std::string stuffed = jpeg(sof(3, 16, kShape.rows, kShape.cols, 1));
  stuffed[stuffed.find(std::string("\xff\xc4", 2)) + 1] = '\0';  // FF00: a stuffed zero, not a marker
  EXPECT_NE(jpegProblem(stuffed).find("is not a marker where one must be"), std::string::npos);
}

TEST(JpegHeader, AJfifSegmentMustBeOfVersionOne) {
  EXPECT_EQ(jpegProblem(jpeg(sof(3, 16, kShape.rows, kShape.cols, 1), jfif(2))),
            "JPEG JFIF segment (APP0) at byte 2 of the first fragment declares major version 2 (must be 1)");
  EXPECT_EQ(jpegProblem(jpeg(sof(3, 16, kShape.rows, kShape.cols, 1), segment(0xffe0, std::string("JFXX\0\x10", 6)))), "");
}

TEST(JpegHeader, TheFrameHeaderMustDeclareTheDataSetsImageAndAPrecisionItsProcessAllows) {
  EXPECT_EQ(jpegProblem(jpeg(sof(3, 16, 65535, 65535, 1))),
            "JPEG frame header (SOF3) at byte 20 of the first fragment declares an image of 65535 x 65535 pixels, "
            "the data set's Columns x Rows is " + std::to_string(kShape.cols) + " x " + std::to_string(kShape.rows));
  EXPECT_NE(jpegProblem(jpeg(sof(3, 16, kShape.rows, kShape.cols, 3))).find("declares 3 component(s)"), std::string::npos);
  EXPECT_NE(jpegProblem(jpeg(sof(3, 17, kShape.rows, kShape.cols, 1))).find("declares 17-bit samples, BitsAllocated is 16"),
            std::string::npos);
  EXPECT_NE(jpegProblem(jpeg(sof(3, 1, kShape.rows, kShape.cols, 1))).find("declares 1-bit samples"), std::string::npos);
  EXPECT_EQ(jpegProblem(jpeg(sof(0, 12, kShape.rows, kShape.cols, 1))),
            "JPEG frame header (SOF0) at byte 20 of the first fragment declares 12-bit samples, which its process "
            "does not allow (8)");
  EXPECT_NE(jpegProblem(jpeg(sof(1, 10, kShape.rows, kShape.cols, 1))).find("does not allow (8 or 12)"), std::string::npos);
  EXPECT_NE(jpegProblem(jpeg(sof(9, 8, kShape.rows, kShape.cols, 1))).find("(SOF9)"), std::string::npos);
  const std::string two = be(0xffd8, 2) + sof(3, 16, kShape.rows, kShape.cols, 1) + jpeg(sof(3, 16, kShape.rows, kShape.cols, 1)).substr(2);
  EXPECT_NE(jpegProblem(two).find("second frame header"), std::string::npos);
}

TEST(JpegHeader, TheHeaderMustReachAScanAfterItsFrameHeader) {
  const std::string good = jpeg(sof(3, 16, kShape.rows, kShape.cols, 1));
  EXPECT_EQ(jpegProblem(good.substr(2)), "the first JPEG fragment does not start with SOI (FFD8)");
  const std::string scan_first = be(0xffd8, 2) + segment(0xffda, std::string(6, '\0')) + sof(3, 16, 8, 16, 1);
  EXPECT_EQ(jpegProblem(scan_first), "the first JPEG fragment starts a scan before its frame header (SOF)");
  const std::string cut = good.substr(0, good.find(std::string("\xff\xda", 2)));
  EXPECT_EQ(jpegProblem(cut), "the first JPEG fragment ends before its first scan (SOS)");
  const std::string long_app = be(0xffd8, 2) + be(0xffe1, 2) + be(500, 2) + std::string(10, 'x');
  EXPECT_EQ(jpegProblem(long_app),
            "JPEG marker segment FFE1 at byte 2 of the first fragment declares 500 bytes, the fragment holds 12 from "
            "its length on");
}

// The fuzzer's slice had lost its EOI (its FF now FB) and GDCM decoded it without an error.
TEST(JpegEnd, TheStreamMustEndWithEoiThenAtMostOnePadByte) {
  const std::string good = jpeg(sof(3, 16, kShape.rows, kShape.cols, 1));
  EXPECT_EQ(jpegEndProblem(good.data(), good.size()), "");
  EXPECT_EQ(jpegEndProblem((good + '\0').data(), good.size() + 1), "");
  const std::string pad_ff = good + '\xff';
  EXPECT_EQ(jpegEndProblem(pad_ff.data(), pad_ff.size()), "");
  const std::string cut = good.substr(0, good.size() - 2);
  EXPECT_EQ(jpegEndProblem(cut.data(), cut.size()),
            "the JPEG stream does not end with EOI (FFD9) at the end of its last fragment (truncated or corrupt)");
  const std::string two_pads = good + std::string(2, '\0');
  EXPECT_NE(jpegEndProblem(two_pads.data(), two_pads.size()), "");
  // Through the item walk: the first fragment's header, the last fragment's end.
  const std::string split = kBefore + kPixelData + item("") + item(good.substr(0, 70)) + item(good.substr(70)) + delimiter();
  EXPECT_EQ(encapsulationProblem(split, Codestream::Jpeg, kShape), "");
  const std::string split_cut =
      kBefore + kPixelData + item("") + item(good.substr(0, 70)) + item(good.substr(70, good.size() - 72)) + delimiter();
  EXPECT_NE(encapsulationProblem(split_cut, Codestream::Jpeg, kShape).find("does not end with EOI"), std::string::npos);
}

}  // namespace
}  // namespace recap::dicom::detail
