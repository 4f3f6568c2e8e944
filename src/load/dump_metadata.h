// The `metadata` file of a dump directory (dumpling and mydumper write the
// same shape; format in docs/formats/dump_layout.md and dm-spec §5):
//
//   Started dump at: 2020-05-21 18:02:43
//   SHOW MASTER STATUS:
//   	Log: mysql-bin.000003
//   	Pos: 1274
//   	GTID:5b5a8e4e-...:1-10,
//   97b5142f-...:1-13
//
//   SHOW SLAVE STATUS:                     (only when dumped from a replica)
//   	Host: 192.168.100.100
//   	Log: ... / Pos: ... / GTID: ...
//
//   SHOW MASTER STATUS: /* AFTER CONNECTION POOL ESTABLISHED */   (DM)
//   	Log: ... / Pos: ... / GTID: ...
//
//   Finished dump at: 2020-05-21 18:02:44
//
// Indentation may be tabs or spaces; a GTID set may continue over several
// lines (one set per line, comma-terminated); GTID may be empty.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace dm::load {

// One "SHOW ... STATUS:" block.
struct BinlogPoint {
  std::string host;  // SHOW SLAVE STATUS only
  std::string file;  // binlog file name ("mysql-bin.000003")
  uint64_t pos = 0;  // 64-bit inside dm whatever the server's width
  std::string gtid;  // GTID set, continuation lines joined, "" when empty

  // DM's query-status rendering: "(mysql-bin.000003, 1274)".
  std::string ToString() const;
  bool operator==(const BinlogPoint&) const = default;
};

struct DumpMetadata {
  std::string started_at;   // as written, "" when absent
  std::string finished_at;  // "" when the dump did not finish
  std::optional<BinlogPoint> master;  // the snapshot position
  std::optional<BinlogPoint> slave;   // the replica's upstream position
  // DM's safe-mode exit point, taken after the dump's connections were set up.
  std::optional<BinlogPoint> after_connection_pool;
};

// Parses the contents of a metadata file. `name` (the path) prefixes errors,
// which name the 1-based line: "DIR/metadata:4: Pos: 'x' is not a number".
// Unknown "Key: value" lines inside a block are ignored (newer writers add
// fields); lines that are not "Key: value" at all are errors.
Result<DumpMetadata> ParseDumpMetadata(std::string_view text, std::string_view name = "metadata");

// Reads and parses `path`.
Result<DumpMetadata> ReadDumpMetadata(const std::string& path);

}  // namespace dm::load
