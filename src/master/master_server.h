// MasterServer: dm-master's control plane on top of etcd (DESIGN.md §2,
// dm-spec §1.2-1.5). Every master serves the same API on its one port; the
// elected leader runs the scheduler and answers dmctl, followers forward
// dmctl's requests to it. Workers keep their lease alive through any master
// and receive, in the same round trip, the state they must converge to: the
// source they are bound to and its subtasks with their expected stages.
//
// Thread-safety: handlers run on the HTTP server's threads; the leader loop
// runs on its own thread; all shared state is guarded.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/encrypt.h"
#include "config/master_config.h"
#include "etcd/client.h"
#include "http/client.h"
#include "http/metrics.h"
#include "http/server.h"
#include "master/cluster_view.h"

namespace dm::master {

// The leader key's lease: a killed leader is replaced within this time, plus
// etcd's own re-election when its member led etcd too (etcd then renews every
// lease to its full TTL), plus one step of the loop. DM uses 60 s; dm fails
// over faster.
inline constexpr std::chrono::seconds kElectionTtl{3};
// The longest stop-task and pause-task wait for the workers to confirm (DM
// retries its check for about as long).
inline constexpr std::chrono::seconds kAwaitWorkers{30};

class MasterServer {
 public:
  // `client` and `metrics` must outlive the server. `key` decrypts passwords
  // of the source and task files users send.
  MasterServer(config::MasterConfig cfg, crypto::SecretKey key, etcd::Client& client,
               http::MetricsRegistry& metrics);
  ~MasterServer();
  MasterServer(const MasterServer&) = delete;
  MasterServer& operator=(const MasterServer&) = delete;

  // Installs the API on `server`. REQUIRES: before server.Start().
  void RegisterHandlers(http::Server& server);

  // Starts campaigning for leadership; the leader schedules once a second.
  void Start();
  // Stops the loop and resigns leadership, so another master takes over at
  // once. Idempotent.
  void Stop();

  bool IsLeader() const;

 private:
  struct LeaderInfo {
    bool self = false;
    std::string name;
    std::string address;  // empty while no leader is known
  };

  void LeaderLoop(std::stop_token stop);
  // One scheduling pass: reads the cluster and applies every planned change.
  // Serialised by bind_mu_. REQUIRES: this master leads.
  Status SchedulePass();
  LeaderInfo Leader() const;

  // Runs `local` on the leader; on a follower, sends the request there.
  http::Handler OnLeader(http::Handler local);

  http::Response OperateSource(const http::Request& req);
  http::Response CheckTask(const http::Request& req);
  http::Response StartTask(const http::Request& req);
  http::Response OperateTask(const http::Request& req);
  http::Response QueryStatus(const http::Request& req);
  http::Response ListTasks(const http::Request& req);
  http::Response ListMembers(const http::Request& req);
  // As DM's waitOperationOk: stop-task and pause-task return once the bound
  // live workers report each subtask gone (`stopped`) or paused, waiting at
  // most min(rpc-timeout, kAwaitWorkers). So a start-task --remove-meta right
  // after stop-task cannot meet a syncer that still flushes the checkpoint
  // it removes.
  void AwaitWorkers(const ClusterView& view, const std::vector<const SubTaskRecord*>& targets, bool stopped) const;
  // list-member's `masters` entries for the names `wanted` accepts: etcd's
  // members, or the presence keys when the masters share an external etcd.
  Result<nlohmann::ordered_json> ListMasters(const std::function<bool(const std::string&)>& wanted);
  http::Response OfflineMember(const http::Request& req);
  // Served by the master asked, not the leader (as DM): evict makes it
  // resign and stay out of the election until cancel-evict.
  http::Response OperateLeader(const http::Request& req);
  http::Response TransferSource(const http::Request& req);
  // get-config task|source from etcd (passwords hidden); master|worker from
  // that member's running config (MemberConfig).
  http::Response GetConfig(const http::Request& req);
  // The config of the master or worker `name`: this master's own, or asked
  // from that member's /apis/v1alpha1/config/self.
  http::Response MemberConfig(const std::string& type, const std::string& name);
  // This master's running config as TOML, secrets hidden (DM's get-config master).
  http::Response SelfConfig() const;
  // binlog-schema list|update|delete (DM's OperateSchema): forwarded to the
  // worker bound to each `-s` source, whose answers are listed by source.
  http::Response OperateSchema(const http::Request& req);
  http::Response WorkerKeepalive(const http::Request& req);
  http::Response JoinMember(const http::Request& req);

  config::MasterConfig cfg_;
  crypto::SecretKey key_;
  etcd::Client& client_;
  http::MetricsRegistry& metrics_;
  http::ClientOptions peer_options_;  // to workers and the leader
  std::string leader_value_;         // what this master writes into the leader key

  mutable std::mutex mu_;
  LeaderInfo leader_;  // guarded by mu_
  // operate-leader evict: the loop resigns and does not campaign. In memory,
  // as DM's: a restarted master campaigns again.
  std::atomic<bool> evicted_{false};

  std::mutex bind_mu_;  // one binding change at a time on the leader
  std::jthread loop_;
};

}  // namespace dm::master
