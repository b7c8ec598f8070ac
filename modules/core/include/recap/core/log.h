// Logging: human-readable lines with levels on stderr; stdout stays free for machine output.
#pragma once

namespace recap {

enum class LogLevel { Debug, Info, Warn, Error, Off };

// Sets up the default spdlog logger to write "[level] message" to stderr. Safe to call again.
void initLogging(LogLevel level);

}  // namespace recap
