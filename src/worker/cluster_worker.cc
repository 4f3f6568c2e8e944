#include "worker/cluster_worker.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <nlohmann/json.hpp>
#include <ostream>
#include <thread>

#include "common/errors.h"
#include "common/log.h"
#include "common/signals.h"
#include "common/strings.h"
#include "config/source_config.h"
#include "config/task_config.h"
#include "config/toml_encoder.h"
#include "http/client.h"
#include "http/server.h"
#include "sync/binlog_schema.h"
#include "unit/query_status.h"
#include "unit/subtask.h"
#include "worker/task_metrics.h"

namespace dm::worker {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr auto kReconcileInterval = std::chrono::milliseconds(200);
constexpr auto kMinRetryBackoff = std::chrono::seconds(1);
constexpr auto kMaxRetryBackoff = std::chrono::minutes(5);

struct DesiredSubTask {
  std::string task;
  std::string task_yaml;
  bool running = true;
  int64_t stage_revision = 0;  // changes with every pause/resume, even to the same stage
  // start-task --start-time, until this worker reports it consumed (the
  // master then deletes it): the time, the checkpoint when start-task stored
  // it (unit::StartTimeArg) and the revision of that etcd key.
  std::string start_time;
  std::string start_time_checkpoint;
  int64_t start_time_revision = 0;
};

// What the masters want this worker to do, as of the last keepalive.
struct DesiredState {
  std::string source;
  std::string source_yaml;
  std::vector<DesiredSubTask> subtasks;
};

// One subtask of the bound source and the thread running it.
struct Runner {
  std::string task_yaml;
  int64_t stage_revision = 0;
  int64_t start_time_revision = 0;  // of the --start-time the subtask started with; 0: none
  std::unique_ptr<unit::SubTask> subtask;  // null when it never started (paused, or a bad task file)
  // What binlog-schema operates on; nullopt when the task file is bad.
  std::optional<sync::BinlogSchemaScope> schema_scope;
  unit::SubTaskStatus idle;                // what to report while `subtask` is null
  std::jthread thread;
  std::atomic<bool> done{false};
  Status result;       // valid once done
  bool paused = false;  // stopped by pause-task
  std::chrono::seconds backoff{0};
  Clock::time_point retry_at;

  bool running() const { return subtask != nullptr && thread.joinable() && !done.load(); }

  unit::SubTaskStatus Snapshot() {
    unit::SubTaskStatus s = subtask ? subtask->Snapshot() : idle;
    if (paused) s.stage = unit::Stage::kPaused;
    return s;
  }

