// DICOM SCU of `recap listen`: C-ECHO and C-STORE with retries.
#pragma once

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include "recap/listen/config.h"

namespace recap::listen {

// C-ECHO from `calling_ae` to the destination; "" when it answered success, else the reason.
std::string echo(const std::string& calling_ae, const Destination& to, int timeout_s = 10);

// Sends `files` in one association; "" on success, else the reason of the first failure.
std::string storeOnce(const std::string& calling_ae, const Destination& to,
                      const std::vector<std::filesystem::path>& files, int timeout_s = 30);

// storeOnce up to `attempts` times, waiting backoff_s, 2 backoff_s, ... between them (cut short
// when `stop` becomes true). "" on success, else the last reason.
std::string storeWithRetries(const std::string& calling_ae, const Destination& to,
                             const std::vector<std::filesystem::path>& files, int attempts, double backoff_s,
                             const std::atomic<bool>& stop);

}  // namespace recap::listen
