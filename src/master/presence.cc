#include "master/presence.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "master/keys.h"

namespace dm::master {

MasterPresence::MasterPresence(etcd::Client& client, PresentMaster self, std::chrono::seconds ttl)
    : client_(client), self_(std::move(self)), ttl_(ttl) {}

Status MasterPresence::Renew() {
  if (lease_ != 0) {
    auto renewed = client_.KeepAliveOnce(lease_);
    if (renewed.ok()) return Status::OK();
    if (renewed.status().code() != StatusCode::kNotFound) return renewed.status();
    lease_ = 0;  // expired: the key went with it
  }
  DM_ASSIGN_OR_RETURN(int64_t lease, client_.GrantLease(ttl_));
  const nlohmann::json value = {{"name", self_.name}, {"address", self_.address}};
  DM_RETURN_IF_ERROR(client_.Put(keys::MasterPresence(self_.name), value.dump(), lease).status());
  lease_ = lease;
  return Status::OK();
}

Status MasterPresence::Withdraw() {
  if (lease_ == 0) return Status::OK();
  const int64_t lease = lease_;
  lease_ = 0;
  Status revoked = client_.RevokeLease(lease);
  return revoked.code() == StatusCode::kNotFound ? Status::OK() : revoked;
}

Result<std::vector<PresentMaster>> ListPresentMasters(etcd::Client& client) {
  DM_ASSIGN_OR_RETURN(etcd::RangeResult range, client.GetPrefix(keys::MasterPresencePrefix()));
  std::vector<PresentMaster> masters;
  for (const etcd::KeyValue& kv : range.kvs) {
    const nlohmann::json doc = nlohmann::json::parse(kv.value, nullptr, false);
    if (!doc.is_object()) {
      return Status::Corruption(fmt::format("etcd key '{}' does not hold a master's JSON", kv.key));
    }
    masters.push_back({doc.value("name", ""), doc.value("address", "")});
  }
  return masters;
}

}  // namespace dm::master
