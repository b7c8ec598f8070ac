// Series that are not CT or PET volumes, as archives deliver them next to the images: a DICOMDIR
// (made by DCMTK's dcmmkdir), structured reports, segmentations, secondary captures, RT objects
// and presentation states (headers written with DCMTK here), and CT reformats that are not axial.
// Each must get its documented role (docs/ingestion.md §2) and never be chosen as the volume.
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "recap/dicom/index.h"
#include "synth.h"

extern char** environ;

namespace fs = std::filesystem;

namespace recap {
namespace {

using test::ctSpec;
using test::ctValueAt;
using test::TempDir;

void writeCt(const phantom::SeriesSpec& spec, const fs::path& dir) {
  phantom::writeSeries(spec, phantom::PatientInfo{}, test::study(), test::fillByPosition(spec, ctValueAt), dir);
}

// Runs a command-line tool (no shell); returns its exit code, with stdout and stderr in `output`.
int runTool(std::vector<std::string> args, const fs::path& log, std::string& output) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    output = "cannot start " + args[0];
    return -1;
  }
  int status = 0;
  waitpid(pid, &status, 0);
  std::ifstream in(log);
  std::stringstream ss;
  ss << in.rdbuf();
  output = ss.str();
  fs::remove(log);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A non-image object (SR, SEG, RT, presentation state, ...) as a modality or workstation writes
// it: the identifying modules only, which is all that indexing reads.
struct ObjectSpec {
  std::string modality, sop_class, series_uid;
  int series_number = 90;
  std::string description;
  int instances = 1;
};

void writeObjects(const ObjectSpec& o, const fs::path& dir) {
  fs::create_directories(dir);
  for (int k = 0; k < o.instances; ++k) {
    DcmFileFormat file;
    DcmDataset& ds = *file.getDataset();
    const std::string sop_instance = o.series_uid + "." + std::to_string(k + 1);
    ds.putAndInsertString(DCM_SpecificCharacterSet, "ISO_IR 100");
    ds.putAndInsertString(DCM_SOPClassUID, o.sop_class.c_str());
    ds.putAndInsertString(DCM_SOPInstanceUID, sop_instance.c_str());
    ds.putAndInsertString(DCM_PatientName, "Phantom^Patient");
    ds.putAndInsertString(DCM_PatientID, "PHANTOM-001");
    ds.putAndInsertString(DCM_StudyInstanceUID, test::study().study_uid.c_str());
    ds.putAndInsertString(DCM_StudyDate, "20240115");
    ds.putAndInsertString(DCM_StudyTime, "090000");
    ds.putAndInsertString(DCM_Modality, o.modality.c_str());
    ds.putAndInsertString(DCM_SeriesInstanceUID, o.series_uid.c_str());
    ds.putAndInsertString(DCM_SeriesNumber, std::to_string(o.series_number).c_str());
    ds.putAndInsertString(DCM_SeriesDescription, o.description.c_str());
    ds.putAndInsertString(DCM_InstanceNumber, std::to_string(k + 1).c_str());
    ds.putAndInsertString(DCM_ContentDate, "20240115");
    ds.putAndInsertString(DCM_ContentTime, "093000");
    const OFCondition c = file.saveFile((dir / ("OBJ" + std::to_string(k + 1))).c_str(), EXS_LittleEndianExplicit);
    ASSERT_TRUE(c.good()) << c.text();
  }
}

const dicom::Series* findSeries(const dicom::Index& index, const std::string& uid) {
  for (const auto& st : index.studies)
    for (const auto& s : st.series)
      if (s.uid == uid) return &s;
  return nullptr;
}

// ---- DICOMDIR ----------------------------------------------------------------------------------

// A CD/DVD export: images under DICOM/ and a DICOMDIR at the root, made by DCMTK's dcmmkdir over
// the very files. The DICOMDIR is counted as a skipped non-DICOM file, not as unreadable, not as
// an instance, and it does not make a series of its own.
TEST(DicomDir, IsSkippedQuietlyAndCountedAsNonDicom) {
  TempDir tmp;
  auto spec = ctSpec("70");
  spec.naming = phantom::FileNaming::InstanceNumber;  // IM000001..: valid DICOM file IDs
  writeCt(spec, tmp / "DICOM" / "S1");
  std::string output;
  const int rc = runTool({"dcmmkdir", "+r", "+id", tmp.path().string(), "+D", (tmp / "DICOMDIR").string(), "DICOM"},
                         tmp / "dcmmkdir.log", output);
  ASSERT_EQ(rc, 0) << output;
  ASSERT_TRUE(fs::is_regular_file(tmp / "DICOMDIR"));
  // It is a real DICOMDIR that references the nine images.
  {
    DcmFileFormat dir;
    ASSERT_TRUE(dir.loadFile((tmp / "DICOMDIR").c_str()).good());
    OFString cls;
    dir.getMetaInfo()->findAndGetOFString(DCM_MediaStorageSOPClassUID, cls);
    EXPECT_EQ(cls, UID_MediaStorageDirectoryStorage);
    DcmSequenceOfItems* records = nullptr;
    ASSERT_TRUE(dir.getDataset()->findAndGetSequence(DCM_DirectoryRecordSequence, records).good());
    int images = 0;
    for (unsigned long i = 0; i < records->card(); ++i) {
      OFString type;
      records->getItem(i)->findAndGetOFString(DCM_DirectoryRecordType, type);
      images += type == "IMAGE";
    }
    EXPECT_EQ(images, 9);
  }

  const dicom::ReadResult r = dicom::readHeader(tmp / "DICOMDIR");
  EXPECT_EQ(r.outcome, dicom::ReadOutcome::Directory) << r.problem;

  const dicom::Index index = dicom::indexPath(tmp.path());
  EXPECT_EQ(index.files_seen, 10u);
  EXPECT_EQ(index.dicom_instances, 9u);
  EXPECT_EQ(index.skipped_non_dicom, 1u);
  EXPECT_TRUE(index.unreadable.empty()) << index.unreadable.at(0).path << ": " << index.unreadable.at(0).problem;
  EXPECT_EQ(index.duplicate_instances, 0u);
  ASSERT_EQ(index.studies.size(), 1u);
  ASSERT_EQ(index.studies[0].series.size(), 1u);
  EXPECT_EQ(index.studies[0].series[0].uid, spec.series_uid);
  EXPECT_EQ(index.studies[0].series[0].role, dicom::SeriesRole::CtVolume);

  // The DICOMDIR alone: nothing to index, still not "unreadable".
  const dicom::Index only = dicom::indexPath(tmp / "DICOMDIR");
  EXPECT_EQ(only.files_seen, 1u);
  EXPECT_EQ(only.dicom_instances, 0u);
  EXPECT_EQ(only.skipped_non_dicom, 1u);
  EXPECT_TRUE(only.unreadable.empty());
}

// ---- Non-image series --------------------------------------------------------------------------

struct NonImageCase {
  const char* name;
  ObjectSpec object;
  dicom::SeriesRole role;
  const char* reason;
};

void PrintTo(const NonImageCase& c, std::ostream* os) { *os << c.name; }

class NonImage : public ::testing::TestWithParam<NonImageCase> {};

// Each object sits in a study beside a normal CT; it gets its role and the CT is still the one chosen.
TEST_P(NonImage, GetsItsRoleAndIsNeverSelected) {
  const NonImageCase& c = GetParam();
  TempDir tmp;
  writeCt(ctSpec("71"), tmp / "ct");
  writeObjects(c.object, tmp / "obj");
  const dicom::Index index = dicom::indexPath(tmp.path());
  EXPECT_TRUE(index.unreadable.empty());
  EXPECT_EQ(index.dicom_instances, 9u + c.object.instances);
  ASSERT_EQ(index.studies.size(), 1u);
  const dicom::Series* s = findSeries(index, c.object.series_uid);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->modality, c.object.modality);
  EXPECT_EQ(s->instances.size(), static_cast<size_t>(c.object.instances));
  EXPECT_EQ(dicom::roleName(s->role), std::string(dicom::roleName(c.role)));
  EXPECT_EQ(s->role_reason, c.reason);
  const dicom::Study& st = index.studies[0];
  ASSERT_TRUE(st.selected_ct);
  EXPECT_EQ(st.series[*st.selected_ct].uid, ctSpec("71").series_uid);
  EXPECT_FALSE(st.selected_pet);
}

