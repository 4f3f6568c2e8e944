#include "worker/standalone.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <ostream>
#include <thread>
#include <vector>

#include "check/precheck.h"
#include "common/log.h"
#include "common/signals.h"
#include "http/server.h"
#include "unit/query_status.h"
#include "unit/subtask.h"
#include "worker/task_metrics.h"

namespace dm::worker {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kPollInterval = std::chrono::milliseconds(500);
constexpr auto kLogProgressEvery = std::chrono::seconds(10);

struct RunningSubTask {
  std::unique_ptr<unit::SubTask> subtask;
  Status result;
  std::atomic<bool> done{false};
  std::jthread thread;
};

std::string HumanBytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int i = 0;
  while (bytes >= 1024 && i < 4) {
    bytes /= 1024;
    ++i;
  }
  return fmt::format("{:.1f} {}", bytes, units[i]);
}

// One line per subtask: which unit, how far, how fast, and when it ends.
std::string ProgressLine(const unit::SubTaskStatus& s) {
  if (s.unit == unit::UnitKind::kDump) {
    return fmt::format("{} dump: tables {}/{}, rows {}, {} ({}/s)", s.source_id, s.dump.completed_tables,
                       s.dump.total_tables, s.dump.finished_rows, HumanBytes(static_cast<double>(s.dump.finished_bytes)),
                       HumanBytes(static_cast<double>(s.dump.bps)));
  }
  if (s.unit == unit::UnitKind::kLoad) {
    std::string eta = "-";
    if (s.load.bps > 0 && s.load.total_bytes >= s.load.finished_bytes) {
      eta = fmt::format("{}s", (s.load.total_bytes - s.load.finished_bytes) / s.load.bps);
    }
    return fmt::format("{} load: {} of {} ({}), {}/s, ETA {}", s.source_id,
                       HumanBytes(static_cast<double>(s.load.finished_bytes)),
                       HumanBytes(static_cast<double>(s.load.total_bytes)), s.load.progress,
                       HumanBytes(static_cast<double>(s.load.bps)), eta);
  }
  if (s.unit == unit::UnitKind::kSync) {
    return fmt::format("{} sync: at {}, upstream at {}, {} row changes applied, {} txn/s, {}s behind{}", s.source_id,
                       s.sync.syncer_binlog, s.sync.master_binlog, s.sync.total_events, s.sync.total_tps,
                       s.sync.seconds_behind_master, s.sync.synced ? ", synced" : "");
  }
  return fmt::format("{} {}", s.source_id, unit::StageName(s.stage));
}

// As DM's start-task: a task that starts (no checkpoint in the target yet)
// is prechecked first, and failing items keep it from starting; warnings are
// logged. A rerun that resumes from checkpoints is not prechecked again, as
// DM's resume-task and worker restarts are not. Returns the exit code, 0 to
// go on.
int RunPrecheckIfStarting(const StandaloneInputs& inputs, std::ostream& err) {
  auto checked = check::PrecheckBeforeStart(inputs.task, inputs.sources);
  if (!checked.ok()) {
    err << "dm-worker: precheck: " << checked.status().message() << "\n";
    return 1;
  }
  if (!checked->report) return 0;
  if (!check::Passed(*checked->report)) {
    err << "dm-worker: the precheck of task '" << inputs.task.name
        << "' failed, so the task was not started; fix what it names (or list the item in "
           "ignore-checking-items if you accept the risk):\n"
        << checked->message << "\n";
    return 1;
  }
  if (checked->report->summary.warning > 0) {
    log::Warn("precheck passed with warnings", {{"task", inputs.task.name}, {"report", checked->message}});
  }
  return 0;
}

}  // namespace

