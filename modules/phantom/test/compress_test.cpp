#include "recap/phantom/compress.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>

#include "recap/core/error.h"
#include "recap/phantom/dicom_writer.h"
#include "test_support.h"

namespace recap::phantom {
namespace {

namespace fs = std::filesystem;
using test::getString;
using test::loadDicom;
using test::storedPixels;
using test::TempDir;
using test::transferSyntaxOf;

// DCMTK's decoders for the compressed syntaxes, registered once for the test program.
class DecoderEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    DJDecoderRegistration::registerCodecs();
    DJLSDecoderRegistration::registerCodecs();
    DcmRLEDecoderRegistration::registerCodecs();
  }
  void TearDown() override {
    DJDecoderRegistration::cleanup();
    DJLSDecoderRegistration::cleanup();
    DcmRLEDecoderRegistration::cleanup();
  }
};
const auto* const kDecoders = ::testing::AddGlobalTestEnvironment(new DecoderEnvironment);

const Syntax kAllSyntaxes[] = {Syntax::ExplicitLittle, Syntax::ImplicitLittle, Syntax::Deflated,
                               Syntax::JpegLossless,   Syntax::JpegLsLossless, Syntax::JpegLsNearLossless,
                               Syntax::Rle,            Syntax::J2kLossless,    Syntax::J2kLossy};

// A small CT with noisy values (so that lossy coders really lose something), written into a
// folder whose name contains a space.
fs::path writeCt(const fs::path& root, bool pixel_signed, int bits) {
  SeriesSpec spec;
  spec.series_uid = "1.2.826.0.1.3680043.9.7777.30";
  spec.frame_of_reference_uid = "1.2.826.0.1.3680043.9.7777.31";
  spec.cols = 16;
  spec.rows = 12;
  spec.slices = 3;
  spec.pixel_signed = pixel_signed;
  spec.bits_stored = bits;
  spec.rescale_intercept = -1024;
  std::vector<float> values(static_cast<size_t>(spec.cols) * spec.rows * spec.slices);
  for (size_t i = 0; i < values.size(); ++i)
    values[i] = -1000.0f + static_cast<float>((i * 7919) % 2000) + (i % 7 == 0 ? 900.0f : 0.0f);
  StudyInfo study;
  study.study_uid = "1.2.826.0.1.3680043.9.7777.3";
  const fs::path dir = root / "source series";
  writeSeries(spec, PatientInfo{}, study, values, dir);
  return dir;
}

std::vector<fs::path> listFiles(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

// Stored values after DCMTK decodes the file to Explicit VR Little Endian.
std::vector<long> decodedPixels(DcmFileFormat& file) {
  DcmDataset& ds = *file.getDataset();
  const OFCondition c = ds.chooseRepresentation(EXS_LittleEndianExplicit, nullptr);
  if (c.bad()) ADD_FAILURE() << "DCMTK cannot decode: " << c.text();
  return c.good() ? storedPixels(ds) : std::vector<long>{};
}

// Decodes a file with GDCM (DCMTK on Debian has no JPEG 2000 decoder) and returns its stored values.
std::vector<long> gdcmDecodedPixels(const fs::path& in, const fs::path& scratch) {
  const fs::path raw = scratch / "decoded by gdcm.dcm";
  const std::string cmd = "gdcmconv --raw -i '" + in.string() + "' -o '" + raw.string() + "' >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) {
    ADD_FAILURE() << "failed: " << cmd;
    return {};
  }
  auto file = loadDicom(raw);
  return storedPixels(*file->getDataset());
}

long maxDifference(const std::vector<long>& a, const std::vector<long>& b) {
  long m = 0;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) m = std::max(m, std::labs(a[i] - b[i]));
  return m;
}

// ------------------------------------------------------------------------------------------------

TEST(Compress, SyntaxTable) {
  std::map<std::string, std::string> names;
  for (Syntax s : kAllSyntaxes) names[syntaxName(s)] = transferSyntaxUid(s);
  EXPECT_EQ(names.size(), 9u);
  EXPECT_EQ(names["explicit-little"], "1.2.840.10008.1.2.1");
  EXPECT_EQ(names["implicit-little"], "1.2.840.10008.1.2");
  EXPECT_EQ(names["deflated"], "1.2.840.10008.1.2.1.99");
  EXPECT_EQ(names["jpeg-lossless"], "1.2.840.10008.1.2.4.70");
  EXPECT_EQ(names["jpeg-ls-lossless"], "1.2.840.10008.1.2.4.80");
  EXPECT_EQ(names["jpeg-ls-near-lossless"], "1.2.840.10008.1.2.4.81");
  EXPECT_EQ(names["rle"], "1.2.840.10008.1.2.5");
  EXPECT_EQ(names["j2k-lossless"], "1.2.840.10008.1.2.4.90");
  EXPECT_EQ(names["j2k-lossy"], "1.2.840.10008.1.2.4.91");
  for (Syntax s : kAllSyntaxes)
    EXPECT_EQ(isLossy(s), s == Syntax::JpegLsNearLossless || s == Syntax::J2kLossy) << syntaxName(s);
}

struct Case {
  Syntax syntax;
  bool pixel_signed;
  int bits;
};

std::string caseName(const ::testing::TestParamInfo<Case>& info) {
  std::string n = syntaxName(info.param.syntax) + (info.param.pixel_signed ? "_signed" : "_unsigned") +
                  std::to_string(info.param.bits);
  std::replace(n.begin(), n.end(), '-', '_');
  return n;
}

class CompressFolder : public ::testing::TestWithParam<Case> {};

