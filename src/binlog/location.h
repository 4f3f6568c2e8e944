// Where replication stands in an upstream's binlog: a (file, offset) Position
// and a Location that adds the GTID set, as DM's binlog.Location does.
// Offsets are 64-bit everywhere in dm, although event headers carry 32-bit
// log_pos values that wrap in files past 4 GiB.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace dm::binlog {

// Offset of the first event of every binlog file (after the magic bytes).
inline constexpr uint64_t kFirstEventOffset = 4;

// A binlog file name split as servers number them: "mysql-bin.000012" has
// base "mysql-bin" and index 12.
struct BinlogFileName {
  std::string base;
  uint64_t index = 0;
  int digits = 0;  // width of the index, for formatting it back (6 for 000012)
  std::string ToString() const;
};
// Fails (InvalidArgument) for names without a '.' followed only by digits.
Result<BinlogFileName> ParseBinlogFileName(std::string_view name);

// A point in an upstream's binlog: the event starting at `offset` of `file`.
struct Position {
  std::string file;
  uint64_t offset = kFirstEventOffset;

  // "(mysql-bin.000012, 4)", the way DM prints positions.
  std::string ToString() const;
};

// Orders positions as the server writes them: by the file's numeric index
// (mysql-bin.000010 after mysql-bin.000009; names that do not parse compare
// as strings), then by offset.
std::strong_ordering ComparePositions(const Position& a, const Position& b);
inline bool operator==(const Position& a, const Position& b) {
  return a.file == b.file && a.offset == b.offset;
}

// Position plus the GTID set executed up to it, in the server's own text form
// ("0-1-100,1-2-7" for MariaDB, "uuid:1-100" for MySQL); empty when GTIDs are
// not used. A structured GtidSet replaces the text in a later increment.
struct Location {
  Position position;
  std::string gtid_set;
  std::string ToString() const;
};

}  // namespace dm::binlog
