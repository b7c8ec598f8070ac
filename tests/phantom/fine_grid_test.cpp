// Presets read back at their own (fine) resolution, not the coarse grids of phantom_test.cpp: one
// timepoint of each preset with the finest grids (CT 0.7 mm, CT 0.78 mm feet first, PET 2 mm),
// with the z range narrowed to a slab around the liver so that it stays quick. Everything is
// compared with the spec: geometry of CT and PET (matrix, pixel spacing in both directions, slice
// spacing, slice count from the z range, origin from the field-of-view centre and the matrix,
// orientation), liver HU and SUV (the value the spec asked for, within 1 %); and, read with DCMTK
// from the files themselves, one frame of reference and one study for CT and PET.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctk.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "recap/dicom/index.h"
#include "recap/dicom/volume.h"
#include "recap/phantom/spec.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace recap {
namespace {

// The z slab generated: the liver VOI (a 3 cm sphere centred at z = -35 in the identity pose, in
// the right lobe, which spans z -110...+40) with 35 mm of liver above and below it (over 12 sigma
// of a 6.5 mm FWHM blur), so that the ends of the volume do not reach the blurred PET in the sphere.
constexpr double kZFrom = -85, kZTo = 15;

struct FineCase {
  const char* preset;
  double max_ct_pixel_mm, max_pet_pixel_mm;  // what makes the case "fine"; guards the preset
};

std::ostream& operator<<(std::ostream& os, const FineCase& c) { return os << c.preset; }

// Mean of `image` over voxels whose centre lies within `radius` of `centre` (LPS mm), visiting
// only the sphere's bounding box.
double sphereMean(const dicom::Image* image, const std::array<double, 3>& centre, double radius) {
  dicom::Image::PointType c, lo, hi;
  for (int i = 0; i < 3; ++i) {
    c[i] = centre[i];
    lo[i] = centre[i] - radius;
    hi[i] = centre[i] + radius;
  }
  const auto region = image->GetLargestPossibleRegion();
  itk::ContinuousIndex<double, 3> a, b;
  image->TransformPhysicalPointToContinuousIndex(lo, a);
  image->TransformPhysicalPointToContinuousIndex(hi, b);
  long from[3], to[3];
  for (int i = 0; i < 3; ++i) {
    from[i] = std::max<long>(0, long(std::floor(std::min(a[i], b[i]))));
    to[i] = std::min<long>(long(region.GetSize()[i]) - 1, long(std::ceil(std::max(a[i], b[i]))));
  }
  double sum = 0;
  size_t n = 0;
  dicom::Image::IndexType idx;
  for (idx[2] = from[2]; idx[2] <= to[2]; ++idx[2])
    for (idx[1] = from[1]; idx[1] <= to[1]; ++idx[1])
      for (idx[0] = from[0]; idx[0] <= to[0]; ++idx[0]) {
        dicom::Image::PointType p;
        image->TransformIndexToPhysicalPoint(idx, p);
        if (p.EuclideanDistanceTo(c) <= radius) {
          sum += image->GetPixel(idx);
          ++n;
        }
      }
  return n ? sum / double(n) : std::nan("");
}

// The volume a grid of the spec describes (docs/phantom.md, model.h): `matrix` columns and rows of
// `pixel_mm` centred on centre_mm (x, y); slice centres from z_from_mm, every slice_mm, up to
// z_to_mm; head first: rows along +x, slices upwards from z_from_mm; feet first: rows along -x,
// slices downwards from z_to_mm.
template <typename Grid>
void expectGeometry(const dicom::Image* image, const Grid& g, const char* what) {
  SCOPED_TRACE(what);
  const long slices = long(std::floor((g.z_to_mm - g.z_from_mm) / g.slice_mm + 1e-6)) + 1;
  const auto size = image->GetLargestPossibleRegion().GetSize();
  EXPECT_EQ(long(size[0]), g.matrix);
  EXPECT_EQ(long(size[1]), g.matrix);
  EXPECT_EQ(long(size[2]), slices);
  EXPECT_NEAR(image->GetSpacing()[0], g.pixel_mm, 1e-5);
  EXPECT_NEAR(image->GetSpacing()[1], g.pixel_mm, 1e-5);
  EXPECT_NEAR(image->GetSpacing()[2], g.slice_mm, 1e-4);
  const double half = (g.matrix - 1) / 2.0 * g.pixel_mm;
  const double sx = g.feet_first ? -1 : 1;
  const std::array<double, 3> origin{g.centre_mm[0] - sx * half, g.centre_mm[1] - half,
                                     g.feet_first ? g.z_to_mm : g.z_from_mm};
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(image->GetOrigin()[i], origin[i], 1e-3) << "origin[" << i << "]";
  const double dir[3][3] = {{sx, 0, 0}, {0, 1, 0}, {0, 0, sx}};
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) EXPECT_NEAR(image->GetDirection()(r, c), dir[r][c], 1e-9) << r << "," << c;
  // The last slice lies inside the z range, and one more would not.
  const double last = origin[2] + sx * (slices - 1) * g.slice_mm;
  EXPECT_GE(std::min(origin[2], last), g.z_from_mm - 1e-6);
  EXPECT_LE(std::max(origin[2], last), g.z_to_mm + 1e-6);
}

