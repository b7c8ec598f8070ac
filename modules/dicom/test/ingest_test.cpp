// Ingestion end to end on generated series: indexing any layout, classification, selection, and
// loading every transfer syntax into LPS space with exact values.
#include <gtest/gtest.h>

#include <fstream>

#include "recap/core/error.h"
#include "recap/dicom/index.h"
#include "recap/dicom/volume.h"
#include "recap/phantom/compress.h"
#include "synth.h"

namespace fs = std::filesystem;

namespace recap {
namespace {

using phantom::Syntax;
using test::ctSpec;
using test::ctValueAt;
using test::TempDir;

const dicom::Series& onlySeries(const dicom::Index& index) {
  EXPECT_EQ(index.studies.size(), 1u);
  EXPECT_EQ(index.studies.at(0).series.size(), 1u);
  return index.studies.at(0).series.at(0);
}

void writeCt(const phantom::SeriesSpec& spec, const fs::path& dir) {
  phantom::writeSeries(spec, phantom::PatientInfo{}, test::study(), test::fillByPosition(spec, ctValueAt), dir);
}

TEST(Ingest, HeadFirstCtLoadsEveryVoxelAtItsPosition) {
  TempDir tmp;
  auto spec = ctSpec("10");
  writeCt(spec, tmp.path());
  const dicom::Index index = dicom::indexPath(tmp.path());
  EXPECT_EQ(index.dicom_instances, 9u);
  const auto& s = onlySeries(index);
  EXPECT_EQ(s.role, dicom::SeriesRole::CtVolume);
  const dicom::Volume v = dicom::loadVolume(s);
  EXPECT_EQ(v.units, "HU");
  EXPECT_TRUE(v.integral);
  const auto size = v.image->GetLargestPossibleRegion().GetSize();
  EXPECT_EQ(size[0], 24u);
  EXPECT_EQ(size[1], 20u);
  EXPECT_EQ(size[2], 9u);
  EXPECT_DOUBLE_EQ(v.image->GetSpacing()[0], 0.8);  // between columns
  EXPECT_DOUBLE_EQ(v.image->GetSpacing()[1], 0.9);  // between rows
  EXPECT_NEAR(v.image->GetSpacing()[2], 2.0, 1e-9);
  EXPECT_NEAR(v.image->GetOrigin()[2], -30.0, 1e-9);
  EXPECT_EQ(test::maxErrorByPosition(v.image.GetPointer(), ctValueAt), 0.0);
}

// Feet-first supine: the row direction is flipped and slices are written from head to feet.
TEST(Ingest, FeetFirstCtLoadsEveryVoxelAtItsPosition) {
  TempDir tmp;
  auto spec = ctSpec("11");
  spec.patient_position = "FFS";
  spec.orientation = {-1, 0, 0, 0, 1, 0};  // normal = row x col = (0,0,-1)
  spec.first_position = {10.0, -8.0, 20.0};
  writeCt(spec, tmp.path());
  const dicom::Volume v = dicom::loadVolume(onlySeries(dicom::indexPath(tmp.path())));
  const auto& d = v.image->GetDirection();
  EXPECT_DOUBLE_EQ(d(0, 0), -1.0);
  EXPECT_DOUBLE_EQ(d(2, 2), -1.0);
  EXPECT_NEAR(v.image->GetSpacing()[2], 2.0, 1e-9);
  EXPECT_NEAR(v.image->GetOrigin()[2], 20.0, 1e-9);
  EXPECT_EQ(test::maxErrorByPosition(v.image.GetPointer(), ctValueAt), 0.0);
}

// Unsigned 12-bit CT with intercept -1024, as many scanners write it.
TEST(Ingest, UnsignedTwelveBitCtWithIntercept) {
  TempDir tmp;
  auto spec = ctSpec("12");
  spec.pixel_signed = false;
  spec.bits_stored = 12;
  spec.rescale_intercept = -1024;
  writeCt(spec, tmp.path());
  const dicom::Volume v = dicom::loadVolume(onlySeries(dicom::indexPath(tmp.path())));
  EXPECT_EQ(test::maxErrorByPosition(v.image.GetPointer(), ctValueAt), 0.0);
}

// Signed 12-bit pixels must be sign-extended from bit 11.
TEST(Ingest, SignedTwelveBitCt) {
  TempDir tmp;
  auto spec = ctSpec("13");
  spec.pixel_signed = true;
  spec.bits_stored = 12;
  writeCt(spec, tmp.path());
  const dicom::Volume v = dicom::loadVolume(onlySeries(dicom::indexPath(tmp.path())));
  EXPECT_EQ(test::maxErrorByPosition(v.image.GetPointer(), ctValueAt), 0.0);
}

// File names and instance numbers that say nothing about slice order, nested folders, and files
// that are not DICOM: the volume is still right and the junk is skipped quietly.
TEST(Ingest, ShuffledNamesJunkFilesAndNestedFolders) {
  TempDir tmp;
  auto spec = ctSpec("14");
  spec.naming = phantom::FileNaming::Shuffled;
  spec.instance_numbers = {5, 3, 9, 1, 7, 2, 8, 4, 6};
  writeCt(spec, tmp / "a" / "b");
  std::ofstream(tmp / "README.txt") << "exported by a workstation\n";
  std::ofstream(tmp / "a" / ".lock") << "";
  std::ofstream(tmp / "a" / "b" / "Thumbs.db") << std::string(300, 'x');
  const dicom::Index index = dicom::indexPath(tmp.path());
  EXPECT_EQ(index.files_seen, 12u);
  EXPECT_EQ(index.skipped_non_dicom, 3u);
  EXPECT_TRUE(index.unreadable.empty());
  const dicom::Volume v = dicom::loadVolume(onlySeries(index));
  EXPECT_EQ(test::maxErrorByPosition(v.image.GetPointer(), ctValueAt), 0.0);
}

// The same file twice (a copy in another folder) is indexed once.
TEST(Ingest, DuplicateFileCopiesAreIgnored) {
  TempDir tmp;
  writeCt(ctSpec("15"), tmp / "orig");
  fs::create_directories(tmp / "copy");
  const auto first = *fs::directory_iterator(tmp / "orig");
  fs::copy_file(first.path(), tmp / "copy" / "dup.dcm");
  const dicom::Index index = dicom::indexPath(tmp.path());
  EXPECT_EQ(index.duplicate_instances, 1u);
  EXPECT_EQ(onlySeries(index).instances.size(), 9u);
  EXPECT_NO_THROW(dicom::loadVolume(onlySeries(index)));
}

// Files truncated in the header or in the pixel data are found while indexing (without decoding
// pixels) and reported by path; the series they belonged to then has a gap and is refused.
TEST(Ingest, TruncatedFilesAreReportedByPath) {
  TempDir tmp;
  auto spec = ctSpec("16");
  spec.naming = phantom::FileNaming::InstanceNumber;
  writeCt(spec, tmp.path());
  const fs::path header_cut = tmp / "IM000004", pixels_cut = tmp / "IM000007";
  ASSERT_TRUE(fs::exists(header_cut) && fs::exists(pixels_cut));
  fs::resize_file(header_cut, 200);
  fs::resize_file(pixels_cut, fs::file_size(pixels_cut) - 300);
  const dicom::Index index = dicom::indexPath(tmp.path());
  ASSERT_EQ(index.unreadable.size(), 2u);
  EXPECT_EQ(index.unreadable[0].path, header_cut);
  EXPECT_EQ(index.unreadable[1].path, pixels_cut);
  EXPECT_NE(index.unreadable[1].problem.find("truncated"), std::string::npos) << index.unreadable[1].problem;
  const auto& s = onlySeries(index);
  EXPECT_EQ(s.instances.size(), 7u);
  try {
    dicom::loadVolume(s);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::BadGeometry);
    EXPECT_NE(std::string(e.what()).find("2 slice(s) missing"), std::string::npos) << e.what();
  }
}

// Pixel data that is present but cannot be decoded (a corrupt JPEG-LS stream) is CorruptInput
// naming the file.
TEST(Ingest, UndecodablePixelDataIsCorruptInputNamingTheFile) {
  TempDir tmp;
  auto spec = ctSpec("17");
  spec.naming = phantom::FileNaming::InstanceNumber;
  writeCt(spec, tmp / "native");
  phantom::compressFolder(tmp / "native", tmp / "coded", phantom::Syntax::JpegLsLossless);
  const fs::path victim = tmp / "coded" / "IM000005";
  {
    std::fstream f(victim, std::ios::in | std::ios::out | std::ios::binary);
    const auto size = static_cast<std::streamoff>(fs::file_size(victim));
    f.seekp(size - 200);  // inside the JPEG-LS code stream, sizes unchanged
    const std::string garbage(150, '\xff');
    f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  const dicom::Index index = dicom::indexPath(tmp / "coded");
  try {
    dicom::loadVolume(onlySeries(index));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::CorruptInput) << e.what();
    EXPECT_EQ(e.file(), victim.string());
  }
}

TEST(Ingest, MissingPathIsNoInput) {
  try {
    dicom::indexPath("/nonexistent/recap/input");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NoInput);
  }
}

