// The nesting limit of deeply_nested_sequences_crashed.cpp counted only undefined-length items,
// on the file's raw bytes. Two files still killed recap info/convert/assess with SIGSEGV (a stack
// overflow in DCMTK's recursive parser while the header was indexed): 20 000 sequences nested
// with defined lengths (434 KB), and 20 000 undefined-length ones in a deflated file (9 KB; the
// count ran on the compressed bytes). Found while closing the gaps the robustness catalogue had
// named. Fixed: the count moved into readHeader's input stream, above DCMTK's inflation, and a
// defined-length item now opens a level that ends where its value ends.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "recap/dicom/header.h"
#include "recap/phantom/dicom_writer.h"

namespace recap {
namespace {

std::string le32(uint32_t v) {
  return std::string{char(v & 0xff), char((v >> 8) & 0xff), char((v >> 16) & 0xff), char((v >> 24) & 0xff)};
}

// `depth` sequences nested in each other, each with one item, every length defined.
std::string nestedDefined(int depth) {
  std::string inner;
  for (int i = 0; i < depth; ++i) {
    const std::string item = std::string("\xfe\xff\x00\xe0", 4) + le32(uint32_t(inner.size())) + inner;
    inner = std::string("\xd1\x7f\x00\x10SQ\x00\x00", 8) + le32(uint32_t(item.size())) + item;
  }
  return inner;
}

std::string nestedUndefined(int depth) {
  const std::string open_sq("\xd1\x7f\x00\x10SQ\x00\x00\xff\xff\xff\xff", 12), open_item("\xfe\xff\x00\xe0\xff\xff\xff\xff", 8),
      close_item("\xfe\xff\x0d\xe0\x00\x00\x00\x00", 8), close_sq("\xfe\xff\xdd\xe0\x00\x00\x00\x00", 8);
  std::string s;
  for (int i = 0; i < depth; ++i) s += open_sq + open_item;
  for (int i = 0; i < depth; ++i) s += close_item + close_sq;
  return s;
}

// The bytes of one 16 x 16 explicit VR little endian CT slice with `nesting` inserted before its
// pixel data.
std::string sliceBytes(const std::filesystem::path& dir, const std::string& nesting) {
  phantom::SeriesSpec s;
  s.series_uid = "1.2.826.0.1.3680043.10.1234.13.1";
  s.frame_of_reference_uid = "1.2.826.0.1.3680043.10.1234.13.2";
  s.cols = s.rows = 16;
  s.slices = 1;
  phantom::StudyInfo study;
  study.study_uid = "1.2.826.0.1.3680043.10.1234.13.3";
  const auto files = phantom::writeSeries(s, {}, study, std::vector<float>(256, 40.0f), dir);
  std::ifstream in(files[0], std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t pixel = bytes.find(std::string("\xe0\x7f\x10\x00OW", 6));
  EXPECT_NE(pixel, std::string::npos);
  bytes.insert(pixel, nesting);
  std::filesystem::remove(files[0]);
  return bytes;
}

// The same file in the Deflated Explicit VR Little Endian transfer syntax: the file meta
// information names it and the data set is raw-deflated.
std::string deflate(const std::string& part10) {
  const size_t meta_start = 132;
  const uint32_t group_length = uint32_t((unsigned char)part10[meta_start + 8]) |
                                uint32_t((unsigned char)part10[meta_start + 9]) << 8 |
                                uint32_t((unsigned char)part10[meta_start + 10]) << 16 |
                                uint32_t((unsigned char)part10[meta_start + 11]) << 24;
  const size_t meta_end = meta_start + 12 + group_length;
  std::string meta = part10.substr(meta_start, meta_end - meta_start);
  const size_t ts = meta.find(std::string("\x02\x00\x10\x00UI", 6));
  EXPECT_NE(ts, std::string::npos);
  const size_t old_len = (unsigned char)meta[ts + 6] | (unsigned char)meta[ts + 7] << 8;
  const std::string uid("1.2.840.10008.1.2.1.99", 22);
  meta.replace(ts + 6, 2 + old_len, std::string{char(uid.size()), 0} + uid);
  meta.replace(8, 4, le32(uint32_t(meta.size() - 12)));
  const std::string data = part10.substr(meta_end);
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, uLong(data.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = uInt(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = uInt(out.size());
  EXPECT_EQ(::deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return part10.substr(0, meta_start) + meta + out;
}

class NestedSequences : public ::testing::Test {
 protected:
  void TearDown() override { std::filesystem::remove_all(dir_); }
  dicom::ReadResult read(const std::string& name, const std::string& bytes) {
    std::filesystem::create_directories(dir_);
    const auto file = dir_ / name;
    std::ofstream(file, std::ios::binary) << bytes;
    return dicom::readHeader(file);
  }
  std::filesystem::path dir_ = std::filesystem::temp_directory_path() / ("recap-nested2-" + std::to_string(::getpid()));
};

TEST_F(NestedSequences, DefinedLengthNestingIsUnreadableNotACrash) {
  const dicom::ReadResult deep = read("deep.dcm", sliceBytes(dir_ / "w", nestedDefined(20000)));
  EXPECT_EQ(deep.outcome, dicom::ReadOutcome::Unreadable);
  EXPECT_EQ(deep.problem, "sequences nested more than 64 deep (corrupt or hostile file)");
  const dicom::ReadResult shallow = read("shallow.dcm", sliceBytes(dir_ / "w", nestedDefined(60)));
  EXPECT_EQ(shallow.outcome, dicom::ReadOutcome::Ok) << shallow.problem;
  EXPECT_EQ(shallow.header.rows, 16);
}

TEST_F(NestedSequences, DeflatedNestingIsUnreadableNotACrash) {
  const dicom::ReadResult deep = read("deep.dcm", deflate(sliceBytes(dir_ / "w", nestedUndefined(20000))));
  EXPECT_EQ(deep.outcome, dicom::ReadOutcome::Unreadable);
  EXPECT_EQ(deep.problem, "sequences nested more than 64 deep (corrupt or hostile file)");
  const dicom::ReadResult shallow = read("shallow.dcm", deflate(sliceBytes(dir_ / "w", nestedUndefined(10))));
  EXPECT_EQ(shallow.outcome, dicom::ReadOutcome::Ok) << shallow.problem;
  EXPECT_EQ(shallow.header.rows, 16);
  EXPECT_EQ(shallow.header.transfer_syntax_uid, "1.2.840.10008.1.2.1.99");
}

// Many items side by side (not nested), each with a defined length, as in a long sequence of a
// real file, are one level deep, not many.
TEST_F(NestedSequences, ManyItemsSideBySideAreOneLevel) {
  std::string items;
  for (int i = 0; i < 500; ++i) items += std::string("\xfe\xff\x00\xe0", 4) + le32(0);
  const std::string sq = std::string("\xd1\x7f\x00\x10SQ\x00\x00", 8) + le32(uint32_t(items.size())) + items;
  const dicom::ReadResult r = read("wide.dcm", sliceBytes(dir_ / "w", sq));
  EXPECT_EQ(r.outcome, dicom::ReadOutcome::Ok) << r.problem;
}

}  // namespace
}  // namespace recap
