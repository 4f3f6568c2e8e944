// dm::etcd::EmbeddedEtcd: the etcd member a dm-master runs next to itself.
// It is Debian's `etcd` binary (etcd-server, 3.4) run as a child process,
// not linked code: dm starts it, checks it serves, and stops it.
//
// Child-process contract (docs/design/etcd.md):
//   - the child gets SIGKILL when its parent dies, however the parent dies
//     (PR_SET_PDEATHSIG, and a getppid() check right after it for a parent
//     that died before the call); PDEATHSIG follows the *thread* that
//     forked, so a supervisor thread owned by this object forks and reaps
//     the child and lives exactly as long as the child;
//   - stdout and stderr go to <data_dir>/etcd.log (appended), stdin is
//     /dev/null, no other descriptor of dm is inherited, the signal mask is
//     cleared;
//   - Stop() sends SIGTERM, waits a bounded grace period, then SIGKILL; the
//     destructor stops.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "etcd/client.h"

namespace dm::etcd {

// The member's settings, named as etcd's flags. The defaults are DM's
// (dm-master.toml's etcd knobs).
struct EmbeddedOptions {
  std::string binary;    // empty: `etcd` on PATH, else /usr/bin/etcd
  std::string name;      // --name, unique in the cluster
  std::string data_dir;  // --data-dir, created when missing; also holds etcd.log
  // --listen-client-urls and --advertise-client-urls: one loopback URL,
  // "http://127.0.0.1:PORT" ("https://" with tls); dm-master is the only
  // direct client.
  std::string client_url;
  std::vector<std::string> peer_urls;            // --listen-peer-urls
  std::vector<std::string> advertise_peer_urls;  // --initial-advertise-peer-urls; empty: peer_urls
  // --initial-cluster "n1=http://h1:8291,n2=..."; empty: this member alone.
  std::string initial_cluster;
  std::string initial_cluster_state = "new";  // "new" or "existing" (joining)
  std::string auto_compaction_mode = "periodic";
  std::string auto_compaction_retention = "1h";
  int64_t quota_backend_bytes = int64_t{2} << 30;
  uint64_t max_txn_ops = 2048;
  uint64_t max_request_bytes = 1572864;
  // DM's ssl-ca / ssl-cert / ssl-key. With a cert, the client URL must be
  // https:// (--cert-file, --key-file) and https:// peer URLs use it too
  // (--peer-*); with a CA as well, clients and peers must present a
  // certificate it signed (--client-cert-auth). Empty: plain http.
  ClientTlsOptions tls;
  // How long WaitUntilServing()/Start() wait for the member to serve.
  std::chrono::milliseconds start_timeout{std::chrono::seconds(60)};
};

class EmbeddedEtcd {
 public:
  EmbeddedEtcd() = default;
  // Stops the member (as Stop()).
  ~EmbeddedEtcd();
  EmbeddedEtcd(const EmbeddedEtcd&) = delete;
  EmbeddedEtcd& operator=(const EmbeddedEtcd&) = delete;

  // Spawn() then WaitUntilServing(). Works on an existing data dir: etcd
  // then ignores initial_cluster and rejoins with what it stored.
  Status Start(EmbeddedOptions options);

  // Starts the child and returns without waiting: a member of a new
  // multi-member cluster serves only once a majority runs, so a caller
  // starting several members spawns them all before waiting on any.
  // InvalidArgument for bad options (no name, a non-loopback client URL, no
  // peer URL, a state other than new/existing), FailedPrecondition when no
  // etcd binary is found or a member is already running.
  // A stopped or exited member may be started again by the same object.
  Status Spawn(EmbeddedOptions options);

  // Waits until the member answers on its client URL, at most
  // options.start_timeout. Fails with the tail of etcd.log when the child
  // exits first (Unavailable) or does not come up in time (Unavailable, the
  // child is left running for the caller to Stop()).
  Status WaitUntilServing();

  // SIGTERM, up to `grace` for the child to exit, then SIGKILL; reaps it
  // and joins the supervisor thread. OK when it was not running.
  Status Stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

  // True while the child runs (spawned and not yet exited). Thread-safe.
  bool Alive() const;

  // The child's process id; 0 before Spawn(). Thread-safe.
  pid_t pid() const;

  const std::string& client_url() const { return options_.client_url; }
  std::string log_path() const;

 private:
  // Body of the supervisor thread: fork + exec, then reap.
  void Supervise(std::vector<std::string> argv, int log_fd, pid_t parent);
  // The last lines of etcd.log, for error messages.
  std::string LogTail() const;

  EmbeddedOptions options_;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  pid_t pid_ = 0;        // GUARDED_BY(mu_)
  bool forked_ = false;  // GUARDED_BY(mu_): the supervisor finished fork()
  bool exited_ = false;  // GUARDED_BY(mu_): the child was reaped
  int fork_errno_ = 0;   // GUARDED_BY(mu_)
  int wait_status_ = 0;  // GUARDED_BY(mu_)
  std::thread supervisor_;
};

}  // namespace dm::etcd
