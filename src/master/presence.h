// A dm-master's presence on an external etcd cluster (`etcd-endpoints`).
// With its own etcd member, etcd's member list names the masters for
// list-member and offline-member; on an external etcd it names etcd's own
// members instead, so each master keeps a key under
// keys::MasterPresencePrefix() on a lease it renews. The key is gone a TTL
// after the master stops renewing it, whether it stopped cleanly or died.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "etcd/client.h"

namespace dm::master {

struct PresentMaster {
  std::string name;
  std::string address;  // advertise-addr
};

class MasterPresence {
 public:
  // `client` must outlive this. The key's value is {"name", "address"}.
  MasterPresence(etcd::Client& client, PresentMaster self, std::chrono::seconds ttl);

  // Keeps the key alive: renews the lease, or, when there is none yet or it
  // expired (etcd unreachable for a TTL), grants one and writes the key
  // again. Call it several times per TTL.
  Status Renew();

  // Ends the lease now, so the key goes at once (a clean stop).
  Status Withdraw();

 private:
  etcd::Client& client_;
  PresentMaster self_;
  std::chrono::seconds ttl_;
  int64_t lease_ = 0;
};

// The masters whose presence key exists, in name order.
Result<std::vector<PresentMaster>> ListPresentMasters(etcd::Client& client);

}  // namespace dm::master
