// dm-worker as a library: flags, config loading and the process lifecycle.
// cmd/dm-worker/main.cc only forwards argv here, so tests run it in-process.
//
// Two modes (DESIGN.md §2):
//  - standalone: `--task TASK.yaml --source SRC.yaml [--source ...]` runs one
//    task for the given sources, with no master;
//  - cluster: `--config dm-worker.toml` (or flags) joins the masters.
// Both serve /status and /metrics on the worker address (default :8262).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/source_config.h"
#include "config/task_config.h"

namespace dm::worker {

// Returns the process exit code: 0 success, 1 runtime/config error, 2 usage.
// Diagnostics name the file, line and key of any bad config value.
int RunWorker(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

// A standalone run's inputs after loading: the task and, for each of its
// mysql-instances, the source config with the same source-id.
struct StandaloneInputs {
  config::TaskConfig task;
  std::vector<config::SourceConfig> sources;  // in mysql-instances order
  std::vector<std::string> warnings;
  bool exit_when_synced = false;  // --exit-when-synced
  std::string start_time;         // --start-time ("" when not given)
};

// Loads and cross-checks the task and source files: every instance's
// source-id must come from exactly one --source file, and every --source
// file must be used by the task. `secret_key_path` empty means DM's key.
Result<StandaloneInputs> LoadStandaloneInputs(const std::string& task_file,
                                              const std::vector<std::string>& source_files,
                                              const std::string& secret_key_path);

}  // namespace dm::worker
