#include "mysql/master_status.h"

namespace dm::mysql {

Result<MasterStatus> ReadMasterStatus(Connection& conn) {
  MasterStatus status;
  DM_ASSIGN_OR_RETURN(auto rows, conn.QueryRows("SHOW MASTER STATUS"));
  if (!rows.empty() && rows[0].size() >= 2) {
    status.file = rows[0][0].value_or("");
    DM_ASSIGN_OR_RETURN(status.position, ParseUnsigned(rows[0][1], "SHOW MASTER STATUS Position"));
    if (!conn.is_mariadb() && rows[0].size() >= 5) status.gtid_set = rows[0][4].value_or("");
  }
  if (conn.is_mariadb()) {
    DM_ASSIGN_OR_RETURN(auto gtid, conn.QueryValue("SELECT @@GLOBAL.gtid_binlog_pos"));
    status.gtid_set = gtid.value_or("");
  }
  return status;
}

}  // namespace dm::mysql
