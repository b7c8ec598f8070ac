// recap_bench_reference [Google Benchmark flags]
//
// The automatic reference-region finders (modules/reference) on a full-resolution rendered timepoint:
// CT 512 x 512 at 0.9 mm with 3 mm slices over z -330..210 (181 slices), PET 180 x 180 at 4 mm. The
// phantom is rendered once before the benchmarks (its time is printed, not measured). Timed:
//   Prepare    the CT analysis the finders share (binning to ~2 mm, smoothing, body, lungs, spine)
//   Liver, BloodPool, Spleen   each finder plus its PET statistics, on a prepared timepoint
//   All        a fresh timepoint: preparation and the three finders, as the pipeline runs them
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <memory>

#include "phantom_image.h"
#include "recap/phantom/model.h"
#include "recap/reference/reference.h"

namespace {

namespace phantom = recap::phantom;
namespace reference = recap::reference;

struct Data {
  recap::dicom::Image::Pointer ct, pet;
  phantom::TimepointTruth truth;
};

const Data& data() {
  static const Data d = [] {
    phantom::CtGrid ct;
    ct.matrix = 512;
    ct.pixel_mm = 0.9;
    ct.slice_mm = 3.0;
    ct.z_from_mm = -330;
    ct.z_to_mm = 210;
    phantom::PetGrid pet;
    pet.matrix = 180;
    pet.pixel_mm = 4.0;
    pet.slice_mm = 3.0;
    pet.z_from_mm = -330;
    pet.z_to_mm = 210;
    phantom::Pose pose;
    pose.shift_mm = {12, -8, 5};
    pose.rotation_deg = {1, -2, 3};
    const auto t0 = std::chrono::steady_clock::now();
    const phantom::Rendered r = phantom::render({}, phantom::Physiology{}, 0, pose, ct, pet, phantom::RenderOptions{});
    std::printf("rendered CT %dx%dx%d and PET %dx%dx%d in %.1f s\n", r.ct.cols, r.ct.rows, r.ct.slices, r.pet.cols,
                r.pet.rows, r.pet.slices, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    return Data{recap::testing::toImage(r.ct), recap::testing::toImage(r.pet), r.truth};
  }();
  return d;
}

const reference::Timepoint& prepared() {
  static const std::unique_ptr<reference::Timepoint> t = [] {
    auto p = std::make_unique<reference::Timepoint>(data().ct, data().pet);
    p->prepare();
    return p;
  }();
  return *t;
}

void Prepare(benchmark::State& state) {
  for (auto _ : state) {
    reference::Timepoint t(data().ct, data().pet);
    t.prepare();
  }
}

void Liver(benchmark::State& state) {
  const reference::Timepoint& t = prepared();
  reference::LiverRegion r;
  for (auto _ : state) benchmark::DoNotOptimize(r = t.liver());
  state.counters["suv_mean"] = r.suv_mean;
  state.counters["truth"] = data().truth.liver_suv_mean;
}

void BloodPool(benchmark::State& state) {
  const reference::Timepoint& t = prepared();
  reference::BloodPoolRegion r;
  for (auto _ : state) benchmark::DoNotOptimize(r = t.bloodPool());
  state.counters["suv_mean"] = r.suv_mean;
  state.counters["truth"] = data().truth.blood_pool_suv_mean;
}

void Spleen(benchmark::State& state) {
  const reference::Timepoint& t = prepared();
  reference::SpleenRegion r;
  for (auto _ : state) benchmark::DoNotOptimize(r = t.spleen());
  state.counters["length_mm"] = r.length_mm;
  state.counters["truth"] = data().truth.spleen_length_mm;
}

void All(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(reference::findReferenceRegions(data().ct, data().pet));
}

BENCHMARK(Prepare)->Unit(benchmark::kMillisecond)->Iterations(5);
BENCHMARK(Liver)->Unit(benchmark::kMillisecond)->Iterations(5);
BENCHMARK(BloodPool)->Unit(benchmark::kMillisecond)->Iterations(5);
BENCHMARK(Spleen)->Unit(benchmark::kMillisecond)->Iterations(5);
BENCHMARK(All)->Unit(benchmark::kMillisecond)->Iterations(5);

}  // namespace

int main(int argc, char** argv) {
  data();  // render before timing
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
