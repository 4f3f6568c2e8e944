// The upstream's current binlog coordinate, as replicas and dumps read it.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "mysql/connection.h"

namespace dm::mysql {

struct MasterStatus {
  std::string file;      // "" when the server has no binary log
  uint64_t position = 0;
  std::string gtid_set;  // MariaDB @@gtid_binlog_pos, MySQL Executed_Gtid_Set
};

// SHOW MASTER STATUS, plus @@GLOBAL.gtid_binlog_pos on MariaDB.
Result<MasterStatus> ReadMasterStatus(Connection& conn);

}  // namespace dm::mysql
