// A DICOM file with 20 000 sequences nested in each other (undefined lengths, 720 KB) killed
// recap info, convert and assess with SIGSEGV: DCMTK parses sequences recursively and the stack
// overflowed while the header was indexed. Found by the robustness catalogue
// (Files.DeeplyNestedSequencesDoNotCrash). Fixed: readHeader gives DCMTK the file through a
// producer that counts the nesting of undefined-length items and ends the stream past 64 levels;
// the file is unreadable, named, and its series refused.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "recap/dicom/header.h"
#include "recap/phantom/dicom_writer.h"

namespace recap {
namespace {

std::string nested(int depth) {
  const std::string open_sq("\xd1\x7f\x00\x10SQ\x00\x00\xff\xff\xff\xff", 12), open_item("\xfe\xff\x00\xe0\xff\xff\xff\xff", 8),
      close_item("\xfe\xff\x0d\xe0\x00\x00\x00\x00", 8), close_sq("\xfe\xff\xdd\xe0\x00\x00\x00\x00", 8);
  std::string s;
  for (int i = 0; i < depth; ++i) s += open_sq + open_item;
  for (int i = 0; i < depth; ++i) s += close_item + close_sq;
  return s;
}

// One 16 x 16 CT slice with `depth` nested sequences inserted before its pixel data.
std::filesystem::path slice(const std::filesystem::path& dir, int depth) {
  phantom::SeriesSpec s;
  s.series_uid = "1.2.826.0.1.3680043.10.1234.12.1";
  s.frame_of_reference_uid = "1.2.826.0.1.3680043.10.1234.12.2";
  s.cols = s.rows = 16;
  s.slices = 1;
  phantom::StudyInfo study;
  study.study_uid = "1.2.826.0.1.3680043.10.1234.12.3";
  const auto files = phantom::writeSeries(s, {}, study, std::vector<float>(256, 40.0f), dir);
  std::ifstream in(files[0], std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();
  bytes.insert(bytes.find(std::string("\xe0\x7f\x10\x00OW", 6)), nested(depth));
  std::ofstream(files[0], std::ios::binary | std::ios::trunc) << bytes;
  return files[0];
}

TEST(DeeplyNestedSequences, AreUnreadableNotACrash) {
  const auto dir = std::filesystem::temp_directory_path() / ("recap-nested-" + std::to_string(::getpid()));
  const dicom::ReadResult deep = dicom::readHeader(slice(dir / "deep", 20000));
  EXPECT_EQ(deep.outcome, dicom::ReadOutcome::Unreadable);
  EXPECT_EQ(deep.problem, "sequences nested more than 64 deep (corrupt or hostile file)");
  // Nesting within the limit is read as before.
  const dicom::ReadResult shallow = dicom::readHeader(slice(dir / "shallow", 10));
  EXPECT_EQ(shallow.outcome, dicom::ReadOutcome::Ok) << shallow.problem;
  EXPECT_EQ(shallow.header.rows, 16);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace recap
