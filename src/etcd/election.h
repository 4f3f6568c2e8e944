// dm::etcd::Election: leader election among dm-masters on one etcd key.
//
// Scheme (docs/design/etcd.md): each candidate holds a lease of `ttl`; the
// leader is whoever created `key`, attached to its lease, with a transaction
// that writes only when the key is missing. The key lives as long as the
// leader keeps its lease alive, so when the leader process dies or stops
// stepping, etcd deletes the key within `ttl` and the next Step() of another
// candidate takes it: a handover takes at most ttl + one step interval.
// A leader that could not renew its lease in time loses the key with it and
// learns so at its next Step() (the renewal fails or the key is not ours).
//
// Not thread-safe: one thread steps an Election. The Client is shared and
// must outlive the Election.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"
#include "etcd/client.h"

namespace dm::etcd {

class Election {
 public:
  // `value` identifies this candidate (dm-master's name or address) and is
  // what Leader() returns while it leads. Nothing is sent until Step().
  Election(Client& client, std::string key, std::string value, std::chrono::seconds ttl);

  // One round, meant to run about every second (well under ttl / 3): renews
  // our lease (granting a new one when it is gone), takes the key when it
  // is free, and returns whether we lead now. An error (etcd unreachable)
  // means we cannot know; a caller that led must then act as a follower
  // until a Step() succeeds, since the lease may expire meanwhile.
  Result<bool> Step();

  // The current leader's value, or nullopt when nobody leads.
  Result<std::optional<std::string>> Leader();

  // Steps down: deletes the key only while it is still the one we wrote
  // (mod-revision compare, so another leader's key is never touched) and
  // revokes our lease. OK when we did not lead. The next Step() competes
  // again (with a fresh lease).
  Status Resign();

  // Our current lease (0 before the first Step() and after Resign()).
  int64_t lease() const { return lease_; }

 private:
  // Keeps lease_ alive, replacing it when etcd no longer has it.
  Status RenewLease();

  Client& client_;
  const std::string key_;
  const std::string value_;
  const std::chrono::seconds ttl_;
  int64_t lease_ = 0;
  int64_t leader_revision_ = 0;  // mod revision of the key we wrote; 0 while not leading
};

}  // namespace dm::etcd
