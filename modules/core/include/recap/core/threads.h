#pragma once
// How many threads recap's own parallel work may use.

namespace recap {

// The number of worker threads for recap's parallel work (slice decoding, header reading, the
// tasks of an assessment): ITK_GLOBAL_DEFAULT_NUMBER_OF_THREADS when it holds a positive number
// (recap batch sets it for each case so that concurrent cases share the cores, and ITK's own
// filters follow the same variable), else the number of cores; at least 1.
unsigned workerThreads();

}  // namespace recap
