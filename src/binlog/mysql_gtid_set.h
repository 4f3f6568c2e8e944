// MySqlGtidSet: a set of MySQL GTIDs, per source UUID a sorted list of
// disjoint, non-adjacent intervals of transaction numbers (gno). The form of
// @@gtid_executed, of PREVIOUS_GTIDS_LOG_EVENT and of the SID block that
// COM_BINLOG_DUMP_GTID sends. Text: "uuid:1-5:7,uuid2:1-3"; binary (the SID
// block): docs/formats/binlog_events.md#mysql-gtid-set.
//
// Tagged GTIDs (MySQL 8.3+, "uuid:tag:1-5") are not supported: Parse rejects
// them. Value type; thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "binlog/gtid_events.h"
#include "common/status.h"

namespace dm::binlog {

// Largest transaction number MySQL hands out (GNO_END - 1).
inline constexpr int64_t kMaxGno = INT64_MAX - 1;

// Parses "3e11fa47-71ca-11e1-9e33-c80aa9429562" (hex digits in either case,
// dashes where MySQL prints them, or 32 hex digits without dashes).
Result<Uuid> ParseUuid(std::string_view text);

class MySqlGtidSet {
 public:
  MySqlGtidSet() = default;

  // Parses MySQL's text: sources separated by ',', each "uuid" followed by
  // ":N" or ":N-M" items (inclusive). Whitespace around items and newlines
  // (as @@gtid_executed prints them) are allowed; "" is the empty set. The
  // same source may appear several times; intervals merge. InvalidArgument
  // naming the bad item for a malformed UUID, a gno of 0 or past kMaxGno, or
  // an end before its start.
  static Result<MySqlGtidSet> Parse(std::string_view text);

  // The set a PREVIOUS_GTIDS event states (its intervals are validated by
  // DecodePreviousGtids; they are merged here in case they overlap).
  static MySqlGtidSet FromPreviousGtids(const PreviousGtidsEvent& event);

  // Decodes a SID block (the encoding Encode() writes, which is also the body
  // of PREVIOUS_GTIDS). Corruption (BinlogEventCorrupt) for counts that do not
  // fit the bytes, empty or out-of-range intervals, or trailing bytes.
  static Result<MySqlGtidSet> Decode(std::span<const uint8_t> bytes);

  // Adds one GTID. REQUIRES: 1 <= gno <= kMaxGno.
  void Add(const Uuid& sid, int64_t gno) { AddInterval(sid, gno, gno + 1); }
  // Adds [start, end). REQUIRES: 1 <= start < end <= kMaxGno + 1.
  void AddInterval(const Uuid& sid, int64_t start, int64_t end);
  // Adds every GTID of `other`.
  void Merge(const MySqlGtidSet& other);

  bool Contains(const Uuid& sid, int64_t gno) const;
  // True when every GTID of `other` is in this set.
  bool Contains(const MySqlGtidSet& other) const;

  // MySQL's text with "," between sources (no newline), sources ordered by
  // UUID, intervals ascending, single GTIDs without "-N": "uuid:1-5:7".
  std::string ToString() const;
  // The SID block: 8-byte source count; per source its 16 UUID bytes, an
  // 8-byte interval count and per interval 8-byte start and 8-byte exclusive
  // end, all little-endian.
  std::vector<uint8_t> Encode() const;

  bool empty() const { return sets_.empty(); }
  // Per source, the intervals [start, end) ascending, disjoint, non-adjacent.
  const std::map<Uuid, std::vector<GtidInterval>>& sets() const { return sets_; }

  friend bool operator==(const MySqlGtidSet& a, const MySqlGtidSet& b);

 private:
  std::map<Uuid, std::vector<GtidInterval>> sets_;
};

}  // namespace dm::binlog
