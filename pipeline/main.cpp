// recap: tumour response assessment on PET/CT for lymphoma trials.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <malloc.h>

#include <iostream>

#include "commands.h"
#include "recap/core/error.h"
#include "recap/core/log.h"

namespace {

std::string exitCodeHelp() {
  std::string text = "Exit codes:\n  0  success\n";
  for (const auto& e : recap::errorCodeTable())
    text += "  " + std::to_string(recap::exitCode(e.code)) + (recap::exitCode(e.code) < 10 ? "  " : " ") +
            e.description + "\n";
  return text + "Full list: docs/exit-codes.md";
}

}  // namespace

int main(int argc, char** argv) {
  // Volumes and their working copies (tens of MB each) are allocated and freed many times per run.
  // glibc's defaults hand blocks of this size back to the kernel at every free, and every new one
  // then faults its pages in again, zeroed: a third of `recap assess`'s CPU time went to that. Keep
  // freed memory in the process for reuse instead (up to glibc's 32 MB mmap ceiling; larger blocks
  // are still mapped and unmapped). Peak memory is unchanged (docs/performance.md).
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
  mallopt(M_TOP_PAD, 64 * 1024 * 1024);
  CLI::App app{"recap " RECAP_VERSION " - tumour response assessment on PET/CT (Lugano 2014, Deauville)"};
  app.set_version_flag("--version", "recap " RECAP_VERSION);
  app.footer(exitCodeHelp());
  app.require_subcommand(1);
  app.fallthrough();  // global flags (-v, -q) may also follow the subcommand
  bool verbose = false, quiet = false;
  app.add_flag("-v,--verbose", verbose, "log debug details on stderr");
  app.add_flag("-q,--quiet", quiet, "log only errors on stderr");

  recap::cli::Action action;
  recap::cli::addInfoCommand(app, action);
  recap::cli::addConvertCommand(app, action);
  recap::cli::addPhantomCommand(app, action);
  recap::cli::addAssessCommand(app, action);
  recap::cli::addBatchCommand(app, action);
  recap::cli::addValidateCommand(app, action);
  recap::cli::addListenCommand(app, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return recap::exitCode(recap::ErrorCode::Usage);
  }
  recap::initLogging(quiet ? recap::LogLevel::Error : verbose ? recap::LogLevel::Debug : recap::LogLevel::Info);
  try {
    return action();
  } catch (const recap::Error& e) {
    spdlog::error("{}", e.what());
    return recap::exitCode(e.code());
  } catch (const std::exception& e) {
    spdlog::error("internal error: {}", e.what());
    return recap::exitCode(recap::ErrorCode::Internal);
  }
}
