#include "worker/task_metrics.h"

#include "binlog/location.h"

namespace dm::worker {

TaskMetrics::TaskMetrics(http::MetricsRegistry& metrics)
    : task_state_(metrics.Gauge("dm_worker_task_state",
                                "state of task, 0 - invalid, 1 - New, 2 - Running, 3 - Paused, 4 - Stopped, 5 - Finished",
                                {"task", "source_id", "worker"})),
      replication_lag_(metrics.Gauge("dm_syncer_replication_lag",
                                     "seconds between the upstream writing the last applied transaction and now",
                                     {"task", "source_id", "worker"})),
      finished_jobs_(metrics.Gauge("dm_syncer_finished_jobs_total", "row changes and DDLs applied by the syncer",
                                   {"task", "source_id", "worker"})),
      binlog_file_(metrics.Gauge("dm_syncer_binlog_file", "index of the binlog file the syncer is at",
                                 {"task", "source_id", "worker", "node"})) {}

void TaskMetrics::Update(const std::vector<unit::SubTaskStatus>& subtasks, const std::string& worker) {
  for (const unit::SubTaskStatus& s : subtasks) {
    task_state_.WithLabels({s.task, s.source_id, worker}).Set(static_cast<double>(s.stage));
    if (!s.sync_started) continue;
    replication_lag_.WithLabels({s.task, s.source_id, worker}).Set(static_cast<double>(s.sync.seconds_behind_master));
    finished_jobs_.WithLabels({s.task, s.source_id, worker}).Set(static_cast<double>(s.sync.total_events));
    if (auto file = binlog::ParseBinlogFileName(s.sync.binlog_file); file.ok()) {
      binlog_file_.WithLabels({s.task, s.source_id, worker, "syncer"}).Set(static_cast<double>(file->index));
    }
  }
}

}  // namespace dm::worker
