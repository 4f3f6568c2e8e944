// ClusterView: everything dm-master keeps in etcd, read in one pass and
// decoded (keys in master/keys.h). The leader plans bindings from it, and
// every master answers dmctl and workers from it. Values are small JSON
// documents, except source and task files, kept as the YAML the user gave.
#pragma once

#include <map>
#include <string>
#include <utility>

#include "common/status.h"
#include "etcd/client.h"

namespace dm::master {

// The stage a subtask is expected to be in; workers converge to it.
enum class ExpectedStage { kRunning, kPaused };
std::string_view ExpectedStageName(ExpectedStage stage);  // "Running", "Paused"
Result<ExpectedStage> ParseExpectedStage(std::string_view name);

struct WorkerRecord {
  std::string name;
  std::string address;        // advertise address of its API
  bool alive = false;         // its keepalive lease is live
  std::string bound_source;   // empty: free (when alive) or offline
  std::string last_source;    // the source it served before
};

struct SubTaskRecord {
  std::string task;
  std::string source;
  std::string task_yaml;
  ExpectedStage stage = ExpectedStage::kRunning;
  std::string start_time;  // start-task --start-time, empty when not given
};

using TaskSource = std::pair<std::string, std::string>;  // (task, source-id)

struct ClusterView {
  std::map<std::string, WorkerRecord> workers;           // by name
  std::map<std::string, std::string> sources;            // source-id -> source.yaml text
  std::map<std::string, std::string> bound;              // source-id -> worker
  std::map<TaskSource, SubTaskRecord> subtasks;
  std::map<TaskSource, std::string> load_workers;        // worker holding the dump files
  int64_t revision = 0;

  // Task names with at least one subtask, sorted.
  std::vector<std::string> TaskNames() const;
  // The subtasks of `task` (sorted by source), optionally only those sources.
  std::vector<const SubTaskRecord*> SubTasksOf(const std::string& task,
                                               const std::vector<std::string>& only_sources = {}) const;
};

// Reads and decodes every prefix. Corruption names the key that does not decode.
Result<ClusterView> ReadClusterView(etcd::Client& client);

// The JSON values stored under the keys.
std::string BindingValue(const std::string& source, const std::string& worker);
std::string StageValue(const std::string& task, const std::string& source, ExpectedStage stage);
std::string RegistrationValue(const std::string& worker, const std::string& address);

}  // namespace dm::master
