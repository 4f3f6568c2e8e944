#include "master/master_server.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <condition_variable>
#include <nlohmann/json.hpp>
#include <set>

#include "check/precheck.h"
#include "common/errors.h"
#include "common/log.h"
#include "config/source_config.h"
#include "config/task_config.h"
#include "config/toml_encoder.h"
#include "etcd/election.h"
#include "master/cluster_view.h"
#include "master/keys.h"
#include "master/openapi.h"
#include "master/presence.h"
#include "master/scheduler.h"
#include "unit/subtask.h"

namespace dm::master {
namespace {

using json = nlohmann::ordered_json;

constexpr auto kLoopInterval = std::chrono::milliseconds(500);
constexpr std::chrono::seconds kMinKeepaliveTtl{1};

http::Response Json(int status, const json& body) {
  return http::Response{status, "application/json", body.dump(4, ' ', false, json::error_handler_t::replace)};
}

http::Response Fail(const std::string& msg, int status = 200) {
  json body;
  body["result"] = false;
  body["msg"] = msg;
  return Json(status, body);
}

http::Response Succeeded() {
  json body;
  body["result"] = true;
  body["msg"] = "";
  return Json(200, body);
}

// An error for dmctl, with its DM code when it has one (as DM prints them).
std::string ErrorText(const Status& status) {
  if (status.error_code() == ErrorCode::kNone) return status.message();
  return fmt::format("{} {}", FormatErrorTag(status.error_code()), status.message());
}

Result<json> ParseBody(const http::Request& req) {
  json body = json::parse(req.body.empty() ? std::string("{}") : req.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) {
    return Status::InvalidArgument(fmt::format("{} {}: the request body is not a JSON object", req.method, req.path));
  }
  return body;
}

std::string StringField(const json& doc, const char* key) {
  auto it = doc.find(key);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> StringList(const json& doc, const char* key) {
  std::vector<std::string> out;
  auto it = doc.find(key);
  if (it == doc.end() || !it->is_array()) return out;
  for (const auto& v : *it) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

std::vector<std::string> QueryList(const http::Request& req, const std::string& key) {
  std::vector<std::string> out;
  for (const auto& [k, v] : req.query) {
    if (k == key && !v.empty()) out.push_back(v);
  }
  return out;
}

// DM's per-source result entry of operate-source, start-task and the task ops.
json SourceResult(const std::string& source, const std::string& worker, bool result = true, std::string msg = "") {
  json entry;
  entry["result"] = result;
  entry["msg"] = std::move(msg);
  entry["source"] = source;
  entry["worker"] = worker;
  return entry;
}

std::string BoundWorkerOf(const ClusterView& view, const std::string& source) {
  auto it = view.bound.find(source);
  return it == view.bound.end() ? std::string() : it->second;
}

std::string JoinNames(const std::vector<std::string>& names) { return fmt::format("[{}]", fmt::join(names, " ")); }

// A task file sent by dmctl, decoded and refused when it uses what dm cannot
// run yet.
Result<config::TaskConfig> ParseTask(const std::string& text, const crypto::SecretKey& key) {
  if (text.empty()) return Status::InvalidArgument("the request carries no task file content in `task`");
  config::LoadReport report;
  DM_ASSIGN_OR_RETURN(config::TaskConfig task, config::LoadTaskConfigFromString(text, "task file", key, &report));
  DM_RETURN_IF_ERROR(config::RefuseUnsupportedTaskFeatures(task, report.origin));
  return task;
}

// The stored source config of each of `task`'s mysql-instances, in order,
// with passwords decrypted: what the precheck connects with. NotFound names
// every source not added yet.
Result<std::vector<config::SourceConfig>> TaskSources(const config::TaskConfig& task, const ClusterView& view,
                                                      const crypto::SecretKey& key) {
  std::vector<config::SourceConfig> sources;
  std::vector<std::string> missing;
  for (const config::MySQLInstance& instance : task.mysql_instances) {
    auto text = view.sources.find(instance.source_id);
    if (text == view.sources.end()) {
      missing.push_back(instance.source_id);
      continue;
    }
    DM_ASSIGN_OR_RETURN(config::SourceConfig source,
                        config::LoadSourceConfigFromString(text->second, "source " + instance.source_id, key));
    sources.push_back(std::move(source));
  }
  if (!missing.empty()) return Status::NotFound(fmt::format("sources {} haven't been added", JoinNames(missing)));
  return sources;
}

// Whether an etcd member answers /health on one of its client URLs.
bool MemberAlive(const etcd::Member& member) {
  for (const std::string& url : member.client_urls) {
    const size_t scheme = url.find("://");
    const std::string address = url.substr(scheme == std::string::npos ? 0 : scheme + 3);
    auto health = http::Call(address, "GET", "/health", "", {{}, std::chrono::milliseconds(1000)});
    if (health.ok() && health->status == 200) return true;
  }
  return false;
}

// As DM's offline-member --worker: forgets a worker that may be removed
// (CheckWorkerRemovable). `fence` keeps a deposed leader from writing.
Status OfflineWorker(etcd::Client& client, const std::string& name, const etcd::Compare& fence) {
  DM_ASSIGN_OR_RETURN(ClusterView view, ReadClusterView(client));
  DM_RETURN_IF_ERROR(CheckWorkerRemovable(view, name));
  auto txn = client.Txn({fence, etcd::Compare::Missing(keys::WorkerKeepalive(name)),
                         etcd::Compare::Missing(keys::BoundWorker(name))},
                        {etcd::Op::Delete(keys::WorkerRegistration(name)), etcd::Op::Delete(keys::LastBoundWorker(name))},
                        {});
  DM_RETURN_IF_ERROR(txn.status());
  if (!txn->succeeded) return Status::Unavailable("the cluster changed during offline-member; retry");
  return Status::OK();
}

// As DM's offline-member --master: removes the etcd member of a master that
// has been shut down. The only member is refused: the cluster would be gone.
Status OfflineMaster(etcd::Client& client, const std::string& name) {
  DM_ASSIGN_OR_RETURN(std::vector<etcd::Member> members, client.ListMembers());
  auto member = std::find_if(members.begin(), members.end(), [&](const etcd::Member& m) { return m.name == name; });
  if (member == members.end()) return Status::NotFound(fmt::format("dm-master with name {} not exists", name));
  if (members.size() == 1) {
    return Status::FailedPrecondition(fmt::format("dm-master {} is the only member of the cluster", name));
  }
  if (MemberAlive(*member)) {
    return Status::FailedPrecondition(fmt::format("dm-master with name {} is still online, must shut it down first",
                                                  name));
  }
  return client.RemoveMember(member->id);
}

// offline-member --master on an external etcd: there is no member to
// remove, a stopped master's presence key expires by itself; a present one
// is refused as with embedded etcd.
Status OfflineExternalMaster(etcd::Client& client, const std::string& name) {
  DM_ASSIGN_OR_RETURN(std::vector<PresentMaster> present, ListPresentMasters(client));
  if (std::any_of(present.begin(), present.end(), [&](const PresentMaster& m) { return m.name == name; })) {
    return Status::FailedPrecondition(fmt::format("dm-master with name {} is still online, must shut it down first",
                                                  name));
  }
  return Status::NotFound(fmt::format(
      "dm-master with name {} not exists (masters on an external etcd leave by themselves a TTL after they stop)",
      name));
}

// Replaces every `password` value of a YAML document, so get-config never
// returns one (DM shows the files with their passwords hidden).
std::string HidePasswords(const std::string& text) {
  try {
    YAML::Node root = YAML::Load(text);
    std::vector<YAML::Node> stack = {root};
    while (!stack.empty()) {
      YAML::Node node = stack.back();
      stack.pop_back();
      if (node.IsMap()) {
        for (auto it = node.begin(); it != node.end(); ++it) {
          if (it->first.as<std::string>() == "password" && it->second.IsScalar()) {
            it->second = "******";
          } else {
            stack.push_back(it->second);
          }
        }
      } else if (node.IsSequence()) {
        for (auto it = node.begin(); it != node.end(); ++it) stack.push_back(*it);
      }
    }
    YAML::Emitter out;
    out << root;
    return std::string(out.c_str()) + "\n";
  } catch (const YAML::Exception&) {
    return "";  // stored files were parsed when added; nothing to show if that changed
  }
}

std::string LeaderValue(const config::MasterConfig& cfg) {
  return json{{"name", cfg.name}, {"address", cfg.advertise_addr}}.dump();
}

// The query-status entry a worker at `address` reports for the subtask of
// `task` and `source`; nullopt when it runs no such subtask. Unavailable when
// the worker cannot be reached.
Result<std::optional<json>> WorkerSubTaskStatus(const std::string& task, const std::string& source,
                                                const std::string& address, const http::ClientOptions& options) {
  DM_ASSIGN_OR_RETURN(http::Response response,
                      http::Call(address, "GET", "/apis/v1alpha1/status/" + task, "", options));
  json body = json::parse(response.body, nullptr, false);
  if (body.is_object() && body.contains("sources") && body["sources"].is_array()) {
    for (const json& s : body["sources"]) {
      if (s.contains("sourceStatus") && s["sourceStatus"].value("source", "") == source) return std::optional<json>(s);
    }
  }
  return std::optional<json>();
}

// The `sources` entry of query-status for one subtask, from the worker bound
// to its source, or an entry saying why there is none.
json SourceStatus(const std::string& task, const std::string& source, const std::string& worker,
                  const std::string& address, const http::ClientOptions& options) {
  json entry;
  entry["result"] = false;
  entry["msg"] = "";
  entry["sourceStatus"] = {{"source", source}, {"worker", worker}, {"result", nullptr}, {"relayStatus", nullptr}};
  entry["subTaskStatus"] = json::array();
  if (worker.empty()) {
    entry["msg"] = fmt::format("source {} is not bound to any dm-worker; it waits for a free worker", source);
    return entry;
  }
  auto status = WorkerSubTaskStatus(task, source, address, options);
  if (!status.ok()) {
    entry["msg"] = fmt::format("cannot reach dm-worker {}: {}", worker, status.status().message());
    return entry;
  }
  if (status->has_value()) return **status;
  entry["msg"] = fmt::format("dm-worker {} has not started subtask {} of source {} yet", worker, task, source);
  return entry;
}

// DM's task status, aggregated over the subtasks' query-status entries.
std::string TaskStatus(const std::vector<json>& entries) {
  bool any_error = false, any_paused = false, any_running = false, all_finished = !entries.empty();
  for (const json& e : entries) {
    if (!e.value("result", false)) any_error = true;
    for (const json& st : e.value("subTaskStatus", json::array())) {
      const std::string stage = st.value("stage", "");
      if (st.contains("result") && !st["result"].is_null()) any_error = true;
      any_paused = any_paused || stage == "Paused";
      any_running = any_running || stage == "Running";
      all_finished = all_finished && stage == "Finished";
    }
    if (e.value("subTaskStatus", json::array()).empty()) all_finished = false;
  }
  if (any_error) return "Error - Some error occurred in subtask";
  if (any_paused) return "Paused";
  if (all_finished) return "Finished";
  if (any_running) return "Running";
  return "New";
}

}  // namespace

MasterServer::MasterServer(config::MasterConfig cfg, crypto::SecretKey key, etcd::Client& client,
                           http::MetricsRegistry& metrics)
    : cfg_(std::move(cfg)), key_(std::move(key)), client_(client), metrics_(metrics) {
  peer_options_.tls = http::TlsOptions{cfg_.security.ssl_ca, cfg_.security.ssl_cert, cfg_.security.ssl_key, {}};
  peer_options_.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(cfg_.rpc_timeout);
  leader_value_ = LeaderValue(cfg_);
}

MasterServer::~MasterServer() { Stop(); }

void MasterServer::Start() {
  loop_ = std::jthread([this](std::stop_token stop) { LeaderLoop(stop); });
}

void MasterServer::Stop() {
  if (loop_.joinable()) {
    loop_.request_stop();
    loop_.join();
  }
}

bool MasterServer::IsLeader() const {
  std::lock_guard lock(mu_);
  return leader_.self;
}

MasterServer::LeaderInfo MasterServer::Leader() const {
  std::lock_guard lock(mu_);
  return leader_;
}

void MasterServer::LeaderLoop(std::stop_token stop) {
  etcd::Election election(client_, keys::Leader(), leader_value_, kElectionTtl);
  auto& worker_state = metrics_.Gauge("dm_master_worker_state",
                                      "state of a dm-worker: 0 offline, 1 free, 2 bound", {"worker"});
  auto& leader_counter = metrics_.Gauge("dm_master_start_leader_counter",
                                        "how many times this dm-master became the leader", {});
  // Every master keeps its presence key: on an external etcd it names the
  // masters (list-member, offline-member); with either etcd it tells
  // get-config master where each live master is.
  MasterPresence presence(client_, PresentMaster{cfg_.name, cfg_.advertise_addr}, kElectionTtl);
  std::mutex wait_mu;
  std::condition_variable_any wake;
  while (!stop.stop_requested()) {
    if (Status s = presence.Renew(); !s.ok()) log::Warn("cannot renew this master's presence in etcd", {{"error", s}});
    Result<bool> leading = false;
    if (!evicted_.load()) {
      leading = election.Step();
    } else if (election.lease() != 0) {
      // operate-leader evict: step down so another master takes over now.
      if (Status s = election.Resign(); !s.ok()) log::Warn("cannot resign leadership", {{"error", s}});
    }
    LeaderInfo info;
    if (!leading.ok()) {
      log::Warn("cannot reach etcd for the leader election", {{"error", leading.status()}});
    } else if (*leading) {
      info = {true, cfg_.name, cfg_.advertise_addr};
    } else if (auto value = election.Leader(); value.ok() && value->has_value()) {
      json doc = json::parse(**value, nullptr, false);
      if (doc.is_object()) info = {false, doc.value("name", ""), doc.value("address", "")};
    }
    bool became_leader = false;
    {
      std::lock_guard lock(mu_);
      became_leader = info.self && !leader_.self;
      if (leader_.self && !info.self) log::Warn("this dm-master is no longer the leader", {{"name", cfg_.name}});
      leader_ = info;
    }
    if (became_leader) {
      log::Info("this dm-master is the leader now", {{"name", cfg_.name}});
      leader_counter.WithLabels({}).Add(1);
    }
    if (info.self) {
      if (Status s = SchedulePass(); !s.ok()) log::Warn("scheduling pass failed", {{"error", s}});
      if (auto view = ReadClusterView(client_); view.ok()) {
        for (const auto& [name, w] : view->workers) {
          worker_state.WithLabels({name}).Set(!w.alive ? 0 : w.bound_source.empty() ? 1 : 2);
        }
      }
    }
    std::unique_lock lock(wait_mu);
    wake.wait_for(lock, stop, kLoopInterval, [] { return false; });
  }
  if (Status s = election.Resign(); !s.ok()) log::Warn("cannot resign leadership", {{"error", s}});
  if (Status s = presence.Withdraw(); !s.ok()) log::Warn("cannot withdraw this master's presence", {{"error", s}});
  std::lock_guard lock(mu_);
  leader_ = {};
}

Status MasterServer::SchedulePass() {
  std::lock_guard lock(bind_mu_);
  DM_ASSIGN_OR_RETURN(ClusterView view, ReadClusterView(client_));
  const etcd::Compare fence = etcd::Compare::ValueIs(keys::Leader(), leader_value_);
  for (const BindingChange& change : PlanBindings(view)) {
    Status s = ApplyBindingChange(client_, change, fence);
    const bool bind = change.kind == BindingChange::Kind::kBind;
    if (!s.ok()) {
      log::Warn(bind ? "cannot bind source" : "cannot unbind source",
                {{"source", change.source}, {"worker", change.worker}, {"error", s}});
      continue;
    }
    log::Info(bind ? "source bound to worker" : "source unbound from worker",
              {{"source", change.source}, {"worker", change.worker}});
  }
  return Status::OK();
}

http::Handler MasterServer::OnLeader(http::Handler local) {
  return [this, local = std::move(local)](const http::Request& req) {
    LeaderInfo leader = Leader();
    if (leader.self) return local(req);
    if (leader.address.empty()) return Fail("no dm-master leader is elected yet; retry in a few seconds", 503);
    std::string target = req.path;
    for (size_t i = 0; i < req.query.size(); ++i) {
      target += fmt::format("{}{}={}", i == 0 ? '?' : '&', req.query[i].first, req.query[i].second);
    }
    auto response = http::Call(leader.address, req.method, target, req.body, peer_options_);
    if (!response.ok()) {
      return Fail(fmt::format("cannot forward to the leader {}: {}", leader.name, response.status().message()), 503);
    }
    return *response;
  };
}

void MasterServer::RegisterHandlers(http::Server& server) {
  auto bind = [this](http::Response (MasterServer::*fn)(const http::Request&)) {
    return [this, fn](const http::Request& req) { return (this->*fn)(req); };
  };
  server.Handle("PUT", "/apis/v1alpha1/sources", OnLeader(bind(&MasterServer::OperateSource)));
  server.Handle("POST", "/apis/v1alpha1/sources/transfer", OnLeader(bind(&MasterServer::TransferSource)));
  server.Handle("POST", "/apis/v1alpha1/tasks", OnLeader(bind(&MasterServer::StartTask)));
  server.Handle("PUT", "/apis/v1alpha1/tasks/([^/]*)", OnLeader(bind(&MasterServer::OperateTask)));
  server.Handle("GET", "/apis/v1alpha1/status", OnLeader(bind(&MasterServer::ListTasks)));
  server.Handle("GET", "/apis/v1alpha1/status/([^/]+)", OnLeader(bind(&MasterServer::QueryStatus)));
  server.Handle("POST", "/apis/v1alpha1/check-task", OnLeader(bind(&MasterServer::CheckTask)));
  server.Handle("GET", "/apis/v1alpha1/members", OnLeader(bind(&MasterServer::ListMembers)));
  server.Handle("DELETE", "/apis/v1alpha1/members/(master|worker)/([^/]+)", OnLeader(bind(&MasterServer::OfflineMember)));
  server.Handle("PUT", "/apis/v1alpha1/leader/([^/]+)", bind(&MasterServer::OperateLeader));
  server.Handle("GET", "/apis/v1alpha1/config/(task|source|master|worker)/([^/]+)",
                OnLeader(bind(&MasterServer::GetConfig)));
  server.Handle("PUT", "/apis/v1alpha1/schema", OnLeader(bind(&MasterServer::OperateSchema)));
  // get-config master NAME: the master that serves it asks NAME directly.
  server.Handle("GET", "/apis/v1alpha1/config/self", [this](const http::Request&) { return SelfConfig(); });
  // Workers keep their lease through whichever master they reach.
  server.Handle("POST", "/apis/v1alpha1/workers/keepalive", bind(&MasterServer::WorkerKeepalive));
  // A new master (--join) asks any member to add its etcd member.
  server.Handle("POST", "/apis/v1alpha1/members/join", bind(&MasterServer::JoinMember));
  // DM's OpenAPI, translated to the handlers above (as DM, only when enabled).
  if (cfg_.openapi) {
    openapi::Register(server, {bind(&MasterServer::OperateSource), bind(&MasterServer::TransferSource),
                               bind(&MasterServer::StartTask), bind(&MasterServer::OperateTask),
                               bind(&MasterServer::ListTasks), bind(&MasterServer::QueryStatus),
                               bind(&MasterServer::ListMembers), bind(&MasterServer::GetConfig),
                               bind(&MasterServer::OfflineMember),
                               [this](http::Handler local) { return OnLeader(std::move(local)); }},
                      {&client_, key_});
  }
}

http::Response MasterServer::OperateSource(const http::Request& req) {
  auto body = ParseBody(req);
  if (!body.ok()) return Fail(body.status().message(), 400);
  const std::string op = StringField(*body, "op");
  std::vector<std::string> ids = StringList(*body, "sourceID");
  const std::vector<std::string> texts = StringList(*body, "config");
  std::vector<config::SourceConfig> configs;
  for (size_t i = 0; i < texts.size(); ++i) {
    config::LoadReport report;
    auto source = config::LoadSourceConfigFromString(texts[i], fmt::format("source config #{}", i + 1), key_, &report);
    if (!source.ok()) return Fail(source.status().message());
    if (source->enable_relay) {
      return Fail(report.origin.Error(ErrorCode::kConfigInvalidValue, "enable-relay",
                                      "enable-relay: true (a local relay log) is not supported by this dm yet")
                      .message());
    }
    ids.push_back(source->source_id);
    configs.push_back(std::move(*source));
  }
  auto view = ReadClusterView(client_);
  if (!view.ok()) return Fail(view.status().message(), 503);

  json sources = json::array();
  if (op == "StartSource" || op == "UpdateSource") {
    if (configs.empty()) return Fail("operate-source " + op + " needs at least one source config file");
    for (size_t i = 0; i < configs.size(); ++i) {
      const std::string& id = configs[i].source_id;
      const bool exists = view->sources.contains(id);
      if (op == "StartSource" && exists) return Fail(fmt::format("source config with ID {} already exists", id));
      if (op == "UpdateSource" && !exists) return Fail(fmt::format("source config with ID {} does not exist", id));
      if (op == "UpdateSource") {
        for (const auto& [key, subtask] : view->subtasks) {
          if (key.second == id) {
            return Fail(fmt::format("source {} is used by task {}; stop the task before updating its source", id,
                                    key.first));
          }
        }
      }
      auto txn = client_.Txn({op == "StartSource" ? etcd::Compare::Missing(keys::SourceConfig(id))
                                                  : etcd::Compare::Exists(keys::SourceConfig(id))},
                             {etcd::Op::Put(keys::SourceConfig(id), texts[i])}, {});
      if (!txn.ok()) return Fail(txn.status().message(), 503);
      if (!txn->succeeded) return Fail(fmt::format("source config with ID {} was changed concurrently; retry", id));
      log::Info(op == "StartSource" ? "source added" : "source updated", {{"source", id}});
    }
    const std::string wanted = StringField(*body, "workerName");
    if (!wanted.empty() && op == "StartSource") {
      std::lock_guard lock(bind_mu_);
      Status s = ApplyBindingChange(client_, {BindingChange::Kind::kBind, configs.front().source_id, wanted},
                                    etcd::Compare::ValueIs(keys::Leader(), leader_value_));
      if (!s.ok()) return Fail(fmt::format("source {} is added, but {}", configs.front().source_id, s.message()));
    }
    if (Status s = SchedulePass(); !s.ok()) return Fail(s.message(), 503);
    view = ReadClusterView(client_);
    if (!view.ok()) return Fail(view.status().message(), 503);
    for (const config::SourceConfig& c : configs) {
      std::string worker = BoundWorkerOf(*view, c.source_id);
      sources.push_back(SourceResult(c.source_id, worker, true,
                                     worker.empty() ? "source is added but there is no free worker to bound" : ""));
    }
  } else if (op == "StopSource") {
    if (ids.empty()) return Fail("operate-source stop needs source config files or source-ids");
    for (const std::string& id : ids) {
      if (!view->sources.contains(id)) return Fail(fmt::format("source config with ID {} does not exist", id));
      std::vector<std::string> tasks;
      for (const auto& [key, subtask] : view->subtasks) {
        if (key.second == id) tasks.push_back(key.first);
      }
      if (!tasks.empty()) {
        return Fail(fmt::format("source {} is used by tasks {}; stop them first (stop-task)", id, JoinNames(tasks)));
      }
    }
    for (const std::string& id : ids) {
      std::vector<etcd::Op> ops = {etcd::Op::Delete(keys::SourceConfig(id))};
      const std::string worker = BoundWorkerOf(*view, id);
      if (!worker.empty()) ops.push_back(etcd::Op::Delete(keys::BoundWorker(worker)));
      auto txn = client_.Txn({}, ops, {});
      if (!txn.ok()) return Fail(txn.status().message(), 503);
      log::Info("source removed", {{"source", id}, {"worker", worker}});
      sources.push_back(SourceResult(id, worker));
    }
    if (Status s = SchedulePass(); !s.ok()) log::Warn("scheduling pass failed", {{"error", s}});
  } else if (op == "ShowSource") {
    for (const auto& [id, text] : view->sources) {
      if (!ids.empty() && std::find(ids.begin(), ids.end(), id) == ids.end()) continue;
      std::string worker = BoundWorkerOf(*view, id);
      sources.push_back(SourceResult(id, worker, true, worker.empty() ? "source is added but is not bound" : ""));
    }
  } else {
    return Fail(fmt::format("unknown operate-source op '{}'; use StartSource, UpdateSource, StopSource or ShowSource",
                            op), 400);
  }
  json out;
  out["result"] = true;
  out["msg"] = "";
  out["sources"] = std::move(sources);
  return Json(200, out);
}

http::Response MasterServer::CheckTask(const http::Request& req) {
  auto body = ParseBody(req);
  if (!body.ok()) return Fail(body.status().message(), 400);
  auto task = ParseTask(StringField(*body, "task"), key_);
  if (!task.ok()) return Fail(task.status().message());
  auto view = ReadClusterView(client_);
  if (!view.ok()) return Fail(view.status().message(), 503);
  auto sources = TaskSources(*task, *view, key_);
  if (!sources.ok()) return Fail(sources.status().message());
  check::CheckOptions options;
  options.ignore = task->ignore_checking_items;
  if (auto n = body->find("errCnt"); n != body->end() && n->is_number_integer()) options.max_errors = n->get<int>();
  if (auto n = body->find("warnCnt"); n != body->end() && n->is_number_integer()) options.max_warnings = n->get<int>();
  auto report = check::RunPrecheck(*task, *sources, options);
  if (!report.ok()) return Fail(ErrorText(report.status()));
  const bool passed = check::Passed(*report);
  json out;
  out["result"] = passed;
  out["msg"] = passed ? check::CheckMessage(*report, options) : check::CheckFailureMessage(*report, options);
  return Json(200, out);
}

http::Response MasterServer::StartTask(const http::Request& req) {
  auto body = ParseBody(req);
  if (!body.ok()) return Fail(body.status().message(), 400);
  const std::string text = StringField(*body, "task");
  auto task = ParseTask(text, key_);
  if (!task.ok()) return Fail(task.status().message());
  const std::vector<std::string> only = StringList(*body, "sources");
  const std::string start_time = StringField(*body, "startTime");

  auto view = ReadClusterView(client_);
  if (!view.ok()) return Fail(view.status().message(), 503);
  // The subtasks to start, as a task of only those instances (-s).
  config::TaskConfig started = *task;
  started.mysql_instances.clear();
  std::vector<std::string> instances, existing;
  for (const config::MySQLInstance& instance : task->mysql_instances) {
    if (!only.empty() && std::find(only.begin(), only.end(), instance.source_id) == only.end()) continue;
    instances.push_back(instance.source_id);
    started.mysql_instances.push_back(instance);
    if (view->subtasks.contains({task->name, instance.source_id})) existing.push_back(instance.source_id);
  }
  if (instances.empty()) return Fail(fmt::format("task {} has no mysql-instances among sources {}", task->name,
                                                 JoinNames(only)));
  auto sources = TaskSources(started, *view, key_);
  if (!sources.ok()) return Fail(sources.status().message());
  if (!existing.empty()) {
    return Fail(fmt::format("subtasks with name {} for sources {} already exist", task->name, JoinNames(existing)));
  }
  if (body->value("removeMeta", false)) {
    for (const std::string& source : instances) {
      if (Status s = unit::RemoveTaskMeta(*task, source); !s.ok()) {
        return Fail(fmt::format("--remove-meta: {}", s.message()));
      }
    }
  }
  // As DM: a task that starts afresh is prechecked; a failing item keeps it
  // from starting and the report goes back in checkResult.
  auto checked = check::PrecheckBeforeStart(started, *sources);
  if (!checked.ok()) return Fail(ErrorText(checked.status()));
  if (checked->report && !check::Passed(*checked->report)) {
    log::Warn("the precheck refused a task", {{"task", task->name}, {"failed", checked->report->summary.failed}});
    json out;
    out["result"] = false;
    out["msg"] = "";
    out["sources"] = json::array();
    out["checkResult"] = checked->message;
    return Json(200, out);
  }
  std::vector<etcd::Compare> compares;
  std::vector<etcd::Op> ops;
  for (const std::string& source : instances) {
    compares.push_back(etcd::Compare::Missing(keys::SubTaskConfig(source, task->name)));
    ops.push_back(etcd::Op::Put(keys::SubTaskConfig(source, task->name), text));
    ops.push_back(etcd::Op::Put(keys::SubTaskStage(source, task->name),
                                StageValue(task->name, source, ExpectedStage::kRunning)));
    if (!start_time.empty()) {
      // The checkpoint as it is now lets a worker tell whether an earlier
      // run already started from the time (unit::StartTimeArg).
      auto checkpoint = unit::SyncCheckpointStamp(*task, source);
      if (!checkpoint.ok()) {
        return Fail(fmt::format("--start-time: cannot read the checkpoint of source {}: {}", source,
                                checkpoint.status().message()));
      }
      ops.push_back(etcd::Op::Put(keys::TaskCliArgs(task->name, source),
                                  json{{"start-time", start_time}, {"checkpoint-at-start-task", *checkpoint}}.dump()));
    } else {
      ops.push_back(etcd::Op::Delete(keys::TaskCliArgs(task->name, source)));
    }
  }
  auto txn = client_.Txn(compares, ops, {});
  if (!txn.ok()) return Fail(txn.status().message(), 503);
  if (!txn->succeeded) return Fail(fmt::format("task {} was started concurrently", task->name));
  log::Info("task started", {{"task", task->name}, {"sources", JoinNames(instances)}});
  json out;
  out["result"] = true;
  out["msg"] = "";
  out["sources"] = json::array();
  for (const std::string& source : instances) out["sources"].push_back(SourceResult(source, BoundWorkerOf(*view, source)));
  out["checkResult"] = checked->message;
  return Json(200, out);
}

http::Response MasterServer::OperateTask(const http::Request& req) {
  auto body = ParseBody(req);
  if (!body.ok()) return Fail(body.status().message(), 400);
  const std::string op = StringField(*body, "op");
  std::string name = StringField(*body, "name");
  if (name.empty()) name = req.captures.at(1);
  const std::vector<std::string> only = StringList(*body, "sources");
  if (op != "Pause" && op != "Resume" && op != "Stop") {
    return Fail(fmt::format("unknown task op '{}'; use Pause, Resume or Stop", op), 400);
  }
  if (name.empty() && only.empty()) return Fail("name a task, or sources with -s to operate all their tasks");
  auto view = ReadClusterView(client_);
  if (!view.ok()) return Fail(view.status().message(), 503);
  std::vector<const SubTaskRecord*> targets;
  for (const auto& [key, subtask] : view->subtasks) {
    if (!name.empty() && key.first != name) continue;
    if (!only.empty() && std::find(only.begin(), only.end(), key.second) == only.end()) continue;
    targets.push_back(&subtask);
  }
  if (targets.empty()) {
    return Fail(fmt::format("task {} has no source or not exist, please check the task name and status", name));
  }
  std::vector<etcd::Op> ops;
  for (const SubTaskRecord* t : targets) {
    if (op == "Stop") {
      ops.push_back(etcd::Op::Delete(keys::SubTaskConfig(t->source, t->task)));
      ops.push_back(etcd::Op::Delete(keys::SubTaskStage(t->source, t->task)));
      ops.push_back(etcd::Op::Delete(keys::TaskCliArgs(t->task, t->source)));
      ops.push_back(etcd::Op::Delete(keys::LoadTask(t->task, t->source)));
    } else {
      ops.push_back(etcd::Op::Put(keys::SubTaskStage(t->source, t->task),
                                  StageValue(t->task, t->source,
                                             op == "Pause" ? ExpectedStage::kPaused : ExpectedStage::kRunning)));
    }
  }
  auto txn = client_.Txn({}, ops, {});
  if (!txn.ok()) return Fail(txn.status().message(), 503);
  if (op != "Resume") AwaitWorkers(*view, targets, op == "Stop");
  json out;
  out["op"] = op;
  out["result"] = true;
  out["msg"] = "";
  out["sources"] = json::array();
  for (const SubTaskRecord* t : targets) {
    log::Info("task operated", {{"op", op}, {"task", t->task}, {"source", t->source}});
    out["sources"].push_back(SourceResult(t->source, BoundWorkerOf(*view, t->source)));
  }
  return Json(200, out);
}

void MasterServer::AwaitWorkers(const ClusterView& view, const std::vector<const SubTaskRecord*>& targets,
                                bool stopped) const {
  const auto deadline =
      std::chrono::steady_clock::now() + std::min<std::chrono::steady_clock::duration>(cfg_.rpc_timeout, kAwaitWorkers);
  for (const SubTaskRecord* t : targets) {
    const std::string worker = BoundWorkerOf(view, t->source);
    auto record = view.workers.find(worker);
    if (worker.empty() || record == view.workers.end() || !record->second.alive) continue;
    while (std::chrono::steady_clock::now() < deadline) {
      auto status = WorkerSubTaskStatus(t->task, t->source, record->second.address, peer_options_);
      if (status.ok()) {
        if (!status->has_value()) break;  // gone: stopped, or never started
        const json& subtasks = (**status)["subTaskStatus"];
        if (!stopped && subtasks.is_array() && !subtasks.empty() && subtasks[0].value("stage", "") == "Paused") break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
}

http::Response MasterServer::QueryStatus(const http::Request& req) {
  const std::string task = req.captures.at(1);
  auto view = ReadClusterView(client_);
  if (!view.ok()) return Fail(view.status().message(), 503);
  auto subtasks = view->SubTasksOf(task, QueryList(req, "source"));
  if (subtasks.empty()) {
    return Fail(fmt::format("task {} has no source or not exist, please check the task name and status", task));
  }
  json out;
  out["result"] = true;
  out["msg"] = "";
  out["sources"] = json::array();
  for (const SubTaskRecord* s : subtasks) {
    const std::string worker = BoundWorkerOf(*view, s->source);
    const std::string address = worker.empty() ? "" : view->workers[worker].address;
    out["sources"].push_back(SourceStatus(task, s->source, worker, address, peer_options_));
  }
  return Json(200, out);
}

http::Response MasterServer::ListTasks(const http::Request& req) {
  auto view = ReadClusterView(client_);
  if (!view.ok()) return Fail(view.status().message(), 503);
  const std::vector<std::string> only = QueryList(req, "source");
  json out;
  out["result"] = true;
  out["msg"] = "";
  out["tasks"] = json::array();
  for (const std::string& task : view->TaskNames()) {
    auto subtasks = view->SubTasksOf(task, only);
    if (subtasks.empty()) continue;
    std::vector<json> entries;
    json sources = json::array();
    for (const SubTaskRecord* s : subtasks) {
      const std::string worker = BoundWorkerOf(*view, s->source);
      const std::string address = worker.empty() ? "" : view->workers[worker].address;
      entries.push_back(SourceStatus(task, s->source, worker, address, peer_options_));
      sources.push_back(s->source);
    }
    out["tasks"].push_back({{"taskName", task}, {"taskStatus", TaskStatus(entries)}, {"sources", sources}});
  }
  return Json(200, out);
}

Result<json> MasterServer::ListMasters(const std::function<bool(const std::string&)>& wanted) {
  json masters = json::array();
  if (!cfg_.etcd_endpoints.empty()) {
    // etcd's members are not the masters here: the presence keys name them.
    DM_ASSIGN_OR_RETURN(std::vector<PresentMaster> present, ListPresentMasters(client_));
    for (const PresentMaster& m : present) {
      if (!wanted(m.name)) continue;
      masters.push_back({{"name", m.name}, {"memberID", ""}, {"alive", true}, {"peerURLs", json::array()},
                         {"clientURLs", {m.address}}});
    }
    return masters;
  }
  DM_ASSIGN_OR_RETURN(std::vector<etcd::Member> members, client_.ListMembers());
  for (const etcd::Member& m : members) {
    if (!wanted(m.name)) continue;
    masters.push_back({{"name", m.name}, {"memberID", std::to_string(m.id)}, {"alive", MemberAlive(m)},
                       {"peerURLs", m.peer_urls}, {"clientURLs", m.client_urls}});
  }
  return masters;
}

http::Response MasterServer::ListMembers(const http::Request& req) {
  const bool leader = req.QueryParam("leader") == "true";
  const bool master = req.QueryParam("master") == "true";
  const bool worker = req.QueryParam("worker") == "true";
  const bool all = !leader && !master && !worker;
  const std::vector<std::string> names = QueryList(req, "name");
  auto wanted = [&](const std::string& n) {
    return names.empty() || std::find(names.begin(), names.end(), n) != names.end();
  };
  json members = json::array();
  if (all || leader) {
    LeaderInfo info = Leader();
    members.push_back({{"leader", {{"msg", ""}, {"name", info.name}, {"addr", info.address}}}});
  }
  if (all || master) {
    auto masters = ListMasters(wanted);
    if (!masters.ok()) return Fail(masters.status().message(), 503);
    members.push_back({{"master", {{"msg", ""}, {"masters", *masters}}}});
  }
  if (all || worker) {
    auto view = ReadClusterView(client_);
    if (!view.ok()) return Fail(view.status().message(), 503);
    json workers = json::array();
    for (const auto& [name, w] : view->workers) {
      if (!wanted(name) || w.address.empty()) continue;
      const std::string stage = !w.alive ? "offline" : w.bound_source.empty() ? "free" : "bound";
      workers.push_back({{"name", name}, {"addr", w.address}, {"stage", stage}, {"source", w.bound_source}});
    }
    members.push_back({{"worker", {{"msg", ""}, {"workers", workers}}}});
  }
  json out;
  out["result"] = true;
  out["msg"] = "";
  out["members"] = std::move(members);
  return Json(200, out);
}

http::Response MasterServer::OfflineMember(const http::Request& req) {
  const std::string type = req.captures.at(1);
  const std::string name = req.captures.at(2);
  Status s;
  if (type == "worker") {
    std::lock_guard lock(bind_mu_);  // no binding change in between
    s = OfflineWorker(client_, name, etcd::Compare::ValueIs(keys::Leader(), leader_value_));
  } else if (!cfg_.etcd_endpoints.empty()) {
    s = OfflineExternalMaster(client_, name);
  } else {
    s = OfflineMaster(client_, name);
  }
  if (!s.ok()) return Fail(s.message(), s.IsRetryable() ? 503 : 200);
  log::Info("member removed from the cluster", {{"type", type}, {"name", name}});
  return Succeeded();
}

http::Response MasterServer::OperateLeader(const http::Request& req) {
  const std::string op = req.captures.at(1);
  if (op != "evict" && op != "cancel-evict") {
    return Fail(fmt::format("unknown operate-leader op '{}'; use evict or cancel-evict", op), 400);
  }
  const bool evict = op == "evict";
  if (evicted_.exchange(evict) != evict) {
    log::Info(evict ? "evicted: this dm-master resigns and stops campaigning"
                    : "eviction cancelled: this dm-master campaigns again",
              {{"name", cfg_.name}});
  }
  return Succeeded();
}

http::Response MasterServer::TransferSource(const http::Request& req) {
  auto body = ParseBody(req);
  if (!body.ok()) return Fail(body.status().message(), 400);
  const std::string source = StringField(*body, "source");
  const std::string worker = StringField(*body, "worker");
  std::lock_guard lock(bind_mu_);
  auto view = ReadClusterView(client_);
  if (!view.ok()) return Fail(view.status().message(), 503);
  if (!view->sources.contains(source)) return Fail(fmt::format("source config with ID {} does not exist", source));
  auto w = view->workers.find(worker);
  if (w == view->workers.end() || !w->second.alive) {
    return Fail(fmt::format("dm-worker {} is not registered or offline", worker));
  }
  const std::string current = BoundWorkerOf(*view, source);
  if (current == worker) return Fail(fmt::format("source {} is already bound to dm-worker {}", source, worker));
  if (!w->second.bound_source.empty()) {
    return Fail(fmt::format("dm-worker {} is bound to source {}; transfer-source needs a free worker", worker,
                            w->second.bound_source));
  }
  std::vector<std::string> running;
  for (const auto& [key, subtask] : view->subtasks) {
    if (key.second == source && subtask.stage == ExpectedStage::kRunning) running.push_back(key.first);
  }
  if (!running.empty()) {
    // The old worker must have stopped before the new one starts: pausing
    // first makes that an operator-visible step.
    return Fail(fmt::format("source {} has running tasks {}; pause them (pause-task), transfer the source, then "
                            "resume them (resume-task)",
                            source, JoinNames(running)));
  }
  const std::string value = BindingValue(source, worker);
  std::vector<etcd::Compare> compares = {etcd::Compare::ValueIs(keys::Leader(), leader_value_),
                                         etcd::Compare::Missing(keys::BoundWorker(worker)),
                                         etcd::Compare::Exists(keys::WorkerKeepalive(worker))};
  std::vector<etcd::Op> ops = {etcd::Op::Put(keys::BoundWorker(worker), value),
                               etcd::Op::Put(keys::LastBoundWorker(worker), value)};
  if (!current.empty()) {
    compares.push_back(etcd::Compare::ValueIs(keys::BoundWorker(current), BindingValue(source, current)));
    ops.push_back(etcd::Op::Delete(keys::BoundWorker(current)));
  }
  auto txn = client_.Txn(compares, ops, {});
  if (!txn.ok()) return Fail(txn.status().message(), 503);
  if (!txn->succeeded) return Fail("the cluster changed during transfer-source; retry");
  log::Info("source transferred", {{"source", source}, {"from", current}, {"to", worker}});
  return Succeeded();
}

http::Response MasterServer::SelfConfig() const {
  json out;
  out["result"] = true;
  out["msg"] = "";
  out["cfg"] = config::EncodeToml(cfg_);
  return Json(200, out);
}

http::Response MasterServer::MemberConfig(const std::string& type, const std::string& name) {
  if (type == "master" && name == cfg_.name) return SelfConfig();
  std::string address;
  if (type == "master") {
    auto value = client_.Get(keys::MasterPresence(name));
    if (!value.ok()) return Fail(value.status().message(), 503);
    if (value->has_value()) address = json::parse((*value)->value, nullptr, false).value("address", "");
  } else {
    auto view = ReadClusterView(client_);
    if (!view.ok()) return Fail(view.status().message(), 503);
    if (auto worker = view->workers.find(name); worker != view->workers.end()) address = worker->second.address;
  }
  if (address.empty()) return Fail(fmt::format("dm-{} with name {} not exists", type, name));
  auto response = http::Call(address, "GET", "/apis/v1alpha1/config/self", "", peer_options_);
  if (!response.ok()) {
    return Fail(fmt::format("cannot reach dm-{} {} at {}: {}", type, name, address, response.status().message()));
  }
  return *response;
}

http::Response MasterServer::GetConfig(const http::Request& req) {
  const std::string type = req.captures.at(1);
  const std::string name = req.captures.at(2);
  if (type == "master" || type == "worker") return MemberConfig(type, name);
  auto view = ReadClusterView(client_);
  if (!view.ok()) return Fail(view.status().message(), 503);
  std::string text;
  if (type == "source") {
    auto it = view->sources.find(name);
    if (it == view->sources.end()) return Fail(fmt::format("source config with ID {} does not exist", name));
    text = it->second;
  } else {
    auto subtasks = view->SubTasksOf(name);
    if (subtasks.empty()) return Fail(fmt::format("task {} has no source or not exist", name));
    text = subtasks.front()->task_yaml;
  }
  json out;
  out["result"] = true;
  out["msg"] = "";
  out["cfg"] = HidePasswords(text);
  return Json(200, out);
}

http::Response MasterServer::OperateSchema(const http::Request& req) {
  auto body = ParseBody(req);
  if (!body.ok()) return Fail(body.status().message(), 400);
  std::vector<std::string> sources = StringList(*body, "sources");
  if (sources.empty()) return Fail("must specify at least one source");
  std::sort(sources.begin(), sources.end());
  sources.erase(std::unique(sources.begin(), sources.end()), sources.end());
  auto view = ReadClusterView(client_);
  if (!view.ok()) return Fail(view.status().message(), 503);
  json out;
  out["result"] = true;
  out["msg"] = "";
  out["sources"] = json::array();
  for (const std::string& source : sources) {
    const std::string worker = BoundWorkerOf(*view, source);
    if (worker.empty()) {
      out["sources"].push_back(
          SourceResult(source, "", false, fmt::format("source {} relevant worker-client not found", source)));
      continue;
    }
    // DM's OperateWorkerSchemaRequest: the master's request for one source.
    json forwarded = *body;
    forwarded.erase("sources");
    forwarded["source"] = source;
    auto response =
        http::Call(view->workers[worker].address, "PUT", "/apis/v1alpha1/schema", forwarded.dump(), peer_options_);
    json answer = response.ok() ? json::parse(response->body, nullptr, false) : json();
    if (!answer.is_object() || !answer.contains("result")) {
      const std::string why = response.ok() ? fmt::format("HTTP {}: {}", response->status, response->body.substr(0, 200))
                                            : response.status().message();
      out["sources"].push_back(SourceResult(source, worker, false, fmt::format("cannot reach dm-worker {}: {}", worker, why)));
      continue;
    }
    out["sources"].push_back(SourceResult(source, worker, answer.value("result", false), answer.value("msg", "")));
  }
  return Json(200, out);
}

http::Response MasterServer::WorkerKeepalive(const http::Request& req) {
  auto body = ParseBody(req);
  if (!body.ok()) return Fail(body.status().message(), 400);
  const std::string name = StringField(*body, "name");
  const std::string address = StringField(*body, "address");
  const auto ttl = std::max(kMinKeepaliveTtl, std::chrono::seconds(body->value("keepalive_ttl", int64_t{60})));
  if (name.empty() || address.empty()) return Fail("a worker keepalive needs `name` and `address`", 400);

  auto registration = client_.Get(keys::WorkerRegistration(name));
  if (!registration.ok()) return Fail(registration.status().message(), 503);
  const std::string reg_value = RegistrationValue(name, address);
  if (!registration->has_value() || (*registration)->value != reg_value) {
    if (auto put = client_.Put(keys::WorkerRegistration(name), reg_value); !put.ok()) {
      return Fail(put.status().message(), 503);
    }
    log::Info("worker registered", {{"worker", name}, {"address", address}});
  }
  auto keepalive = client_.Get(keys::WorkerKeepalive(name));
  if (!keepalive.ok()) return Fail(keepalive.status().message(), 503);
  bool alive = false;
  if (keepalive->has_value() && (*keepalive)->lease != 0) {
    auto kept = client_.KeepAliveOnce((*keepalive)->lease);
    if (!kept.ok() && kept.status().code() != StatusCode::kNotFound) return Fail(kept.status().message(), 503);
    alive = kept.ok();
  }
  if (!alive) {
    auto lease = client_.GrantLease(ttl);
    if (!lease.ok()) return Fail(lease.status().message(), 503);
    if (auto put = client_.Put(keys::WorkerKeepalive(name), json{{"name", name}}.dump(), *lease); !put.ok()) {
      return Fail(put.status().message(), 503);
    }
    log::Info("worker is online", {{"worker", name}, {"keepalive_ttl_s", ttl.count()}});
  }

  auto bound = client_.Get(keys::BoundWorker(name));
  if (!bound.ok()) return Fail(bound.status().message(), 503);
  json out;
  out["result"] = true;
  out["msg"] = "";
  out["source"] = "";
  out["source_config"] = "";
  out["subtasks"] = json::array();
  if (!bound->has_value()) return Json(200, out);
  const std::string source = json::parse((*bound)->value, nullptr, false).value("source", "");

  // The worker holding a subtask's dump files keeps its claim on them while
  // it dumps or loads, so a failover waits for it (dm-spec §1.3).
  for (const json& reported : body->value("subtasks", json::array())) {
    if (reported.value("source", "") != source) continue;
    const std::string task = reported.value("task", "");
    // As DM: --start-time applies once; a start-task since then rewrote the
    // key, so only the revision the worker consumed is deleted.
    if (const int64_t consumed = reported.value("start_time_consumed_revision", int64_t{0}); consumed != 0) {
      auto deleted = client_.Txn({etcd::Compare::ModRevisionIs(keys::TaskCliArgs(task, source), consumed)},
                                 {etcd::Op::Delete(keys::TaskCliArgs(task, source))}, {});
      if (deleted.ok() && deleted->succeeded) {
        log::Info("--start-time consumed; later starts resume from the checkpoint",
                  {{"task", task}, {"source", source}, {"worker", name}});
      }
    }
    const std::string unit = reported.value("unit", "");
    const std::string key = keys::LoadTask(task, source);
    const std::string claim = json{{"worker", name}}.dump();
    if (unit == "Dump" || unit == "Load") {
      auto current = client_.Get(key);
      if (current.ok() && (!current->has_value() || (*current)->value != claim)) (void)client_.Put(key, claim);
    } else if (unit == "Sync" || reported.value("stage", "") == "Finished") {
      (void)client_.Txn({etcd::Compare::ValueIs(key, claim)}, {etcd::Op::Delete(key)}, {});
    }
  }

  auto desired = client_.Txn({}, {etcd::Op::Get(keys::SourceConfig(source)),
                                  etcd::Op::GetPrefix(keys::SubTaskConfigPrefix(source)),
                                  etcd::Op::GetPrefix(keys::SubTaskStagePrefix(source)),
                                  etcd::Op::GetPrefix(keys::TaskCliArgsPrefix())},
                             {});
  if (!desired.ok()) return Fail(desired.status().message(), 503);
  if (desired->ranges.size() != 4 || desired->ranges[0].kvs.empty()) return Json(200, out);  // source being removed
  out["source"] = source;
  out["source_config"] = desired->ranges[0].kvs.front().value;
  std::map<std::string, std::pair<std::string, int64_t>> stages;  // task -> (stage, its key's revision)
  for (const etcd::KeyValue& kv : desired->ranges[2].kvs) {
    auto segments = keys::DecodeSegments(kv.key, keys::SubTaskStagePrefix());
    if (segments.ok() && segments->size() == 2) {
      stages[(*segments)[1]] = {json::parse(kv.value, nullptr, false).value("expect", "Running"), kv.mod_revision};
    }
  }
  std::map<std::string, json> start_times;  // task -> the subtask entry's start_time fields
  for (const etcd::KeyValue& kv : desired->ranges[3].kvs) {
    auto segments = keys::DecodeSegments(kv.key, keys::TaskCliArgsPrefix());
    if (!segments.ok() || segments->size() != 2 || (*segments)[1] != source) continue;
    json args = json::parse(kv.value, nullptr, false);
    if (!args.is_object()) continue;
    start_times[(*segments)[0]] = {{"start_time", args.value("start-time", "")},
                                   {"start_time_checkpoint", args.value("checkpoint-at-start-task", "")},
                                   {"start_time_revision", kv.mod_revision}};
  }
  for (const etcd::KeyValue& kv : desired->ranges[1].kvs) {
    auto segments = keys::DecodeSegments(kv.key, keys::SubTaskConfigPrefix());
    if (!segments.ok() || segments->size() != 2) continue;
    const std::string& task = (*segments)[1];
    auto stage = stages.find(task);
    if (stage == stages.end()) continue;  // stop-task removed it
    // The stage key's revision tells a worker about a resume-task even when
    // the expected stage stays Running (a subtask paused by an error).
    json entry = {{"task", task},
                  {"task_config", kv.value},
                  {"stage", stage->second.first},
                  {"stage_revision", stage->second.second}};
    if (auto args = start_times.find(task); args != start_times.end()) entry.update(args->second);
    out["subtasks"].push_back(std::move(entry));
  }
  return Json(200, out);
}

http::Response MasterServer::JoinMember(const http::Request& req) {
  auto body = ParseBody(req);
  if (!body.ok()) return Fail(body.status().message(), 400);
  const std::string name = StringField(*body, "name");
  const std::vector<std::string> peer_urls = StringList(*body, "peer_urls");
  if (name.empty() || peer_urls.empty()) return Fail("joining needs the new master's `name` and `peer_urls`", 400);
  if (!cfg_.etcd_endpoints.empty()) {
    return Fail("this cluster's masters share an external etcd: start the new master with the same etcd-endpoints "
                "instead of join");
  }
  auto members = client_.ListMembers();
  if (!members.ok()) return Fail(members.status().message(), 503);
  for (const etcd::Member& m : *members) {
    if (m.name == name) return Fail(fmt::format("a dm-master named {} is already a member", name));
  }
  auto added = client_.AddMember(peer_urls);
  if (!added.ok()) {
    return Fail(fmt::format("cannot add etcd member {}: {}", name, added.status().message()),
                added.status().IsRetryable() ? 503 : 200);
  }
  std::vector<std::string> initial;
  for (const etcd::Member& m : *members) {
    for (const std::string& url : m.peer_urls) {
      if (!m.name.empty()) initial.push_back(fmt::format("{}={}", m.name, url));
    }
  }
  for (const std::string& url : peer_urls) initial.push_back(fmt::format("{}={}", name, url));
  log::Info("dm-master joins the cluster", {{"name", name}, {"peer_urls", fmt::format("{}", fmt::join(peer_urls, ","))}});
  json out;
  out["result"] = true;
  out["msg"] = "";
  out["initial_cluster"] = fmt::format("{}", fmt::join(initial, ","));
  return Json(200, out);
}

}  // namespace dm::master
