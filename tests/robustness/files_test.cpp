// Catalogue, files: what a folder or a file can be wrong with (docs/robustness.md). recap convert
// reads the folder, loads the series and writes NIfTI; each case fails with its exit code, an
// [error] line naming the file or folder and the problem, and no output file.
#include <fstream>
#include <sstream>

#include "fixture.h"

namespace recap::robustness {
namespace {

class Files : public Robustness {
 protected:
  RunResult convert(const fs::path& in) { return runRecap({"convert", in.string(), "--out", out().string()}); }
  fs::path out() const { return dir_ / "out"; }
  void expectNoOutput() { EXPECT_TRUE(filesUnder(out()).empty()) << "left: " << filesUnder(out()).front(); }
  // A broken file is reported by path on a [warning] line when the folder is indexed; its series
  // then misses that slice and is refused as a whole (exit 6), never converted without it.
  void expectFileNamedAndSeriesRefused(const RunResult& r, const fs::path& file, const std::string& problem) {
    bool named = false;
    std::istringstream lines(r.err);
    for (std::string line; std::getline(lines, line);)
      named = named || (line.rfind("[warning] " + file.string() + ": ", 0) == 0 && line.find(problem) != std::string::npos);
    EXPECT_TRUE(named) << "no [warning] line naming " << file << " and '" << problem << "' in:\n" << r.err;
    expectError(r, 6, {ct().series_uid, "1 slice(s) missing"});
    expectNoOutput();
  }
};

TEST_F(Files, EmptyFolderIsExit3NamingIt) {
  fs::create_directories(dir_ / "in");
  const RunResult r = convert(dir_ / "in");
  expectError(r, 3, {(dir_ / "in").string(), "no DICOM files found"});
  expectNoOutput();
}

TEST_F(Files, NonDicomOnlyIsExit3NamingTheFolder) {
  fs::create_directories(dir_ / "in" / "sub");
  std::ofstream(dir_ / "in" / "README.TXT") << "export of 2023-03-01\n";
  std::ofstream(dir_ / "in" / "sub" / "image.jpg") << "\xff\xd8\xff\xe0 not really";
  std::ofstream(dir_ / "in" / "DICM") << std::string(200, 'x');
  const RunResult r = convert(dir_ / "in");
  expectError(r, 3, {(dir_ / "in").string(), "no DICOM files found"});
  expectNoOutput();
}

// A file cut inside its header: it is reported by path; the series then misses a slice inside it.
TEST_F(Files, FileTruncatedInItsHeaderIsNamedAndItsSliceMissed) {
  const auto files = write(ct(), dir_ / "in");
  fs::resize_file(files[4], 300);
  const RunResult r = convert(dir_ / "in");
  expectFileNamedAndSeriesRefused(r, files[4], "truncated");
}

TEST_F(Files, TruncatedPixelDataIsNamedAndItsSeriesRefused) {
  const auto files = write(ct(), dir_ / "in");
  fs::resize_file(files[6], fs::file_size(files[6]) - 500);
  const RunResult r = convert(dir_ / "in");
  expectFileNamedAndSeriesRefused(r, files[6], "truncated");
}

TEST_F(Files, TruncatedCompressedPixelDataIsNamedAndItsSeriesRefused) {
  const auto files = write(ct(), dir_ / "native");
  fs::create_directories(dir_ / "in");
  std::vector<fs::path> compressed;
  for (const auto& f : files) {
    compressed.push_back(dir_ / "in" / f.filename());
    ASSERT_EQ(runTool({"dcmcjpls", f.string(), compressed.back().string()}).exit_code, 0);
  }
  // Cut inside the JPEG-LS stream and close the encapsulated item list again, so that the file
  // still parses and only the pixel data is broken.
  const fs::path& victim = compressed[3];
  const size_t size = fs::file_size(victim);
  std::ifstream in(victim, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();
  const std::string tail = bytes.substr(size - 8);  // the sequence delimiter (FFFE,E0DD)
  bytes.resize(size - 8 - 200);
  std::ofstream(victim, std::ios::binary | std::ios::trunc) << bytes << tail;
  const RunResult r = convert(dir_ / "in");
  expectFileNamedAndSeriesRefused(r, victim, "corrupt");
}

TEST_F(Files, CorruptCompressedPixelDataIsNamedAndItsSeriesRefused) {
  const auto files = write(ct(), dir_ / "native");
  fs::create_directories(dir_ / "in");
  std::vector<fs::path> compressed;
  for (const auto& f : files) {
    compressed.push_back(dir_ / "in" / f.filename());
    ASSERT_EQ(runTool({"dcmcrle", f.string(), compressed.back().string()}).exit_code, 0);
  }
  // The RLE header's segment count (first 4 bytes of the first fragment after the offset table)
  // set to 15 with offsets past the fragment's end.
  const fs::path& victim = compressed[5];
  const size_t item = findBytes(victim, std::string("\xfe\xff\x00\xe0", 4));
  ASSERT_NE(item, std::string::npos);
  std::fstream f(victim, std::ios::binary | std::ios::in | std::ios::out);
  // Offset table item (8 bytes + its length, 0 here) then the first fragment's item header.
  f.seekp(static_cast<std::streamoff>(item + 8 + 8));
  const char header[8] = {15, 0, 0, 0, char(0xff), char(0xff), char(0xff), 0x7f};
  f.write(header, sizeof header);
  f.close();
  const RunResult r = convert(dir_ / "in");
  expectFileNamedAndSeriesRefused(r, victim, "Sequence Delimitation Item missing");
}

// The meta header says RLE; the pixel data is native (not encapsulated).
TEST_F(Files, FileClaimingATransferSyntaxItDoesNotHaveIsNamedAndItsSeriesRefused) {
  const auto files = write(ct(), dir_ / "in");
  const std::string explicit_le("1.2.840.10008.1.2.1\0", 20), rle("1.2.840.10008.1.2.5\0", 20);
  ASSERT_TRUE(patchBytes(files[2], explicit_le, rle));
  const RunResult r = convert(dir_ / "in");
  expectFileNamedAndSeriesRefused(r, files[2], "compressed Transfer Syntax uses explicit length");
}

// The pixel data element declares 4 GB - 16 bytes.
TEST_F(Files, HugeDeclaredLengthIsNamedAndItsSeriesRefused) {
  const auto files = write(ct(), dir_ / "in");
  const std::string pixel_tag("\xe0\x7f\x10\x00OW\x00\x00", 8);
  const size_t at = findBytes(files[7], pixel_tag);
  ASSERT_NE(at, std::string::npos);
  std::fstream f(files[7], std::ios::binary | std::ios::in | std::ios::out);
  f.seekp(static_cast<std::streamoff>(at + 8));
  const char length[4] = {char(0xf0), char(0xff), char(0xff), char(0xff)};
  f.write(length, 4);
  f.close();
  const RunResult r = convert(dir_ / "in");
  expectFileNamedAndSeriesRefused(r, files[7], "truncated");
}

// 20 000 sequences nested in each other (undefined lengths) before the pixel data of one slice.
// This crashed recap (SIGSEGV: a stack overflow in DCMTK's recursive parser while indexing);
// readHeader now stops past 64 levels and names the file (tests/regression/deeply_nested_sequences_crashed.cpp).
TEST_F(Files, DeeplyNestedSequencesDoNotCrash) {
  const auto files = write(ct(), dir_ / "in");
  std::ifstream in(files[1], std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();
  const size_t pixel = bytes.find(std::string("\xe0\x7f\x10\x00OW", 6));
  ASSERT_NE(pixel, std::string::npos);
  const std::string open_sq("\xd1\x7f\x00\x10SQ\x00\x00\xff\xff\xff\xff", 12), open_item("\xfe\xff\x00\xe0\xff\xff\xff\xff", 8),
      close_item("\xfe\xff\x0d\xe0\x00\x00\x00\x00", 8), close_sq("\xfe\xff\xdd\xe0\x00\x00\x00\x00", 8);
  std::string nested;
  const int depth = 20000;
  for (int i = 0; i < depth; ++i) nested += open_sq + open_item;
  for (int i = 0; i < depth; ++i) nested += close_item + close_sq;
  bytes.insert(pixel, nested);
  std::ofstream(files[1], std::ios::binary | std::ios::trunc) << bytes;
  const RunResult r = convert(dir_ / "in");
  ASSERT_NE(r.exit_code, -1) << "recap crashed:\n" << r.err;
  expectFileNamedAndSeriesRefused(r, files[1], "sequences nested more than 64 deep");
}

// The same with every length defined (no delimitation items): the nesting limit counted only
// undefined-length items, and this file still crashed recap (tests/regression/
// nested_sequences_defined_length_or_deflated_crashed.cpp).
TEST_F(Files, DeeplyNestedDefinedLengthSequencesDoNotCrash) {
  const auto files = write(ct(), dir_ / "in");
  std::ifstream in(files[1], std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();
  const size_t pixel = bytes.find(std::string("\xe0\x7f\x10\x00OW", 6));
  ASSERT_NE(pixel, std::string::npos);
  auto le32 = [](size_t v) {
    return std::string{char(v & 0xff), char((v >> 8) & 0xff), char((v >> 16) & 0xff), char((v >> 24) & 0xff)};
  };
  std::string nested;
  for (int i = 0; i < 20000; ++i) {
    const std::string item = std::string("\xfe\xff\x00\xe0", 4) + le32(nested.size()) + nested;
    nested = std::string("\xd1\x7f\x00\x10SQ\x00\x00", 8) + le32(item.size()) + item;
  }
  bytes.insert(pixel, nested);
  std::ofstream(files[1], std::ios::binary | std::ios::trunc) << bytes;
  const RunResult r = convert(dir_ / "in");
  ASSERT_NE(r.exit_code, -1) << "recap crashed:\n" << r.err;
  expectFileNamedAndSeriesRefused(r, files[1], "sequences nested more than 64 deep");
}

}  // namespace
}  // namespace recap::robustness
