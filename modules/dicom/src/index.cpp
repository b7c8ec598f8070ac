#include "recap/dicom/index.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "recap/core/error.h"
#include "recap/core/threads.h"
#include "recap/dicom/geometry.h"

namespace fs = std::filesystem;

namespace recap::dicom {

const char* roleName(SeriesRole role) {
  switch (role) {
    case SeriesRole::CtVolume: return "ct_volume";
    case SeriesRole::PetAc: return "pet_ac";
    case SeriesRole::PetNac: return "pet_nac";
    case SeriesRole::Localizer: return "localizer";
    case SeriesRole::Derived: return "derived";
    case SeriesRole::Report: return "sr";
    case SeriesRole::Segmentation: return "seg";
    case SeriesRole::Other: return "other";
  }
  return "other";
}

std::string Series::label() const {
  const InstanceHeader& h = first();
  std::string s = "series";
  if (h.series_number) s += " " + std::to_string(*h.series_number);
  if (!h.series_description.empty()) s += " '" + h.series_description + "'";
  return s + " (" + uid + ")";
}

std::vector<std::string> Index::patientIds() const {
  std::set<std::string> ids;
  for (const Study& st : studies) ids.insert(st.patient_id);
  return {ids.begin(), ids.end()};
}

namespace {

std::vector<fs::path> listFiles(const fs::path& root) {
  std::vector<fs::path> files;
  std::error_code ec;
  if (fs::is_regular_file(root, ec)) return {root};
  auto opts = fs::directory_options::skip_permission_denied;
  for (fs::recursive_directory_iterator it(root, opts, ec), end; it != end; it.increment(ec)) {
    if (ec) {
      spdlog::warn("{}: cannot list: {}", it->path().string(), ec.message());
      ec.clear();
      continue;
    }
    if (it->is_regular_file(ec)) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<ReadResult> readAll(const std::vector<fs::path>& files, unsigned threads) {
  std::vector<ReadResult> results(files.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < files.size(); i = next++) results[i] = readHeader(files[i]);
  };
  if (threads == 0) threads = workerThreads();
  threads = static_cast<unsigned>(std::min<size_t>(threads, std::max<size_t>(1, files.size() / 16)));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  return results;
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool containsWord(const std::string& text, const char* word) { return upper(text).find(word) != std::string::npos; }

bool isAxial(const InstanceHeader& h) {
  if (!h.orientation) return false;
  const auto& o = *h.orientation;
  const double nz = o[0] * o[4] - o[1] * o[3];  // z component of row x col
  return std::abs(nz) > 0.8;
}

// A reconstruction for lungs or bone is sharper and noisier than the soft-tissue one radiologists
// measure lymph nodes on.
bool isSharpKernel(const InstanceHeader& h) {
  for (const char* w : {"LUNG", "BONE", "SHARP", "EDGE", "DETAIL"})
    if (containsWord(h.convolution_kernel, w) || containsWord(h.series_description, w)) return true;
  return false;
}

double zExtent(const Series& s) {
  double lo = 1e300, hi = -1e300;
  for (const auto& h : s.instances)
    if (h.position) {
      lo = std::min(lo, (*h.position)[2]);
      hi = std::max(hi, (*h.position)[2]);
    }
  return hi >= lo ? hi - lo : 0.0;
}

double sliceStep(const Series& s) {
  return s.instances.size() > 1 ? zExtent(s) / static_cast<double>(s.instances.size() - 1) : 1e9;
}

int seriesNumber(const Series& s) { return s.first().series_number.value_or(1 << 30); }

}  // namespace

void classifySeries(Series& s) {
  const InstanceHeader& h = s.first();
  const std::string& cls = h.sop_class_uid;
  auto set = [&](SeriesRole r, std::string why) {
    s.role = r;
    s.role_reason = std::move(why);
  };
  if (s.modality == "SR" || cls.rfind("1.2.840.10008.5.1.4.1.1.88.", 0) == 0)
    return set(SeriesRole::Report, "structured report");
  if (s.modality == "SEG" || cls == "1.2.840.10008.5.1.4.1.1.66.4") return set(SeriesRole::Segmentation, "segmentation");
  // Secondary Capture (1.2.840.10008.5.1.4.1.1.7) and its multi-frame variants (.7.1 to .7.4),
  // whatever modality they claim (workstations mostly write OT). Not a prefix match: VL images
  // (1.2.840.10008.5.1.4.1.1.77.x) start with the same digits.
  if (cls == "1.2.840.10008.5.1.4.1.1.7" || cls.rfind("1.2.840.10008.5.1.4.1.1.7.", 0) == 0)
    return set(SeriesRole::Derived, "secondary capture");
  if (s.modality != "CT" && s.modality != "PT")
    return set(SeriesRole::Other, "modality " + (s.modality.empty() ? std::string("(none)") : s.modality));
  if (hasValue(h.image_type, "LOCALIZER") || hasValue(h.image_type, "SCOUT") || hasValue(h.image_type, "TOPOGRAM"))
    return set(SeriesRole::Localizer, "ImageType " + h.image_type);
  if (h.number_of_frames > 1 || cls == "1.2.840.10008.5.1.4.1.1.2.1" || cls == "1.2.840.10008.5.1.4.1.1.130")
    return set(SeriesRole::Other, "enhanced multi-frame image (not supported)");
  if (hasValue(h.image_type, "MIP") || hasValue(h.image_type, "PROJECTION IMAGE") ||
      hasValue(h.image_type, "SCREEN SAVE") || containsWord(h.series_description, "MIP"))
    return set(SeriesRole::Derived, "projection or screen capture (ImageType " + h.image_type + ")");
  // Without an orientation a series is still a volume candidate: loading it then fails naming the
  // missing attribute (exit 6), instead of the series passing for a reformat.
  if (h.orientation && !isAxial(h)) {
    if (s.modality == "CT" && s.instances.size() <= 3)
      return set(SeriesRole::Localizer, "few non-axial CT images");
    return set(SeriesRole::Derived, "non-axial images (reformat)");
  }
  if (hasValue(h.image_type, "DERIVED") && hasValue(h.image_type, "SECONDARY"))
    return set(SeriesRole::Derived, "ImageType " + h.image_type);
  if (s.instances.size() < 3) return set(SeriesRole::Other, "fewer than 3 axial images: not a volume");
  if (s.modality == "PT") {
    if (hasValue(h.pet.corrected_image, "ATTN"))
      return set(SeriesRole::PetAc, "PET, CorrectedImage includes ATTN");
    return set(SeriesRole::PetNac, "PET without ATTN in CorrectedImage (" +
                                        (h.pet.corrected_image.empty() ? std::string("absent") : h.pet.corrected_image) +
                                        ")");
  }
  return set(SeriesRole::CtVolume, "axial CT, " + std::to_string(s.instances.size()) + " images");
}

void selectSeries(Study& st) {
  st.selected_ct.reset();
  st.selected_pet.reset();
  std::vector<size_t> pets, cts;
  bool nac = false;
  for (size_t i = 0; i < st.series.size(); ++i) {
    const Series& s = st.series[i];
    if (s.role == SeriesRole::PetAc && analyzeGeometry(s).regular()) pets.push_back(i);
    if (s.role == SeriesRole::PetNac) nac = true;
    if (s.role == SeriesRole::CtVolume && analyzeGeometry(s).regular()) cts.push_back(i);
  }
  // PET: the attenuation-corrected volume with the most slices, then the lowest series number.
  std::sort(pets.begin(), pets.end(), [&](size_t a, size_t b) {
    const Series &x = st.series[a], &y = st.series[b];
    if (x.instances.size() != y.instances.size()) return x.instances.size() > y.instances.size();
    return seriesNumber(x) < seriesNumber(y);
  });
  if (!pets.empty()) {
    st.selected_pet = pets.front();
    st.pet_selection_reason = pets.size() == 1 ? "the only regular attenuation-corrected PET volume"
                                               : "most slices among " + std::to_string(pets.size()) +
                                                     " attenuation-corrected PET volumes";
    if (nac) st.pet_selection_reason += "; non-attenuation-corrected PET ignored";
  } else {
    st.pet_selection_reason = nac ? "only non-attenuation-corrected PET: no SUV-capable volume"
                                  : "no regular attenuation-corrected PET volume";
  }
  // CT: same frame of reference as the PET, soft-tissue kernel, widest z coverage, thinnest
  // slices, lowest series number, in that order.
  const std::string pet_for = st.selected_pet ? st.series[*st.selected_pet].first().frame_of_reference_uid : "";
  auto key = [&](size_t i) {
    const Series& s = st.series[i];
    const bool same_for = !pet_for.empty() && s.first().frame_of_reference_uid == pet_for;
    return std::make_tuple(!same_for, isSharpKernel(s.first()), -std::round(zExtent(s) / 5.0), sliceStep(s),
                           seriesNumber(s));
  };
  std::sort(cts.begin(), cts.end(), [&](size_t a, size_t b) { return key(a) < key(b); });
  if (cts.empty()) {
    st.ct_selection_reason = "no regular axial CT volume";
    return;
  }
  st.selected_ct = cts.front();
  const Series& ct = st.series[cts.front()];
  std::string why = cts.size() == 1 ? "the only regular axial CT volume"
                                    : "first of " + std::to_string(cts.size()) + " CT volumes by: same frame of "
                                          "reference as the PET, soft-tissue kernel, widest coverage, thinnest slices";
  if (!pet_for.empty() && ct.first().frame_of_reference_uid != pet_for)
    why += "; warning: not in the PET's frame of reference";
  if (isSharpKernel(ct.first())) why += "; warning: sharp (lung/bone) kernel";
  st.ct_selection_reason = why;
}

Index indexPath(const fs::path& root, const IndexOptions& options) {
  std::error_code ec;
  if (!fs::exists(root, ec)) throw Error(ErrorCode::NoInput, root.string(), "no such file or folder");
  Index index;
  index.root = root;
  const std::vector<fs::path> files = listFiles(root);
  index.files_seen = files.size();
  std::vector<ReadResult> results = readAll(files, options.threads);

  std::map<std::string, Study> studies;
  std::map<std::string, std::map<std::string, Series>> series;  // study uid -> series uid -> series
  std::set<std::string> seen_sop;
  for (ReadResult& r : results) {
    switch (r.outcome) {
      case ReadOutcome::NotDicom:
      case ReadOutcome::Directory:
        ++index.skipped_non_dicom;
        continue;
      case ReadOutcome::Unreadable:
        spdlog::warn("{}: {}", r.header.path.string(), r.problem);
        index.unreadable.push_back({r.header.path, r.problem});
        continue;
      case ReadOutcome::Ok: break;
    }
    InstanceHeader& h = r.header;
    if (!h.sop_instance_uid.empty() && !seen_sop.insert(h.sop_instance_uid).second) {
      ++index.duplicate_instances;
      spdlog::info("{}: same SOP Instance UID as another file; this copy is ignored", h.path.string());
      continue;
    }
    ++index.dicom_instances;
    Study& st = studies[h.study_uid];
    if (st.uid.empty() && !h.study_uid.empty()) {
      st.uid = h.study_uid;
      st.patient_id = h.patient_id;
      st.patient_name = h.patient_name;
      st.date = h.study_date;
      st.time = h.study_time;
      st.description = h.study_description;
    }
    Series& s = series[h.study_uid][h.series_uid];
    if (s.instances.empty()) {
      s.uid = h.series_uid;
      s.modality = h.modality;
    }
    s.instances.push_back(std::move(h));
  }
  for (auto& [uid, st] : studies) {
    for (auto& [suid, s] : series[uid]) {
      classifySeries(s);
      st.series.push_back(std::move(s));
    }
    std::sort(st.series.begin(), st.series.end(), [](const Series& a, const Series& b) {
      return std::make_pair(seriesNumber(a), a.uid) < std::make_pair(seriesNumber(b), b.uid);
    });
    selectSeries(st);
    index.studies.push_back(std::move(st));
  }
  std::sort(index.studies.begin(), index.studies.end(), [](const Study& a, const Study& b) {
    return std::tie(a.date, a.time, a.uid) < std::tie(b.date, b.time, b.uid);
  });
  return index;
}

}  // namespace recap::dicom
