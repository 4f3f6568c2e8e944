// MySQL's COM_BINLOG_DUMP_GTID request, as a pure function over bytes so it
// is unit-tested without a server (no MySQL server runs in dm's tests; the
// layout is checked against MySQL's documentation of the command). Layout:
// docs/formats/binlog_events.md#com_binlog_dump_gtid.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "binlog/mysql_gtid_set.h"
#include "common/status.h"

namespace dm::binlog::client {

// The command byte of COM_BINLOG_DUMP_GTID.
inline constexpr uint8_t kComBinlogDumpGtid = 0x1e;

// COM_BINLOG_DUMP_GTID flags.
inline constexpr uint16_t kDumpGtidFlagNonBlock = 0x01;        // EOF at the end of the binlog
inline constexpr uint16_t kDumpGtidFlagThroughPosition = 0x02;  // start at (file, position)
inline constexpr uint16_t kDumpGtidFlagThroughGtid = 0x04;      // the SID block follows

// The body of a COM_BINLOG_DUMP_GTID command (after the command byte):
// 2-byte flags, 4-byte server id, 4-byte file-name length, the file name,
// 8-byte position, then (always: dm sets kDumpGtidFlagThroughGtid in the
// flags it writes) the 4-byte size of the SID block and the block
// (MySqlGtidSet::Encode). The server streams every transaction not in
// `executed`, starting from its oldest binlog that holds one; `file` is
// normally empty and `position` 4. InvalidArgument when the file name or the
// encoded set does not fit its 4-byte length field.
Result<std::vector<uint8_t>> BuildBinlogDumpGtidCommand(std::string_view file, uint64_t position, uint16_t flags,
                                                        uint32_t server_id, const MySqlGtidSet& executed);

}  // namespace dm::binlog::client
