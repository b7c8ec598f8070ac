// The Storage SCP of `recap listen`: DCMTK's DcmSCP, one association at a time, the verification and storage SOP classes with the common transfer
// syntaxes, calling AE titles checked against the allow-list. Each C-STORE is received into
// <archive>/.incoming, committed to the archive and recorded in the queue before it is answered.
#pragma once

#include <memory>

#include "recap/listen/config.h"
#include "recap/listen/queue.h"

namespace recap::listen {

class StorageServer {
 public:
  StorageServer(const Config& config, Queue& queue);
  ~StorageServer();
  // Opens the port (Error(Output) naming the port if it cannot) and serves until stop().
  void run();
  // Makes run() return after the current association (within about a second when idle).
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace recap::listen
