#include "etcd/election.h"

#include <utility>

#include "common/log.h"

namespace dm::etcd {

Election::Election(Client& client, std::string key, std::string value, std::chrono::seconds ttl)
    : client_(client), key_(std::move(key)), value_(std::move(value)), ttl_(ttl) {}

Status Election::RenewLease() {
  if (lease_ != 0) {
    auto renewed = client_.KeepAliveOnce(lease_);
    if (renewed.ok()) return Status::OK();
    if (renewed.status().code() != StatusCode::kNotFound) return std::move(renewed).status();
    log::Warn("election lease expired", {{"key", key_}, {"lease", lease_}});
    lease_ = 0;
    leader_revision_ = 0;
  }
  DM_ASSIGN_OR_RETURN(lease_, client_.GrantLease(ttl_));
  return Status::OK();
}

Result<bool> Election::Step() {
  DM_RETURN_IF_ERROR(RenewLease());
  // Create the key when missing; either way read it back, so a key we wrote
  // in an earlier step (still on our lease) is recognised as ours.
  DM_ASSIGN_OR_RETURN(TxnResult txn, client_.Txn({Compare::Missing(key_)},
                                                 {Op::Put(key_, value_, lease_), Op::Get(key_)}, {Op::Get(key_)}));
  const bool was_leader = leader_revision_ != 0;
  leader_revision_ = 0;
  if (!txn.ranges.empty() && !txn.ranges.front().kvs.empty()) {
    const KeyValue& holder = txn.ranges.front().kvs.front();
    if (holder.lease == lease_) leader_revision_ = holder.mod_revision;
  }
  const bool leading = leader_revision_ != 0;
  if (leading != was_leader) {
    log::Info(leading ? "became leader" : "lost leadership", {{"key", key_}, {"value", value_}, {"lease", lease_}});
  }
  return leading;
}

Result<std::optional<std::string>> Election::Leader() {
  DM_ASSIGN_OR_RETURN(std::optional<KeyValue> holder, client_.Get(key_));
  if (!holder) return std::optional<std::string>();
  return std::optional<std::string>(std::move(holder->value));
}

Status Election::Resign() {
  if (leader_revision_ != 0) {
    DM_RETURN_IF_ERROR(client_.Txn({Compare::ModRevisionIs(key_, leader_revision_)}, {Op::Delete(key_)}, {}).status());
    leader_revision_ = 0;
    log::Info("resigned leadership", {{"key", key_}, {"value", value_}});
  }
  if (lease_ != 0) {
    Status revoked = client_.RevokeLease(lease_);
    if (!revoked.ok() && revoked.code() != StatusCode::kNotFound) return revoked;
    lease_ = 0;
  }
  return Status::OK();
}

}  // namespace dm::etcd