// ---- Transfer syntaxes: compressed copies made by DCMTK's and GDCM's tools -----------------

class TransferSyntax : public ::testing::TestWithParam<Syntax> {};

TEST_P(TransferSyntax, DecodesToTheOriginalValues) {
  const Syntax syntax = GetParam();
  TempDir tmp;
  auto spec = ctSpec("20." + std::to_string(static_cast<int>(syntax)));
  spec.pixel_signed = false;  // several JPEG encoders handle unsigned input best; intercept -1024
  spec.rescale_intercept = -1024;
  writeCt(spec, tmp / "native");
  phantom::compressFolder(tmp / "native", tmp / "coded", syntax);
  const dicom::Index index = dicom::indexPath(tmp / "coded");
  const auto& s = onlySeries(index);
  EXPECT_EQ(s.first().transfer_syntax_uid, phantom::transferSyntaxUid(syntax));
  const dicom::Volume v = dicom::loadVolume(s);
  const double err = test::maxErrorByPosition(v.image.GetPointer(), ctValueAt);
  if (syntax == Syntax::JpegLsNearLossless) {
    EXPECT_LE(err, 2.0);  // NEAR = 2 stored units, slope 1
  } else if (phantom::isLossy(syntax)) {
    // Lossy JPEG 2000 at the requested PSNR of 90 dB on 16-bit data allows an RMS error of
    // 65535 / 10^(90/20) = 2.1 stored units (slope 1: HU). The mean error must stay near that,
    // and each slice's signed mean error within 3 HU: a slice decoded at the wrong position
    // would be off by 14 HU (7 HU/mm x 2 mm) everywhere.
    EXPECT_LE(test::meanErrorByPosition(v.image.GetPointer(), ctValueAt), 5.0);
    EXPECT_LE(test::maxSliceBiasByPosition(v.image.GetPointer(), ctValueAt), 3.0);
    EXPECT_GT(err, 0.0) << "lossy syntax decoded exactly: the encoder was not lossy";
  } else {
    EXPECT_EQ(err, 0.0) << phantom::syntaxName(syntax);
  }
}

