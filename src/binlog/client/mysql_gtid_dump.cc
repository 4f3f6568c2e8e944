#include "binlog/client/mysql_gtid_dump.h"

#include <fmt/format.h>

namespace dm::binlog::client {

Result<std::vector<uint8_t>> BuildBinlogDumpGtidCommand(std::string_view file, uint64_t position, uint16_t flags,
                                                        uint32_t server_id, const MySqlGtidSet& executed) {
  const std::vector<uint8_t> sids = executed.Encode();
  if (file.size() > UINT32_MAX || sids.size() > UINT32_MAX) {
    return Status::InvalidArgument("COM_BINLOG_DUMP_GTID: file name or GTID set too large for its length field");
  }
  flags |= kDumpGtidFlagThroughGtid;
  std::vector<uint8_t> out;
  out.reserve(2 + 4 + 4 + file.size() + 8 + 4 + sids.size());
  auto put = [&out](uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
  };
  put(flags, 2);
  put(server_id, 4);
  put(file.size(), 4);
  out.insert(out.end(), file.begin(), file.end());
  put(position, 8);
  put(sids.size(), 4);
  out.insert(out.end(), sids.begin(), sids.end());
  return out;
}

}  // namespace dm::binlog::client
