// A dm-worker in cluster mode (DESIGN.md §2, dm-spec §1.3): it keeps a lease
// through the masters and converges to the state they hold for it: the one
// source it is bound to and that source's subtasks with their expected
// stages. A worker whose keepalive has failed for half its TTL stops every
// subtask by itself; the master rebinds the source only after the whole TTL,
// so two workers never serve one source.
//
// It serves, on its one port, GET /apis/v1alpha1/status/{task} (its part of
// query-status, which the master merges), GET /apis/v1alpha1/config/self
// (its running config as TOML, secrets hidden, for get-config worker),
// PUT /apis/v1alpha1/schema (binlog-schema on a paused subtask, as DM's
// OperateWorkerSchema), /status and /metrics.
#pragma once

#include <iosfwd>

#include "common/encrypt.h"
#include "config/worker_config.h"

namespace dm::worker {

// Runs until SIGTERM/SIGINT/SIGHUP, then stops every subtask (checkpoints are
// flushed, so the next worker resumes from them). Returns the exit code.
// REQUIRES: BlockTerminationSignals() ran; `cfg` passed ValidateWorkerCluster.
int RunClusterWorker(const config::WorkerConfig& cfg, const crypto::SecretKey& key, std::ostream& err);

}  // namespace dm::worker