INSTANTIATE_TEST_SUITE_P(AllArchiveSyntaxes, TransferSyntax,
                         ::testing::Values(Syntax::ExplicitLittle, Syntax::ImplicitLittle, Syntax::Deflated,
                                           Syntax::JpegLossless, Syntax::JpegLsLossless, Syntax::JpegLsNearLossless,
                                           Syntax::Rle, Syntax::J2kLossless, Syntax::J2kLossy),
                         [](const auto& info) {
                           std::string n = phantom::syntaxName(info.param);
                           for (char& c : n)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

// Signed CT through the lossless codecs (negative stored values).
class SignedTransferSyntax : public ::testing::TestWithParam<Syntax> {};

TEST_P(SignedTransferSyntax, DecodesNegativeValuesExactly) {
  TempDir tmp;
  auto spec = ctSpec("21." + std::to_string(static_cast<int>(GetParam())));
  writeCt(spec, tmp / "native");
  phantom::compressFolder(tmp / "native", tmp / "coded", GetParam());
  const dicom::Volume v = dicom::loadVolume(onlySeries(dicom::indexPath(tmp / "coded")));
  EXPECT_EQ(test::maxErrorByPosition(v.image.GetPointer(), ctValueAt), 0.0);
}

INSTANTIATE_TEST_SUITE_P(Lossless, SignedTransferSyntax,
                         ::testing::Values(Syntax::JpegLossless, Syntax::JpegLsLossless, Syntax::Rle,
                                           Syntax::J2kLossless, Syntax::Deflated));

}  // namespace
}  // namespace recap
