// Graceful shutdown for long-running binaries: SIGTERM and SIGINT are
// blocked in every thread and received synchronously, so shutdown runs in
// normal code (flush checkpoints, close listeners) rather than in a handler.
#pragma once

#include <chrono>

namespace dm {

// Blocks SIGTERM, SIGINT and SIGHUP for the calling thread and every thread it
// creates afterwards. Call first thing in main(), before any thread starts.
void BlockTerminationSignals();

// Waits until SIGTERM, SIGINT or SIGHUP arrives and returns its number.
// REQUIRES: BlockTerminationSignals() ran on this thread.
int WaitForTerminationSignal();

// As WaitForTerminationSignal(), but gives up after `timeout` and returns 0.
int WaitForTerminationSignalFor(std::chrono::milliseconds timeout);

}  // namespace dm
