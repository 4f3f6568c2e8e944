// MariaDbGtidState: the last GTID per replication domain, the form MariaDB's
// @@gtid_slave_pos, @@gtid_binlog_pos and @slave_connect_state use
// ("0-1-100,1-2-7"). A replica connecting in GTID mode sends it, and the
// server streams every event group after those GTIDs.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "binlog/gtid_events.h"
#include "common/status.h"

namespace dm::binlog {

class MariaDbGtidState {
 public:
  MariaDbGtidState() = default;

  // Parses "D-S-N[,D-S-N...]" (spaces around items allowed; "" is the empty
  // state). InvalidArgument naming the bad item for malformed numbers or a
  // domain given twice (the server takes one GTID per domain).
  static Result<MariaDbGtidState> Parse(std::string_view text);

  // Records `gtid` as the last one of its domain.
  void Update(const MariaDbGtid& gtid) { gtids_[gtid.domain_id] = gtid; }
  // Records every GTID of a GTID_LIST event: per domain, the one with the
  // highest sequence number (a list may name several servers per domain).
  void UpdateFromList(const MariaDbGtidListEvent& list);

  // "0-1-100,1-2-7", domains ascending; "" when empty.
  std::string ToString() const;
  bool empty() const { return gtids_.empty(); }
  std::optional<MariaDbGtid> Find(uint32_t domain_id) const;
  const std::map<uint32_t, MariaDbGtid>& gtids() const { return gtids_; }

  friend bool operator==(const MariaDbGtidState&, const MariaDbGtidState&) = default;

 private:
  std::map<uint32_t, MariaDbGtid> gtids_;
};

}  // namespace dm::binlog
