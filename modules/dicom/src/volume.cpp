#include "recap/dicom/volume.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <mutex>
#include <thread>

#include "recap/core/error.h"
#include "recap/core/threads.h"
#include "slice.h"

namespace recap::dicom {

namespace {

Image::Pointer allocate(const Geometry& g) {
  Image::Pointer image = Image::New();
  Image::SizeType size;
  Image::SpacingType spacing;
  Image::PointType origin;
  Image::DirectionType direction;
  for (unsigned i = 0; i < 3; ++i) {
    size[i] = static_cast<Image::SizeValueType>(g.size[i]);
    spacing[i] = g.spacing[i];
    origin[i] = g.origin[i];
    for (unsigned j = 0; j < 3; ++j) direction(i, j) = g.direction[i * 3 + j];
  }
  image->SetRegions(Image::RegionType(size));
  image->SetSpacing(spacing);
  image->SetOrigin(origin);
  image->SetDirection(direction);
  image->Allocate();
  return image;
}

double petScale(const Series& s, const LoadOptions& options, Volume& v) {
  const InstanceHeader& h = s.first();
  if (options.pet_units == PetUnits::Raw) {
    v.units = h.pet.units.empty() ? "unknown" : h.pet.units;
    return 1.0;
  }
  std::vector<suv::PetHeader> headers;
  headers.reserve(s.instances.size());
  for (const InstanceHeader& i : s.instances) headers.push_back(i.pet);
  v.suv = suv::computeSuv(headers, s.label());
  if (options.pet_units == PetUnits::Sul) {
    if (!v.suv->sul_ratio)
      throw Error(ErrorCode::MissingMetadata, s.label(),
                  "SUL needs PatientSex (0010,0040) M or F and PatientSize (0010,1020)");
    v.units = "SUL";
    return v.suv->bw_factor * *v.suv->sul_ratio;
  }
  v.units = "SUVbw";
  return v.suv->bw_factor;
}

}  // namespace

Volume loadVolume(const Series& s, const LoadOptions& options) {
  Volume v;
  v.geometry = analyzeGeometry(s);
  if (!v.geometry.regular()) throw Error(*v.geometry.problem_code, s.label(), v.geometry.problem);
  detail::checkDecodable(s);
  double scale = 1.0;
  if (s.modality == "PT") {
    scale = petScale(s, options, v);
  } else {
    v.units = s.modality == "CT" ? "HU" : "rescaled";
  }
  v.image = allocate(v.geometry);
  float* data = v.image->GetBufferPointer();
  const size_t per_slice = static_cast<size_t>(v.geometry.size[0]) * static_cast<size_t>(v.geometry.size[1]);
  const auto& order = v.geometry.slice_order;

  std::atomic<size_t> next{0};
  std::mutex error_mutex;
  std::exception_ptr error;
  auto work = [&] {
    for (size_t k = next++; k < order.size(); k = next++) {
      try {
        detail::decodeSlice(s.instances[order[k]], data + k * per_slice, scale);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
        next = order.size();
      }
    }
  };
  unsigned threads = options.threads ? options.threads : workerThreads();
  threads = static_cast<unsigned>(std::min<size_t>(threads, order.size()));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);

  v.integral = s.modality == "CT" && std::all_of(s.instances.begin(), s.instances.end(), [](const InstanceHeader& h) {
                 return h.rescale_slope == 1.0 && h.rescale_intercept == std::round(h.rescale_intercept);
               });
  for (const std::string& w : v.geometry.warnings) spdlog::warn("{}: {}", s.label(), w);
  return v;
}

}  // namespace recap::dicom