struct FileUids {
  std::map<std::string, size_t> files_per_series;  // "<modality> <series uid>" -> files
  std::set<std::string> frames_of_reference, studies;
};

// Reads every file of the series folders with DCMTK (headers only), independently of recap's indexer.
FileUids readUids(const fs::path& dicom_dir, const std::vector<std::string>& series_dirs) {
  FileUids u;
  for (const auto& d : series_dirs)
    for (const auto& e : fs::directory_iterator(dicom_dir / d)) {
      if (!e.is_regular_file()) continue;
      DcmFileFormat ff;
      const OFCondition ok = ff.loadFileUntilTag(e.path().c_str(), EXS_Unknown, EGL_noChange, DCM_MaxReadLength,
                                                 ERM_autoDetect, DCM_PixelData);
      EXPECT_TRUE(ok.good()) << e.path() << ": " << ok.text();
      if (ok.bad()) continue;
      DcmDataset* ds = ff.getDataset();
      OFString modality, series, frame, study;
      ds->findAndGetOFString(DCM_Modality, modality);
      ds->findAndGetOFString(DCM_SeriesInstanceUID, series);
      ds->findAndGetOFString(DCM_FrameOfReferenceUID, frame);
      ds->findAndGetOFString(DCM_StudyInstanceUID, study);
      ++u.files_per_series[std::string(modality.c_str()) + " " + series.c_str()];
      u.frames_of_reference.insert(frame.c_str());
      u.studies.insert(study.c_str());
    }
  return u;
}

class FineGridReadBack : public ::testing::TestWithParam<FineCase> {};

