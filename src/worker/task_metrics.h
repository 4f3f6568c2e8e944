// DM's per-subtask worker metrics (dm-spec §7), set from subtask snapshots by
// both the standalone run and a cluster worker.
#pragma once

#include <string>
#include <vector>

#include "http/metrics.h"
#include "unit/subtask.h"

namespace dm::worker {

class TaskMetrics {
 public:
  // Registers the families in `metrics`, which must outlive this object.
  explicit TaskMetrics(http::MetricsRegistry& metrics);

  // Sets every series of `subtasks`, labelled with `worker`'s name.
  void Update(const std::vector<unit::SubTaskStatus>& subtasks, const std::string& worker);

 private:
  http::MetricFamily& task_state_;
  http::MetricFamily& replication_lag_;
  http::MetricFamily& finished_jobs_;
  http::MetricFamily& binlog_file_;
};

}  // namespace dm::worker