int RunStandalone(const StandaloneInputs& inputs, const config::WorkerConfig& cfg, std::ostream& err) {
  const std::string& task = inputs.task.name;
  if (int code = RunPrecheckIfStarting(inputs, err); code != 0) return code;
  std::vector<std::unique_ptr<RunningSubTask>> running;
  for (size_t i = 0; i < inputs.task.mysql_instances.size(); ++i) {
    auto entry = std::make_unique<RunningSubTask>();
    entry->subtask =
        std::make_unique<unit::SubTask>(inputs.task, inputs.task.mysql_instances[i], inputs.sources[i],
                                        inputs.exit_when_synced, unit::StartTimeArg{inputs.start_time, std::nullopt});
    running.push_back(std::move(entry));
  }
  auto snapshots = [&running] {
    std::vector<unit::SubTaskStatus> out;
    for (auto& r : running) out.push_back(r->subtask->Snapshot());
    return out;
  };

  http::MetricsRegistry metrics;
  TaskMetrics task_metrics(metrics);
  http::Server server(&metrics, http::TlsOptions{cfg.security.ssl_ca, cfg.security.ssl_cert, cfg.security.ssl_key,
                                                 cfg.security.cert_allowed_cn});
  server.Handle("GET", "/apis/v1alpha1/status/([^/]+)", [&](const http::Request& req) {
    if (req.captures.at(1) != task) {
      return http::Response{404, "application/json",
                            fmt::format(R"({{"result": false, "msg": "task {} not found"}})", req.captures.at(1))};
    }
    return http::Response{200, "application/json", unit::QueryStatusJson(snapshots(), cfg.name)};
  });
  if (Status s = server.Listen("worker-addr", cfg.worker_addr); !s.ok()) {
    err << "dm-worker: " << s.message() << "\n";
    return 1;
  }
  log::Info("standalone task starts", {{"task", task}, {"task_mode", config::EnumToString(inputs.task.task_mode)},
                                       {"sources", running.size()},
                                       {"address", server.bound_address()}});

  for (auto& r : running) {
    RunningSubTask* entry = r.get();
    entry->thread = std::jthread([entry](std::stop_token stop) {
      entry->result = entry->subtask->Run(stop);
      entry->done.store(true);
    });
  }

  const bool tty = isatty(STDERR_FILENO) == 1 && cfg.log_file.empty();
  auto last_log = Clock::now();
  bool interrupted = false;
  while (true) {
    bool all_done = true;
    bool failed = false;
    for (auto& r : running) {
      bool done = r->done.load();
      all_done = all_done && done;
      failed = failed || (done && !r->result.ok());
    }
    std::vector<unit::SubTaskStatus> states = snapshots();
    task_metrics.Update(states, cfg.name);
    if (all_done || failed || interrupted) break;
    if (tty) {
      std::string line;
      for (const auto& s : states) line += (line.empty() ? "" : " | ") + ProgressLine(s);
      err << "\r\033[K" << line << std::flush;
    } else if (Clock::now() - last_log >= kLogProgressEvery) {
      last_log = Clock::now();
      for (const auto& s : states) log::Info("progress", {{"task", task}, {"status", ProgressLine(s)}});
    }
    if (int signal_number = WaitForTerminationSignalFor(kPollInterval); signal_number != 0) {
      log::Info("received signal, stopping the task; checkpoints are kept", {{"signal", signal_number}});
      interrupted = true;
    }
  }
  if (tty) err << "\r\033[K";
  for (auto& r : running) r->thread.request_stop();
  for (auto& r : running) r->thread.join();
  server.Stop();

  int code = 0;
  for (auto& r : running) {
    if (r->result.ok()) continue;
    if (r->result.code() == StatusCode::kCancelled && !interrupted) continue;  // stopped because another failed
    err << "dm-worker: " << r->result.message() << "\n";
    code = 1;
  }
  if (code == 0 && interrupted) {
    err << "dm-worker: interrupted; run the same command again to resume from the checkpoints\n";
    code = 1;
  }
  if (code == 0) {
    for (const auto& s : snapshots()) log::Info("subtask finished", {{"task", task}, {"source", s.source_id}});
    log::Info("task finished", {{"task", task}});
  }
  return code;
}

}  // namespace dm::worker
