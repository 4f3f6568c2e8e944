// DM's --start-time (dm-worker's standalone flag, the value dmctl
// start-task --start-time passes): sync starts from the first event group in
// the upstream's binlog whose first event was written at or after that time,
// found by reading the upstream's binlog files. It takes precedence over the
// checkpoint, the task's meta and the dump's metadata.
//
//   DM_ASSIGN_OR_RETURN(int64_t at, StartTimeSeconds("2021-10-21 00:01:00", task.timezone, target));
//   DM_ASSIGN_OR_RETURN(binlog::Location from, LocateStartTime(upstream, server_id, at));
#pragma once

#include <cstdint>
#include <string_view>

#include "binlog/location.h"
#include "common/status.h"
#include "mysql/connection.h"

namespace dm::sync {

// Unix seconds of a --start-time text in DM's forms: "2021-10-21 00:01:00" or
// "2021-10-21T00:01:00" (local time: read in `time_zone`, the task's
// `timezone`, by the `target` server; empty: the target's own time zone, as
// DM), or RFC 3339 with an offset ("2021-10-21T00:01:00+08:00", "...Z"). A
// fraction of a second rounds up (binlog timestamps are whole seconds).
// InvalidArgument naming the text for anything else, or a time zone the
// target does not know.
Result<int64_t> StartTimeSeconds(std::string_view text, std::string_view time_zone,
                                 const mysql::ConnectionOptions& target);

// The location of the first event group (transaction, or DDL) in the
// upstream's binlog whose first event's timestamp is at or after
// `unix_seconds`, read as a replica with `server_id` (0 picks one): the
// position after the group before it. Files are chosen by the timestamp of
// their first event (a binary search), then read from the latest file that
// started at or before the time. A time before the oldest file's start gives
// that file's start; a time after every event gives the end of the binlog.
// The location carries no GTID set: sync streams by position from it.
Result<binlog::Location> LocateStartTime(const mysql::ConnectionOptions& upstream, uint32_t server_id,
                                         int64_t unix_seconds);

}  // namespace dm::sync
