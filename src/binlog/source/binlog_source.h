// BinlogSource: where framed binlog events come from. One parser, several
// sources (ClickHouse's MySQLBinlog design): a binlog or relay log file
// (FileBinlogSource) and the replication stream of a live upstream
// (SocketBinlogSource in src/binlog/client/, library dm_binlog_client);
// consumers decode events the same way whichever source delivers them.
#pragma once

#include <string>

#include "binlog/event_header.h"
#include "common/status.h"

namespace dm::binlog {

class BinlogSource {
 public:
  virtual ~BinlogSource() = default;

  // Reads the next event into *event. Returns true when an event was read,
  // false at the clean end of the input (no partial event pending). The bytes
  // of *event belong to the source and stay valid until the next call to
  // Next() or the source's destruction. Framing problems (truncated or
  // oversized events) are Corruption errors naming the position; the source
  // does not verify checksums or decode bodies, which needs the
  // FORMAT_DESCRIPTION that consumers track. After an error every call
  // returns an error.
  virtual Result<bool> Next(RawEvent* event) = 0;

  // Name of the binlog file being read ("mysql-bin.000001").
  virtual const std::string& file_name() const = 0;
  // Position of the next event to read.
  virtual uint64_t position() const = 0;
};

}  // namespace dm::binlog