TEST_P(FineGridReadBack, GeometryHuSuvAndOneFrameOfReferenceAsTheSpecAsks) {
  const FineCase fc = GetParam();
  auto spec = phantom::parseSpec(phantom::presetYaml(fc.preset), fc.preset);
  spec.timepoints.resize(1);
  for (auto& l : spec.lesions) l.states.resize(1);
  phantom::TimepointSpec& tp = spec.timepoints[0];
  // The preset's own grids (no GenerateOptions overrides), only the z range narrowed.
  ASSERT_LE(tp.ct.pixel_mm, fc.max_ct_pixel_mm) << "the preset no longer has a fine CT grid";
  ASSERT_LE(tp.pet.pixel_mm, fc.max_pet_pixel_mm) << "the preset no longer has a fine PET grid";
  tp.ct.z_from_mm = tp.pet.z_from_mm = kZFrom;
  tp.ct.z_to_mm = tp.pet.z_to_mm = kZTo;

  const fs::path out = fs::temp_directory_path() / ("recap-phantom-fine-" + std::to_string(::getpid()) + "-" + fc.preset);
  fs::remove_all(out);
  phantom::GenerateOptions options;
  // Noise-free: the 1 % SUV check is on the decoding of the vendor's encoding, not on noise.
  options.noise = false;
  phantom::generate(spec, out, options);
  const fs::path dir = out / tp.label;
  std::ifstream truth_in(dir / "truth.json");
  const json truth = json::parse(truth_in);

  const dicom::Index index = dicom::indexPath(dir);
  ASSERT_EQ(index.studies.size(), 1u);
  EXPECT_TRUE(index.unreadable.empty());
  const dicom::Study& st = index.studies[0];
  ASSERT_TRUE(st.selected_ct && st.selected_pet);
  const dicom::Volume ct = dicom::loadVolume(st.series[*st.selected_ct]);
  const dicom::Volume pet = dicom::loadVolume(st.series[*st.selected_pet]);

  expectGeometry(ct.image.GetPointer(), tp.ct, "CT");
  expectGeometry(pet.image.GetPointer(), tp.pet, "PET");

  // Liver: 60 HU (modules/phantom/src/anatomy.cpp) and the SUV the spec gave it, in the 3 cm VOI
  // deep in the right lobe (its position from the truth; the values from the spec).
  const json& c = truth["liver_sphere_centre_mm"];
  const std::array<double, 3> centre{c[0].get<double>(), c[1].get<double>(), c[2].get<double>()};
  ASSERT_GE(centre[2] - 15, kZFrom + 30);
  ASSERT_LE(centre[2] + 15, kZTo - 30);
  EXPECT_EQ(ct.units, "HU");
  EXPECT_NEAR(sphereMean(ct.image.GetPointer(), centre, 15.0), 60.0, 0.5);
  ASSERT_TRUE(pet.suv);
  const double liver = tp.physiology.liver_suv;
  EXPECT_NEAR(sphereMean(pet.image.GetPointer(), centre, 15.0), liver, 0.01 * liver) << pet.suv->method;

  // One frame of reference and one study for CT and PET (and the localizer and NAC PET when
  // written), read from the files with DCMTK; one file per slice the spec's z range holds.
  std::vector<std::string> series_dirs{"2", "3"};
  if (tp.encoding.localizer) series_dirs.push_back("1");
  if (tp.encoding.nac) series_dirs.push_back("4");
  const FileUids uids = readUids(dir / "DICOM", series_dirs);
  EXPECT_EQ(uids.files_per_series.size(), series_dirs.size());
  const std::string ct_key = "CT " + st.series[*st.selected_ct].uid, pet_key = "PT " + st.series[*st.selected_pet].uid;
  ASSERT_TRUE(uids.files_per_series.count(ct_key)) << ct_key;
  ASSERT_TRUE(uids.files_per_series.count(pet_key)) << pet_key;
  EXPECT_EQ(long(uids.files_per_series.at(ct_key)), long(std::floor((kZTo - kZFrom) / tp.ct.slice_mm + 1e-6)) + 1);
  EXPECT_EQ(long(uids.files_per_series.at(pet_key)), long(std::floor((kZTo - kZFrom) / tp.pet.slice_mm + 1e-6)) + 1);
  ASSERT_EQ(uids.frames_of_reference.size(), 1u);
  EXPECT_FALSE(uids.frames_of_reference.begin()->empty());
  ASSERT_EQ(uids.studies.size(), 1u);
  EXPECT_EQ(*uids.studies.begin(), st.uid);
  EXPECT_FALSE(st.uid.empty());

  fs::remove_all(out);
}

INSTANTIATE_TEST_SUITE_P(Presets, FineGridReadBack,
                         ::testing::Values(FineCase{"sd", 0.7, 4.0},         // CT 0.7 mm, Philips, JPEG 2000 lossless
                                           FineCase{"pr", 0.78, 3.65},       // CT 0.78 mm feet first, GE, RLE, unsigned CT
                                           FineCase{"vanished", 0.9, 2.0}),  // PET 2 mm, Siemens, explicit VR
                         [](const auto& info) { return std::string(info.param.preset); });

}  // namespace
}  // namespace recap