TEST_P(CompressFolder, WritesTheNamedSyntaxAndKeepsTheStoredValues) {
  const Case c = GetParam();
  TempDir tmp("compress");
  const fs::path in = writeCt(tmp.path(), c.pixel_signed, c.bits);
  const fs::path out = tmp.path() / "compressed series";
  compressFolder(in, out, c.syntax);

  const auto inputs = listFiles(in), outputs = listFiles(out);
  ASSERT_EQ(outputs.size(), inputs.size());
  for (size_t f = 0; f < inputs.size(); ++f) {
    SCOPED_TRACE(outputs[f].string());
    EXPECT_EQ(outputs[f].filename(), inputs[f].filename());
    EXPECT_GT(fs::file_size(outputs[f]), 0u);
    auto original = loadDicom(inputs[f]);
    auto converted = loadDicom(outputs[f]);
    EXPECT_EQ(transferSyntaxOf(*converted), transferSyntaxUid(c.syntax));
    EXPECT_EQ(getString(*converted->getDataset(), DCM_SeriesInstanceUID), "1.2.826.0.1.3680043.9.7777.30");
    const std::vector<long> expected = storedPixels(*original->getDataset());
    ASSERT_EQ(expected.size(), 16u * 12u);

    switch (c.syntax) {
      case Syntax::J2kLossless:
        EXPECT_EQ(gdcmDecodedPixels(outputs[f], tmp.path()), expected);
        break;
      case Syntax::J2kLossy: {
        const std::vector<long> decoded = gdcmDecodedPixels(outputs[f], tmp.path());
        ASSERT_EQ(decoded.size(), expected.size());
        EXPECT_GT(maxDifference(decoded, expected), 0);  // really lossy
        EXPECT_EQ(getString(*converted->getDataset(), DCM_LossyImageCompression), "01");
        break;
      }
      case Syntax::JpegLsNearLossless: {
        const std::vector<long> decoded = decodedPixels(*converted);
        ASSERT_EQ(decoded.size(), expected.size());
        EXPECT_EQ(maxDifference(decoded, expected), 2);  // NEAR = 2, reached on noisy data
        EXPECT_EQ(getString(*converted->getDataset(), DCM_LossyImageCompression), "01");
        break;
      }
      default:
        EXPECT_EQ(decodedPixels(*converted), expected);
    }
  }
}

std::vector<Case> allCases() {
  std::vector<Case> cases;
  for (Syntax s : kAllSyntaxes) {
    cases.push_back({s, false, 12});
    cases.push_back({s, false, 16});
    if (s != Syntax::JpegLsNearLossless) {  // DCMTK's near-lossless JPEG-LS encoder refuses signed data
      cases.push_back({s, true, 12});
      cases.push_back({s, true, 16});
    }
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Syntaxes, CompressFolder, ::testing::ValuesIn(allCases()), caseName);

// ------------------------------------------------------------------------------------------------

TEST(Compress, ToolFailureNamesToolFileAndOutputAndLeavesNothingBehind) {
  TempDir tmp("compress-fail");
  const fs::path in = tmp.path() / "mixed in";
  fs::create_directories(in);
  std::ofstream(in / "not dicom.txt") << "hello";
  const fs::path out = tmp.path() / "out";
  try {
    compressFolder(in, out, Syntax::Rle);
    FAIL() << "expected an error";
  } catch (const recap::Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Internal);
    EXPECT_EQ(e.file(), (in / "not dicom.txt").string());
    EXPECT_NE(e.reason().find("dcmcrle"), std::string::npos) << e.reason();
    EXPECT_NE(e.reason().find("exit status 1"), std::string::npos) << e.reason();
    EXPECT_NE(e.reason().find("premature end of stream"), std::string::npos) << e.reason();  // tool output
  }
  EXPECT_TRUE(listFiles(out).empty());
}

TEST(Compress, SignedNearLosslessIsRefusedByDcmtk) {
  TempDir tmp("compress-nl-signed");
  const fs::path in = writeCt(tmp.path(), true, 16);
  try {
    compressFolder(in, tmp.path() / "out", Syntax::JpegLsNearLossless);
    FAIL() << "expected an error";
  } catch (const recap::Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Internal);
    EXPECT_NE(e.reason().find("dcmcjpls"), std::string::npos) << e.reason();
    EXPECT_NE(e.reason().find("Unsupported pixel representation"), std::string::npos) << e.reason();
  }
}

TEST(Compress, MissingInputFolderIsNoInput) {
  TempDir tmp("compress-missing");
  try {
    compressFolder(tmp.path() / "nowhere", tmp.path() / "out", Syntax::Rle);
    FAIL() << "expected an error";
  } catch (const recap::Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NoInput);
  }
}

TEST(Compress, InPlaceConversionReplacesTheFiles) {
  TempDir tmp("compress-inplace");
  const fs::path dir = writeCt(tmp.path(), true, 12);
  std::vector<std::vector<long>> before;
  for (const auto& f : listFiles(dir)) before.push_back(storedPixels(*loadDicom(f)->getDataset()));
  compressFolder(dir, dir, Syntax::JpegLossless);
  const auto files = listFiles(dir);
  ASSERT_EQ(files.size(), 3u);  // no temporary files left
  for (size_t i = 0; i < files.size(); ++i) {
    auto file = loadDicom(files[i]);
    EXPECT_EQ(transferSyntaxOf(*file), "1.2.840.10008.1.2.4.70");
    EXPECT_EQ(decodedPixels(*file), before[i]);
  }
}

}  // namespace
}  // namespace recap::phantom