INSTANTIATE_TEST_SUITE_P(
    Objects, NonImage,
    ::testing::Values(
        NonImageCase{"comprehensive_sr",
                     {"SR", "1.2.840.10008.5.1.4.1.1.88.33", "1.2.826.0.1.3680043.10.1234.7.1", 90, "Lugano report"},
                     dicom::SeriesRole::Report, "structured report"},
        NonImageCase{"enhanced_sr_three_reports",
                     {"SR", "1.2.840.10008.5.1.4.1.1.88.22", "1.2.826.0.1.3680043.10.1234.7.2", 91, "Measurements", 3},
                     dicom::SeriesRole::Report, "structured report"},
        // A key object selection document is an SR-family object (SOP class 1.2.840.10008.5.1.4.1.1.88.59).
        NonImageCase{"key_object_selection",
                     {"KO", "1.2.840.10008.5.1.4.1.1.88.59", "1.2.826.0.1.3680043.10.1234.7.3", 92, "Key images"},
                     dicom::SeriesRole::Report, "structured report"},
        NonImageCase{"segmentation",
                     {"SEG", "1.2.840.10008.5.1.4.1.1.66.4", "1.2.826.0.1.3680043.10.1234.7.4", 93, "Lesions", 4},
                     dicom::SeriesRole::Segmentation, "segmentation"},
        NonImageCase{"rt_structure_set",
                     {"RTSTRUCT", "1.2.840.10008.5.1.4.1.1.481.3", "1.2.826.0.1.3680043.10.1234.7.5", 94, "Contours"},
                     dicom::SeriesRole::Other, "modality RTSTRUCT"},
        NonImageCase{"presentation_state",
                     {"PR", "1.2.840.10008.5.1.4.1.1.11.1", "1.2.826.0.1.3680043.10.1234.7.6", 95, "GSPS"},
                     dicom::SeriesRole::Other, "modality PR"},
        // A screen capture from a workstation, with the modality most of them write (OT).
        NonImageCase{"secondary_capture_ot",
                     {"OT", "1.2.840.10008.5.1.4.1.1.7", "1.2.826.0.1.3680043.10.1234.7.7", 96, "Fused screenshot", 3},
                     dicom::SeriesRole::Derived, "secondary capture"},
        NonImageCase{"multiframe_true_colour_sc",
                     {"OT", "1.2.840.10008.5.1.4.1.1.7.4", "1.2.826.0.1.3680043.10.1234.7.8", 97, "Report page"},
                     dicom::SeriesRole::Derived, "secondary capture"},
        // 1.2.840.10008.5.1.4.1.1.77.1.4 (VL Photographic Image) starts with the SC class UID's
        // digits but is not a secondary capture.
        NonImageCase{"vl_photograph",
                     {"XC", "1.2.840.10008.5.1.4.1.1.77.1.4", "1.2.826.0.1.3680043.10.1234.7.9", 98, "Photo"},
                     dicom::SeriesRole::Other, "modality XC"}),
    [](const auto& info) { return std::string(info.param.name); });

