// dm::etcd::Client: the KV, lease and cluster calls dm needs from etcd v3,
// spoken over etcd's JSON gateway (POST /v3/...; shapes in gateway_json.h,
// why the gateway in docs/design/etcd.md).
//
// Endpoints are tried in turn: a call starts at the endpoint that answered
// last and moves on when an endpoint refuses the connection or says it has
// no leader, so a cluster that lost a minority of members keeps answering.
// A call that reached an endpoint and then failed mid-way (read timeout) is
// not resent, because it may have been applied; it fails with Unavailable
// and the caller decides whether repeating it is safe.
//
// Errors: Unavailable when no endpoint answered (retry later), NotFound for
// an unknown or expired lease, InvalidArgument for a request etcd refused,
// Corruption for an answer that is not the gateway's JSON; each message is
// etcd's own or names the endpoints tried.
//
// Thread-safe: any number of threads may share one Client. Every call opens
// its own connection, so a slow call never holds up another.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "etcd/types.h"

namespace httplib {
class Client;
}  // namespace httplib

namespace dm::etcd {

// Client-side TLS for https:// endpoints (DM's ssl-ca / ssl-cert / ssl-key).
struct ClientTlsOptions {
  std::string ca;    // PEM file of the CA that signed etcd's certificate; empty: system CAs
  std::string cert;  // PEM client certificate, when etcd asks for one
  std::string key;   // PEM key of `cert`
};

struct ClientOptions {
  // "http://127.0.0.1:2379" or "https://host:2379"; a bare "host:port" means
  // http. At least one.
  std::vector<std::string> endpoints;
  ClientTlsOptions tls;
  // Bound on connecting, sending and reading one call to one endpoint.
  std::chrono::milliseconds request_timeout{5000};
};

class Client {
 public:
  // Validates the endpoints and checks that one of them answers
  // (/v3/maintenance/status). InvalidArgument for a malformed endpoint,
  // Unavailable when none answers within request_timeout each.
  static Result<std::unique_ptr<Client>> Connect(ClientOptions options);

  // Builds a client without contacting etcd (EmbeddedEtcd polls its own
  // member with one while it starts). Same validation as Connect.
  static Result<std::unique_ptr<Client>> Create(ClientOptions options);

  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  ~Client();

  // Sets `key` to `value`, attached to `lease` when non-zero (the key goes
  // when the lease ends). Returns the store's revision after the write.
  // NotFound when the lease does not exist.
  Result<int64_t> Put(std::string_view key, std::string_view value, int64_t lease = 0);

  // The key, or nullopt when it does not exist.
  Result<std::optional<KeyValue>> Get(std::string_view key);

  // Every key starting with `prefix`, in key order, with the store revision
  // they were read at ("" reads the whole keyspace).
  Result<RangeResult> GetPrefix(std::string_view prefix);

  // Deletes `key`; returns how many keys were deleted (0 or 1).
  Result<int64_t> Delete(std::string_view key);

  // Deletes every key starting with `prefix`; returns how many.
  Result<int64_t> DeletePrefix(std::string_view prefix);

  // Atomically: when every compare holds, runs `success`, else `failure`.
  // etcd refuses (InvalidArgument) a branch that writes one key twice and
  // more ops than its --max-txn-ops.
  Result<TxnResult> Txn(const std::vector<Compare>& compares, const std::vector<Op>& success,
                        const std::vector<Op>& failure);

  // Grants a lease of `ttl` (etcd raises a TTL below its minimum, about
  // 2 s with default timing). Returns the lease id.
  Result<int64_t> GrantLease(std::chrono::seconds ttl);

  // Renews `lease` once; returns its TTL from now. NotFound when the lease
  // expired or was revoked.
  Result<std::chrono::seconds> KeepAliveOnce(int64_t lease);

  // Ends `lease` now, deleting the keys attached to it. NotFound when it
  // does not exist (any more).
  Status RevokeLease(int64_t lease);

  // The members of the cluster, as the answering member knows them.
  Result<std::vector<Member>> ListMembers();

  // Announces a new member with `peer_urls`; it must then be started with
  // initial-cluster-state=existing. Returns it (its id; no name yet).
  // Unavailable ("unhealthy cluster") while a member is down or the members
  // have been connected for less than etcd's 5 s health interval: retry.
  Result<Member> AddMember(const std::vector<std::string>& peer_urls);

  // Removes member `id` from the cluster. NotFound for an unknown id.
  Status RemoveMember(uint64_t id);

  // What the first answering endpoint says about its member.
  Result<MemberStatus> EndpointStatus();

  // Called once per change, in revision order, on the thread running Watch.
  using WatchCallback = std::function<void(const WatchEvent&)>;

  // Streams every change of the keys starting with `prefix` made at or
  // after `from_revision` (0: after the current revision) to `on_event`,
  // until `stop` is requested, then returns OK. A stop is noticed within
  // about a second: an idle stream is re-opened every second, resuming
  // after the last change delivered, so no change is lost or repeated; the
  // same holds when the endpoint goes away and the next one is used.
  // Fails with Aborted when `from_revision` is older than etcd's compaction
  // (re-read with GetPrefix and watch from its revision + 1), Unavailable
  // when no endpoint answers, or etcd's error for a watch it cancels.
  // REQUIRES: `on_event` does not call Watch on this thread.
  Status Watch(std::string_view prefix, int64_t from_revision, const WatchCallback& on_event, std::stop_token stop);

  // The endpoints as given, normalised to scheme://host:port.
  const std::vector<std::string>& endpoints() const { return endpoints_; }

 private:
  explicit Client(ClientOptions options, std::vector<std::string> endpoints);

  // A connection to `endpoint` with the TLS options, request_timeout for
  // connecting and writing, and `read_timeout` for each read.
  std::unique_ptr<httplib::Client> Connection(const std::string& endpoint,
                                              std::chrono::milliseconds read_timeout) const;
  // POSTs `request` to `path` on the endpoints in turn (see the class
  // comment) and returns the parsed answer of the first that answers.
  Result<nlohmann::json> Call(std::string_view path, const nlohmann::json& request);
  Result<RangeResult> Range(std::string_view key, std::string_view range_end);
  Result<int64_t> DeleteRange(std::string_view key, std::string_view range_end);

  const ClientOptions options_;
  const std::vector<std::string> endpoints_;
  std::atomic<size_t> preferred_{0};  // index of the endpoint that answered last
};

}  // namespace dm::etcd
