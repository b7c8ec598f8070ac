#include "recap/core/threads.h"

#include <algorithm>
#include <cstdlib>
#include <thread>

namespace recap {

unsigned workerThreads() {
  if (const char* env = std::getenv("ITK_GLOBAL_DEFAULT_NUMBER_OF_THREADS")) {
    char* end = nullptr;
    const long n = std::strtol(env, &end, 10);
    if (end != env && *end == '\0' && n > 0) return unsigned(std::min(n, 1024L));
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace recap
