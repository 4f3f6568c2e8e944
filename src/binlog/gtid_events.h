// GTID events of both flavors: MariaDB's GTID (starts each event group) and
// GTID_LIST (the binlog state at the start of each file); MySQL's GTID /
// ANONYMOUS_GTID (starts each transaction) and PREVIOUS_GTIDS (the executed
// set before the file). Field tables: docs/formats/binlog_events.md#gtid-events.
//
// Decoders take the framed event and the FORMAT_DESCRIPTION in force; bad
// bytes give Corruption (BinlogEventCorrupt) with the position.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "binlog/event_header.h"
#include "binlog/format_description.h"
#include "common/status.h"

namespace dm::binlog {

// A MariaDB GTID: domain-server-sequence.
struct MariaDbGtid {
  uint32_t domain_id = 0;
  uint32_t server_id = 0;
  uint64_t seq_no = 0;
  std::string ToString() const;  // "0-1-42"
  friend bool operator==(const MariaDbGtid&, const MariaDbGtid&) = default;
};

// MariaDB GTID_EVENT flags2 bits.
inline constexpr uint8_t kMariaGtidStandalone = 0x01;     // no COMMIT/XID follows (DDL, ...)
inline constexpr uint8_t kMariaGtidGroupCommitId = 0x02;  // commit_id present
inline constexpr uint8_t kMariaGtidTransactional = 0x04;
inline constexpr uint8_t kMariaGtidAllowParallel = 0x08;
inline constexpr uint8_t kMariaGtidWaited = 0x10;
inline constexpr uint8_t kMariaGtidDdl = 0x20;
inline constexpr uint8_t kMariaGtidPreparedXa = 0x40;
inline constexpr uint8_t kMariaGtidCompletedXa = 0x80;

struct MariaDbGtidEvent {
  MariaDbGtid gtid;  // server_id comes from the event header
  uint8_t flags2 = 0;
  std::optional<uint64_t> commit_id;  // group commit id, when flagged
  // XA transaction id, when kMariaGtidPreparedXa or kMariaGtidCompletedXa.
  std::optional<int32_t> xa_format_id;
  std::string_view xa_gtrid;
  std::string_view xa_bqual;
  uint8_t flags_extra = 0;  // MariaDB 10.5+; 0 when absent

  // True for an event group without a terminating XID/COMMIT event.
  bool standalone() const { return (flags2 & kMariaGtidStandalone) != 0; }
};
Result<MariaDbGtidEvent> DecodeMariaDbGtid(const RawEvent& event, const FormatDescription& format);

struct MariaDbGtidListEvent {
  uint8_t flags = 0;  // top 4 bits of the count field
  std::vector<MariaDbGtid> gtids;
};
Result<MariaDbGtidListEvent> DecodeMariaDbGtidList(const RawEvent& event, const FormatDescription& format);

// A MySQL server UUID (source id of GTIDs).
using Uuid = std::array<uint8_t, 16>;
// "3e11fa47-71ca-11e1-9e33-c80aa9429562"
std::string UuidToString(const Uuid& uuid);

// GTID_LOG_EVENT and ANONYMOUS_GTID_LOG_EVENT (MySQL 5.6+). Fields after gno
// appeared in later versions and are absent when the writer was older.
struct MySqlGtidEvent {
  bool anonymous = false;
  uint8_t flags = 0;  // bit 0: the transaction may contain statement-based events
  Uuid sid{};
  int64_t gno = 0;
  std::optional<int64_t> last_committed;   // logical clock (5.7+)
  std::optional<int64_t> sequence_number;
  std::optional<uint64_t> immediate_commit_timestamp;  // microseconds (8.0.1+)
  std::optional<uint64_t> original_commit_timestamp;
  std::optional<uint64_t> transaction_length;          // 8.0.2+
  std::optional<uint32_t> immediate_server_version;    // 8.0.14+
  std::optional<uint32_t> original_server_version;

  std::string GtidText() const;  // "uuid:gno", or "ANONYMOUS"
};
Result<MySqlGtidEvent> DecodeMySqlGtid(const RawEvent& event, const FormatDescription& format);

// PREVIOUS_GTIDS_LOG_EVENT: the GTIDs executed before this file, per source.
struct GtidInterval {
  int64_t start = 0;  // inclusive
  int64_t end = 0;    // exclusive, as stored
};
struct PreviousGtidsEvent {
  struct Source {
    Uuid sid{};
    std::vector<GtidInterval> intervals;
  };
  std::vector<Source> sources;
  // MySQL's text form: "uuid:1-5:7,uuid2:1-3" (inclusive ends).
  std::string ToString() const;
};
Result<PreviousGtidsEvent> DecodePreviousGtids(const RawEvent& event, const FormatDescription& format);

}  // namespace dm::binlog
