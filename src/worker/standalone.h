// Standalone mode (DESIGN.md §2): one dm-worker process runs one task for the
// sources given on the command line, with no master and no etcd. It serves
// /status, /metrics and GET /apis/v1alpha1/status/{task} (the body of
// `dmctl query-status {task}`) on the worker address while it runs.
#pragma once

#include <iosfwd>

#include "config/worker_config.h"
#include "worker/worker_app.h"

namespace dm::worker {

// Runs every subtask of `inputs` in parallel and returns the exit code:
// 0 when all finished (task-mode full), 1 when one failed (the others are
// stopped; the error goes to `err`) or SIGTERM/SIGINT interrupted the run
// (checkpoints are kept, so a rerun resumes).
int RunStandalone(const StandaloneInputs& inputs, const config::WorkerConfig& cfg, std::ostream& err);

}  // namespace dm::worker
