#include "recap/core/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace recap {

void initLogging(LogLevel level) {
  auto logger = spdlog::stderr_logger_mt("recap");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("[%l] %v");
  switch (level) {
    case LogLevel::Debug: spdlog::set_level(spdlog::level::debug); break;
    case LogLevel::Info: spdlog::set_level(spdlog::level::info); break;
    case LogLevel::Warn: spdlog::set_level(spdlog::level::warn); break;
    case LogLevel::Error: spdlog::set_level(spdlog::level::err); break;
    case LogLevel::Off: spdlog::set_level(spdlog::level::off); break;
  }
}

}  // namespace recap