// A secondary capture that keeps the modality of the images it shows (PT, with pixel data, axial
// geometry and enough images to pass for a volume) is still derived, never a PET volume.
TEST(Classify, SecondaryCaptureWithPetModalityIsDerived) {
  TempDir tmp;
  auto sc = ctSpec("72");
  sc.modality = "PT";
  sc.sop_class_uid = "1.2.840.10008.5.1.4.1.1.7";
  sc.series_description = "PET fused capture";
  sc.pet = phantom::PetInfo{};
  writeCt(sc, tmp.path());
  const dicom::Index index = dicom::indexPath(tmp.path());
  const dicom::Series* s = findSeries(index, sc.series_uid);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->role, dicom::SeriesRole::Derived);
  EXPECT_EQ(s->role_reason, "secondary capture");
  EXPECT_FALSE(index.studies.at(0).selected_pet);
}

// ---- Non-axial CT ------------------------------------------------------------------------------

struct PlaneCase {
  const char* name;
  std::array<double, 6> orientation;
  int slices;
  dicom::SeriesRole role;
  const char* reason;  // empty: not checked
};

void PrintTo(const PlaneCase& c, std::ostream* os) { *os << c.name; }

class Plane : public ::testing::TestWithParam<PlaneCase> {};

// The same CT written in another plane. Reformats (sagittal, coronal, and oblique beyond 37°) are
// derived; a plane tilted by less stays an axial volume; two or three non-axial images are a scout.
TEST_P(Plane, ClassifiedByTheSliceNormal) {
  const PlaneCase& c = GetParam();
  TempDir tmp;
  writeCt(ctSpec("73"), tmp / "axial");
  auto spec = ctSpec("74");
  spec.series_number = 5;
  spec.series_description = std::string("CT ") + c.name;
  spec.orientation = c.orientation;
  spec.slices = c.slices;
  writeCt(spec, tmp / "other");
  const dicom::Index index = dicom::indexPath(tmp.path());
  const dicom::Series* s = findSeries(index, spec.series_uid);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(dicom::roleName(s->role), std::string(dicom::roleName(c.role))) << s->role_reason;
  if (*c.reason) {
    EXPECT_EQ(s->role_reason, c.reason);
  }
  const dicom::Study& st = index.studies.at(0);
  ASSERT_TRUE(st.selected_ct);
  // The axial series is chosen whenever the other one is not an axial volume itself.
  if (c.role != dicom::SeriesRole::CtVolume) {
    EXPECT_EQ(st.series[*st.selected_ct].uid, ctSpec("73").series_uid);
  }
}