  void StopAndJoin() {
    if (thread.joinable()) {
      thread.request_stop();
      thread.join();
    }
  }
};

std::string StripScheme(std::string address) {
  if (auto scheme = address.find("://"); scheme != std::string::npos) address = address.substr(scheme + 3);
  return address;
}

Result<DesiredState> ParseDesired(const std::string& text) {
  json body = json::parse(text, nullptr, false);
  if (!body.is_object()) return Status::Internal("the master's keepalive answer is not a JSON object");
  if (!body.value("result", false)) return Status::Unavailable(body.value("msg", "keepalive refused"));
  DesiredState state;
  state.source = body.value("source", "");
  state.source_yaml = body.value("source_config", "");
  for (const json& s : body.value("subtasks", json::array())) {
    state.subtasks.push_back({s.value("task", ""), s.value("task_config", ""), s.value("stage", "") != "Paused",
                              s.value("stage_revision", int64_t{0}), s.value("start_time", ""),
                              s.value("start_time_checkpoint", ""), s.value("start_time_revision", int64_t{0})});
  }
  return state;
}

// DM's SchemaOp of an OperateWorkerSchema request: its name (as dmctl
// sends it) or number (as DM's HTTP API accepts it).
enum class SchemaOp { kGet = 1, kSet = 2, kRemove = 3 };

std::optional<SchemaOp> ParseSchemaOp(const json& op) {
  static const std::map<std::string, SchemaOp> kNames = {
      {"GetSchema", SchemaOp::kGet}, {"SetSchema", SchemaOp::kSet}, {"RemoveSchema", SchemaOp::kRemove}};
  if (op.is_string()) {
    auto it = kNames.find(op.get<std::string>());
    if (it != kNames.end()) return it->second;
  } else if (op.is_number_integer()) {
    const int64_t number = op.get<int64_t>();
    for (const auto& [name, value] : kNames) {
      if (static_cast<int64_t>(value) == number) return value;
    }
  }
  return std::nullopt;
}

// Runs one binlog-schema operation of `request` (DM's OperateWorkerSchema
// fields) on `scope`; the answer's msg: the CREATE TABLE for kGet, else "".
Result<std::string> RunSchemaOp(const json& request, const sync::BinlogSchemaScope& scope) {
  auto op = ParseSchemaOp(request.value("op", json()));
  if (!op) return Status::InvalidArgument(fmt::format("invalid schema op {}", request.value("op", json()).dump()));
  const filter::TableName table{request.value("database", ""), request.value("table", "")};
  if (table.schema.empty() || table.table.empty()) {
    return Status::InvalidArgument("binlog-schema needs a database and a table name");
  }
  switch (*op) {
    case SchemaOp::kGet: return sync::ListBinlogSchema(scope, table);
    case SchemaOp::kRemove: {
      DM_RETURN_IF_ERROR(sync::DeleteBinlogSchema(scope, table));
      return std::string();
    }
    case SchemaOp::kSet: break;
  }
  const bool from_source = request.value("fromSource", false);
  const bool from_target = request.value("fromTarget", false);
  const std::string text = request.value("schema", "");
  if (from_source && from_target) return Status::InvalidArgument("from-source and from-target can not be used together");
  if ((from_source || from_target) && !text.empty()) {
    return Status::InvalidArgument("can not set schema-file when use from-source or from-target");
  }
  if (!from_source && !from_target && text.empty()) {
    return Status::InvalidArgument("the schema is empty: give a CREATE TABLE statement, --from-source or --from-target");
  }
  const sync::SchemaOrigin origin =
      from_source ? sync::SchemaOrigin::kSource : from_target ? sync::SchemaOrigin::kTarget : sync::SchemaOrigin::kText;
  DM_RETURN_IF_ERROR(sync::UpdateBinlogSchema(scope, table, origin, text).status());
  return std::string();
}

class ClusterWorker {
 public:
  ClusterWorker(const config::WorkerConfig& cfg, const crypto::SecretKey& key) : cfg_(cfg), key_(key) {
    for (const std::string& master : SplitString(cfg_.join, ',')) masters_.push_back(StripScheme(master));
    ttl_ = std::chrono::seconds(cfg_.keepalive_ttl);
    peer_options_.tls = http::TlsOptions{cfg_.security.ssl_ca, cfg_.security.ssl_cert, cfg_.security.ssl_key, {}};
    // A keepalive must fail fast enough to notice a lost lease well before
    // half the TTL has passed.
    peer_options_.timeout = std::clamp<std::chrono::milliseconds>(
        std::chrono::duration_cast<std::chrono::milliseconds>(ttl_) / 4, std::chrono::milliseconds(200),
        std::chrono::seconds(3));
  }

  int Run(std::ostream& err);

 private:
  void KeepaliveLoop(std::stop_token stop);
  std::string KeepaliveBody();
  void Reconcile();
  // Converges the runners to `desired` for the bound source.
  void Apply(const DesiredState& desired);
  void StartRunner(const std::string& task, const DesiredSubTask& want);
  // Stops and forgets every runner; `why` goes to the log.
  void StopAll(std::string_view why);
  std::unique_ptr<Runner> Take(const std::string& task);
  std::vector<unit::SubTaskStatus> Snapshots(const std::string& task);
  // PUT /apis/v1alpha1/schema, DM's OperateWorkerSchema: binlog-schema on
  // one subtask of the bound source, which must be paused (as DM). Answers
  // DM's CommonWorkerResponse {result, msg, source, worker}.
  http::Response OperateSchema(const http::Request& req);

