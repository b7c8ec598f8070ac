// recap phantom: synthetic PET/CT patients with known truth, from a bundled preset or a spec file.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "commands.h"
#include "recap/core/error.h"
#include "recap/core/text.h"
#include "recap/phantom/spec.h"

namespace fs = std::filesystem;

namespace recap::cli {

namespace {

struct PhantomOptions {
  std::string preset, spec, out;
  bool force = false, list = false, fast = false, no_noise = false;
};

// --force may only replace a folder that recap generated (it holds phantom.json), never anything else.
void clearForForce(const fs::path& out) {
  std::error_code ec;
  if (!fs::exists(out, ec) || fs::is_empty(out, ec)) return;
  if (!fs::exists(out / "phantom.json"))
    throw Error(ErrorCode::Output, out.string(),
                "is not empty and was not made by recap phantom (no phantom.json): not replacing it");
  fs::remove_all(out, ec);
  if (ec) throw Error(ErrorCode::Output, out.string(), "cannot remove the previous phantom: " + ec.message());
}

void printSummary(const phantom::PhantomSpec& spec, const std::vector<phantom::TimepointTruth>& truths) {
  std::printf("%s: patient %s, %zu timepoints, %zu lesions\n", spec.name.c_str(), spec.patient.id.c_str(),
              spec.timepoints.size(), spec.lesions.size());
  for (size_t t = 0; t < truths.size(); ++t) {
    const auto& tp = spec.timepoints[t];
    auto suv = [](double v) { return std::isnan(v) ? std::string("n/a (outside the PET)") : recap::fixed(v, 2); };
    std::printf("  %-10s %s  expected CT %-3s Deauville %d  liver %s  blood pool %s  spleen %.0f mm\n",
                tp.label.c_str(), tp.date.c_str(), tp.expected.ct_response.empty() ? "-" : tp.expected.ct_response.c_str(),
                tp.expected.deauville, suv(truths[t].liver_suv_mean).c_str(), suv(truths[t].blood_pool_suv_mean).c_str(),
                truths[t].spleen_length_mm);
    for (const auto& l : truths[t].lesions)
      if (l.present)
        std::printf("    %-4s LDi %5.1f  SDi %5.1f  PPD %7.1f  SUVmax %5.2f  centre [%.1f, %.1f, %.1f]\n", l.id.c_str(),
                    l.ldi_mm, l.sdi_mm, l.ppd_mm2, l.suv_max, l.centre_mm[0], l.centre_mm[1], l.centre_mm[2]);
  }
}

int runPhantom(const PhantomOptions& o) {
  if (o.list) {
    for (const auto& name : phantom::presetNames()) {
      const auto spec = phantom::parseSpec(phantom::presetYaml(name), "preset " + name);
      std::printf("%-16s %s\n", name.c_str(), spec.description.substr(0, spec.description.find('.') + 1).c_str());
    }
    return 0;
  }
  if (o.preset.empty() == o.spec.empty()) throw Error(ErrorCode::Usage, "", "give exactly one of --preset or --spec");
  if (o.out.empty()) throw Error(ErrorCode::Usage, "", "--out is required");
  phantom::PhantomSpec spec = o.spec.empty() ? phantom::parseSpec(phantom::presetYaml(o.preset), "preset " + o.preset)
                                             : phantom::loadSpecFile(o.spec);
  if (spec.name.empty()) spec.name = o.preset;
  const fs::path out(o.out);
  if (o.force) clearForForce(out);
  phantom::GenerateOptions g;
  g.noise = !o.no_noise;
  if (o.fast) {
    g.ct_matrix = 256;
    g.ct_pixel_mm = 1.8;
    g.pet_matrix = 128;
    g.pet_pixel_mm = 5.0;
  }
  const auto start = std::chrono::steady_clock::now();
  const auto truths = phantom::generate(spec, out, g);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  printSummary(spec, truths);
  spdlog::info("wrote {} timepoints to {} in {:.1f} s", truths.size(), out.string(), seconds);
  return 0;
}

}  // namespace

void addPhantomCommand(CLI::App& app, Action& action) {
  auto opts = std::make_shared<PhantomOptions>();
  CLI::App* cmd = app.add_subcommand("phantom", "Generate a synthetic PET/CT patient with known truth (DICOM + truth.json)");
  cmd->add_option("--preset", opts->preset, "a bundled preset (see --list)");
  cmd->add_option("--spec", opts->spec, "a phantom spec file (YAML, docs/phantom.md)");
  cmd->add_option("-o,--out", opts->out, "output folder (must be empty)");
  cmd->add_flag("--force", opts->force, "replace an output folder made by an earlier recap phantom");
  cmd->add_flag("--list", opts->list, "list the bundled presets");
  cmd->add_flag("--fast", opts->fast, "coarser grids (CT 1.8 mm, PET 5 mm) for quick tries");
  cmd->add_flag("--no-noise", opts->no_noise, "noise-free CT and PET");
  cmd->callback([opts, &action] { action = [opts] { return runPhantom(*opts); }; });
}

}  // namespace recap::cli