const double kC30 = std::cos(M_PI / 6), kS30 = std::sin(M_PI / 6);
const double kC45 = std::sqrt(0.5);

INSTANTIATE_TEST_SUITE_P(
    Reformats, Plane,
    ::testing::Values(
        // Row along +y (posterior), column along -z (to the feet): normal -x.
        PlaneCase{"sagittal", {0, 1, 0, 0, 0, -1}, 9, dicom::SeriesRole::Derived, "non-axial images (reformat)"},
        // Row along +x, column along -z: normal +y.
        PlaneCase{"coronal", {1, 0, 0, 0, 0, -1}, 9, dicom::SeriesRole::Derived, "non-axial images (reformat)"},
        // Tilted 45° about x: the normal is 45° from z, beyond the 37° limit.
        PlaneCase{"oblique45", {1, 0, 0, 0, kC45, -kC45}, 9, dicom::SeriesRole::Derived, "non-axial images (reformat)"},
        // Tilted 30° about x: still axial (normal 30° from z), a CT volume.
        PlaneCase{"oblique30", {1, 0, 0, 0, kC30, -kS30}, 9, dicom::SeriesRole::CtVolume, ""},
        // Two coronal images without LOCALIZER in ImageType: a scout.
        PlaneCase{"coronal_pair", {1, 0, 0, 0, 0, -1}, 2, dicom::SeriesRole::Localizer, "few non-axial CT images"}),
    [](const auto& info) { return std::string(info.param.name); });

// A PET reformat (sagittal) is derived as well, and no PET is chosen from it.
TEST(Classify, SagittalPetIsDerived) {
  TempDir tmp;
  auto pet = ctSpec("75");
  pet.modality = "PT";
  pet.series_description = "PET sag";
  pet.orientation = {0, 1, 0, 0, 0, -1};
  pet.per_slice_slope = true;
  pet.pet = phantom::PetInfo{};
  phantom::writeSeries(pet, phantom::PatientInfo{}, test::study(),
                       test::fillByPosition(pet, [](double x, double y, double z) { return 1000.0f + float(x + y + z); }),
                       tmp.path());
  const dicom::Index index = dicom::indexPath(tmp.path());
  const dicom::Series* s = findSeries(index, pet.series_uid);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->role, dicom::SeriesRole::Derived);
  EXPECT_EQ(s->role_reason, "non-axial images (reformat)");
  EXPECT_FALSE(index.studies.at(0).selected_pet);
}

}  // namespace
}  // namespace recap