  const config::WorkerConfig& cfg_;
  const crypto::SecretKey& key_;
  std::vector<std::string> masters_;
  std::chrono::seconds ttl_;
  http::ClientOptions peer_options_;

  std::mutex state_mu_;
  DesiredState desired_;           // guarded by state_mu_
  Clock::time_point last_ok_;      // guarded by state_mu_
  bool keepalive_ok_ever_ = false;  // guarded by state_mu_

  // Held by Apply and by OperateSchema for their whole run: a subtask is not
  // resumed (nor briefly out of runners_) while binlog-schema changes its
  // tracked definitions, so the stage it checked holds until it is done.
  std::mutex ops_mu_;

  // Touched by the reconcile loop (main thread); read by HTTP handlers and the
  // keepalive thread through Snapshots() and KeepaliveBody().
  std::mutex runners_mu_;
  std::map<std::string, std::unique_ptr<Runner>> runners_;  // by task; guarded by runners_mu_
  std::string source_;                                       // bound source; main thread only
  std::string source_yaml_;                                  // main thread only
  config::SourceConfig source_cfg_;                          // main thread only
  bool stopped_for_lost_lease_ = false;                      // main thread only
};

std::vector<unit::SubTaskStatus> ClusterWorker::Snapshots(const std::string& task) {
  std::lock_guard lock(runners_mu_);
  std::vector<unit::SubTaskStatus> out;
  for (auto& [name, runner] : runners_) {
    if (task.empty() || name == task) out.push_back(runner->Snapshot());
  }
  return out;
}

std::string ClusterWorker::KeepaliveBody() {
  std::map<std::string, int64_t> pending_start_times;  // task -> revision the masters still hold
  {
    std::lock_guard lock(state_mu_);
    for (const DesiredSubTask& s : desired_.subtasks) {
      if (s.start_time_revision != 0) pending_start_times[s.task] = s.start_time_revision;
    }
  }
  json subtasks = json::array();
  std::lock_guard lock(runners_mu_);
  for (auto& [task, runner] : runners_) {
    const unit::SubTaskStatus s = runner->Snapshot();
    json entry = {{"task", s.task}, {"source", s.source_id}, {"unit", unit::UnitName(s.unit)},
                  {"stage", unit::StageName(s.stage)}};
    auto pending = pending_start_times.find(task);
    if (s.start_time_consumed && pending != pending_start_times.end() &&
        pending->second == runner->start_time_revision) {
      entry["start_time_consumed_revision"] = runner->start_time_revision;
    }
    subtasks.push_back(std::move(entry));
  }
  return json{{"name", cfg_.name}, {"address", cfg_.advertise_addr}, {"keepalive_ttl", ttl_.count()},
              {"subtasks", subtasks}}
      .dump();
}

void ClusterWorker::KeepaliveLoop(std::stop_token stop) {
  const auto interval = std::clamp<std::chrono::milliseconds>(
      std::chrono::duration_cast<std::chrono::milliseconds>(ttl_) / 6, std::chrono::milliseconds(100),
      std::chrono::seconds(1));
  size_t preferred = 0;  // the master that answered last
  Status last_error;
  std::mutex wait_mu;
  std::condition_variable_any wake;
  while (!stop.stop_requested()) {
    const std::string body = KeepaliveBody();
    bool ok = false;
    for (size_t i = 0; i < masters_.size() && !ok; ++i) {
      const size_t at = (preferred + i) % masters_.size();
      auto response = http::Call(masters_[at], "POST", "/apis/v1alpha1/workers/keepalive", body, peer_options_);
      if (!response.ok()) {
        last_error = response.status();
        continue;
      }
      auto desired = ParseDesired(response->body);
      if (!desired.ok()) {
        last_error = desired.status().WithContext(masters_[at]);
        continue;
      }
      ok = true;
      preferred = at;
      std::lock_guard lock(state_mu_);
      if (!keepalive_ok_ever_) log::Info("dm-worker registered with the masters", {{"master", masters_[at]}});
      desired_ = std::move(*desired);
      last_ok_ = Clock::now();
      keepalive_ok_ever_ = true;
    }
    if (!ok) log::Warn("keepalive failed on every master", {{"error", last_error}});
    std::unique_lock lock(wait_mu);
    wake.wait_for(lock, stop, interval, [] { return false; });
  }
}

std::unique_ptr<Runner> ClusterWorker::Take(const std::string& task) {
  std::lock_guard lock(runners_mu_);
  auto it = runners_.find(task);
  if (it == runners_.end()) return nullptr;
  std::unique_ptr<Runner> runner = std::move(it->second);
  runners_.erase(it);
  return runner;
}

void ClusterWorker::StopAll(std::string_view why) {
  std::map<std::string, std::unique_ptr<Runner>> runners;
  {
    std::lock_guard lock(runners_mu_);
    runners.swap(runners_);
  }
  if (!runners.empty()) log::Info("stopping every subtask", {{"reason", why}, {"subtasks", runners.size()}});
  for (auto& [task, runner] : runners) runner->thread.request_stop();
  for (auto& [task, runner] : runners) runner->StopAndJoin();
  source_.clear();
  source_yaml_.clear();
}

void ClusterWorker::StartRunner(const std::string& task, const DesiredSubTask& want) {
  auto runner = std::make_unique<Runner>();
  runner->task_yaml = want.task_yaml;
  runner->stage_revision = want.stage_revision;
  runner->start_time_revision = want.start_time.empty() ? 0 : want.start_time_revision;
  runner->idle.task = task;
  runner->idle.source_id = source_;
  runner->paused = !want.running;
  config::LoadReport report;
  auto parsed = config::LoadTaskConfigFromString(want.task_yaml, "task " + task, key_, &report);
  const config::MySQLInstance* instance = nullptr;
  if (parsed.ok()) {
    for (const config::MySQLInstance& i : parsed->mysql_instances) {
      if (i.source_id == source_) instance = &i;
    }
  }
  if (parsed.ok() && instance != nullptr) runner->schema_scope = unit::BinlogSchemaScopeFor(*parsed, *instance, source_cfg_);
  if (!parsed.ok() || instance == nullptr) {
    runner->idle.stage = unit::Stage::kPaused;
    runner->idle.error = parsed.ok() ? Status::FailedPrecondition(fmt::format(
                                           "task {} has no mysql-instances entry for source {}", task, source_))
                                     : parsed.status();
    runner->done = true;
    log::Error("cannot start subtask", {{"task", task}, {"source", source_}, {"error", runner->idle.error}});
  } else if (want.running) {
    unit::StartTimeArg start_time;
    if (!want.start_time.empty()) start_time = {want.start_time, want.start_time_checkpoint};
    runner->subtask = std::make_unique<unit::SubTask>(*parsed, *instance, source_cfg_, /*exit_when_synced=*/false,
                                                      std::move(start_time));
    Runner* r = runner.get();
    runner->thread = std::jthread([r](std::stop_token stop) {
      r->result = r->subtask->Run(stop);
      r->done.store(true);
    });
    log::Info("subtask started", {{"task", task}, {"source", source_}});
  } else {
    runner->idle.stage = unit::Stage::kPaused;
  }
  std::lock_guard lock(runners_mu_);
  runners_[task] = std::move(runner);
}

void ClusterWorker::Apply(const DesiredState& desired) {
  if (desired.source != source_ || desired.source_yaml != source_yaml_) {
    StopAll(desired.source.empty() ? "unbound from the source" : "bound to another source or its config changed");
    if (desired.source.empty()) return;
    auto parsed = config::LoadSourceConfigFromString(desired.source_yaml, "source " + desired.source, key_);
    if (!parsed.ok()) {
      log::Error("cannot read the bound source's config", {{"source", desired.source}, {"error", parsed.status()}});
      return;
    }
    source_cfg_ = std::move(*parsed);
    source_ = desired.source;
    source_yaml_ = desired.source_yaml;
    log::Info("bound to source", {{"source", source_}});
  }
  std::map<std::string, const DesiredSubTask*> wanted;
  for (const DesiredSubTask& s : desired.subtasks) wanted[s.task] = &s;
  std::vector<std::string> current;
  {
    std::lock_guard lock(runners_mu_);
    for (const auto& [task, runner] : runners_) current.push_back(task);
  }
  for (const std::string& task : current) {
    auto it = wanted.find(task);
    std::unique_ptr<Runner> runner = Take(task);
    if (it == wanted.end() || it->second->task_yaml != runner->task_yaml) {
      runner->StopAndJoin();
      log::Info("subtask stopped", {{"task", task}, {"source", source_}});
      continue;  // a changed task file starts afresh below
    }
    const DesiredSubTask& want = *it->second;
    const bool resumed = want.stage_revision != runner->stage_revision;
    runner->stage_revision = want.stage_revision;
    if (!want.running && !runner->paused) {
      runner->StopAndJoin();
      runner->paused = true;
      log::Info("subtask paused", {{"task", task}, {"source", source_}});
    }
    bool restart = false;
    std::chrono::seconds next_backoff{0};
    if (want.running && runner->paused) {
      restart = true;  // resume-task
    } else if (want.running && runner->done.load() && runner->subtask != nullptr && !runner->result.ok()) {
      if (resumed) {
        restart = true;  // resume-task on a subtask paused by an error
      } else if (runner->result.IsRetryable()) {
        // As DM's task checker: auto-resume with a growing backoff.
        const auto wait = std::max<std::chrono::seconds>(runner->backoff, kMinRetryBackoff);
        if (runner->retry_at == Clock::time_point{}) {
          runner->retry_at = Clock::now() + wait;
          log::Warn("subtask paused by a resumable error; resuming it",
                    {{"task", task}, {"source", source_}, {"error", runner->result}, {"after_s", wait.count()}});
        } else if (Clock::now() >= runner->retry_at) {
          restart = true;
          next_backoff = std::min<std::chrono::seconds>(wait * 2, kMaxRetryBackoff);
        }
      }
    }
    if (restart) {
      runner->StopAndJoin();
      StartRunner(task, want);
      std::lock_guard lock(runners_mu_);
      runners_[task]->backoff = next_backoff;
      continue;
    }
    std::lock_guard lock(runners_mu_);
    runners_[task] = std::move(runner);
  }
  for (const DesiredSubTask& s : desired.subtasks) {
    bool present = false;
    {
      std::lock_guard lock(runners_mu_);
      present = runners_.contains(s.task);
    }
    if (!present) StartRunner(s.task, s);
  }
}

http::Response ClusterWorker::OperateSchema(const http::Request& req) {
  json request = json::parse(req.body.empty() ? std::string("{}") : req.body, nullptr, /*allow_exceptions=*/false);
  if (!request.is_object()) request = json::object();
  const std::string task = request.value("task", "");
  const std::string source = request.value("source", "");
  auto answer = [&](const Status& status, const std::string& msg) {
    json out = {{"result", status.ok()}, {"msg", msg}, {"source", source}, {"worker", cfg_.name}};
    if (!status.ok()) {
      out["msg"] = status.error_code() == ErrorCode::kNone
                       ? status.message()
                       : fmt::format("{} {}", FormatErrorTag(status.error_code()), status.message());
    }
    return http::Response{200, "application/json", out.dump()};
  };
  std::lock_guard ops(ops_mu_);
  std::optional<sync::BinlogSchemaScope> scope;
  unit::SubTaskStatus status;
  {
    std::lock_guard lock(runners_mu_);
    auto it = runners_.find(task);
    if (it == runners_.end()) {
      return answer(Status(StatusCode::kNotFound, fmt::format("sub task with name {} not found", task),
                           ErrorCode::kWorkerSubTaskNotFound),
                    "");
    }
    status = it->second->Snapshot();
    scope = it->second->schema_scope;
  }
  if (status.source_id != source) {
    return answer(Status(StatusCode::kFailedPrecondition,
                         fmt::format("source of request does not match with source in worker: {} is bound to {}",
                                     cfg_.name, status.source_id),
                         ErrorCode::kWorkerSourceNotMatch),
                  "");
  }
  // As DM: a running syncer owns the tracked schema; only a paused subtask
  // (by pause-task or by an error) may have it read or changed.
  if (status.stage != unit::Stage::kPaused) {
    return answer(Status(StatusCode::kFailedPrecondition,
                         fmt::format("current stage is {} but not paused, invalid", unit::StageName(status.stage)),
                         ErrorCode::kWorkerNotPausedStage),
                  "");
  }
  if (!scope) return answer(status.error, "");  // the task file could not be read: that is its error
  auto result = RunSchemaOp(request, *scope);
  log::Info("binlog-schema", {{"task", task}, {"source", source}, {"op", request.value("op", json()).dump()},
                              {"database", request.value("database", "")}, {"table", request.value("table", "")},
                              {"result", result.status()}});
  return answer(result.status(), result.ok() ? *result : std::string());
}

void ClusterWorker::Reconcile() {
  DesiredState desired;
  bool lease_held = false;
  {
    std::lock_guard lock(state_mu_);
    lease_held = keepalive_ok_ever_ && Clock::now() - last_ok_ < ttl_ / 2;
    desired = desired_;
  }
  if (!lease_held) {
    if (keepalive_ok_ever_ && !stopped_for_lost_lease_) {
      // Not gracefully: the master may rebind the source once the full TTL
      // has passed, and this worker must be gone from it by then.
      StopAll("no successful keepalive for half the keepalive-ttl");
      stopped_for_lost_lease_ = true;
    }
    return;
  }
  stopped_for_lost_lease_ = false;
  std::lock_guard ops(ops_mu_);
  Apply(desired);
}

int ClusterWorker::Run(std::ostream& err) {
  http::MetricsRegistry metrics;
  TaskMetrics task_metrics(metrics);
  http::Server server(&metrics, http::TlsOptions{cfg_.security.ssl_ca, cfg_.security.ssl_cert, cfg_.security.ssl_key,
                                                 cfg_.security.cert_allowed_cn});
  server.Handle("GET", "/apis/v1alpha1/status/([^/]+)", [this](const http::Request& req) {
    return http::Response{200, "application/json", unit::QueryStatusJson(Snapshots(req.captures.at(1)), cfg_.name)};
  });
  server.Handle("PUT", "/apis/v1alpha1/schema", [this](const http::Request& req) { return OperateSchema(req); });
  // get-config worker NAME: the master asks the worker for its running config.
  server.Handle("GET", "/apis/v1alpha1/config/self", [this](const http::Request&) {
    return http::Response{200, "application/json",
                          json{{"result", true}, {"msg", ""}, {"cfg", config::EncodeToml(cfg_)}}.dump()};
  });
  if (Status s = server.Listen("worker-addr", cfg_.worker_addr); !s.ok()) {
    err << "dm-worker: " << s.message() << "\n";
    return 1;
  }
  log::Info("dm-worker started", {{"name", cfg_.name}, {"address", server.bound_address()},
                                  {"join", cfg_.join}, {"keepalive_ttl_s", ttl_.count()}});
  std::jthread keepalive([this](std::stop_token stop) { KeepaliveLoop(stop); });
  while (true) {
    if (int signal_number = WaitForTerminationSignalFor(kReconcileInterval); signal_number != 0) {
      log::Info("received signal, dm-worker stops; checkpoints are flushed", {{"signal", signal_number}});
      break;
    }
    Reconcile();
    task_metrics.Update(Snapshots(""), cfg_.name);
  }
  keepalive.request_stop();
  keepalive.join();
  StopAll("dm-worker stops");
  server.Stop();
  log::Info("dm-worker stopped", {{"name", cfg_.name}});
  return 0;
}

}  // namespace

int RunClusterWorker(const config::WorkerConfig& cfg, const crypto::SecretKey& key, std::ostream& err) {
  ClusterWorker worker(cfg, key);
  return worker.Run(err);
}

}  // namespace dm::worker
