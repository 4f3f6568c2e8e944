#include "mysql/error.h"

#include <fmt/format.h>

#include <cctype>

namespace dm::mysql {

namespace {

// Client errors (errmsg.h) and server errors (mysqld_error.h) that mean the
// session is gone. Numbers are spelled out because some (4031) exist only in
// MySQL's headers.
bool IsConnectionLevel(int n) {
  switch (n) {
    case 2001:  // CR_SOCKET_CREATE_ERROR
    case 2002:  // CR_CONNECTION_ERROR
    case 2003:  // CR_CONN_HOST_ERROR
    case 2004:  // CR_IPSOCK_ERROR
    case 2005:  // CR_UNKNOWN_HOST: DNS can be transient, as DM retries it
    case 2006:  // CR_SERVER_GONE_ERROR
    case 2011:  // CR_TCP_CONNECTION
    case 2012:  // CR_SERVER_HANDSHAKE_ERR
    case 2013:  // CR_SERVER_LOST
    case 2055:  // CR_SERVER_LOST_EXTENDED
    case 5013:  // CR_ERR_NET_READ
    case 5014:  // CR_ERR_NET_WRITE
    case 1040:  // ER_CON_COUNT_ERROR: too many connections
    case 1053:  // ER_SERVER_SHUTDOWN
    case 1152:  // ER_ABORTING_CONNECTION
    case 1158:  // ER_NET_READ_ERROR
    case 1159:  // ER_NET_READ_INTERRUPTED
    case 1160:  // ER_NET_ERROR_ON_WRITE
    case 1161:  // ER_NET_WRITE_INTERRUPTED
    case 1184:  // ER_NEW_ABORTING_CONNECTION
    case 1203:  // ER_TOO_MANY_USER_CONNECTIONS
    case 1927:  // ER_CONNECTION_KILLED (MariaDB)
    case 4031:  // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8.0.24+)
      return true;
    default: return false;
  }
}

}  // namespace

bool IsConnectionLost(int error_number) { return IsConnectionLevel(error_number); }

StatusCode ClassifyMysqlError(int n) {
  if (IsConnectionLevel(n)) return StatusCode::kUnavailable;
  switch (n) {
    case 1205:  // ER_LOCK_WAIT_TIMEOUT
    case 1213:  // ER_LOCK_DEADLOCK
    case 1614:  // ER_XA_RBDEADLOCK
    case 1613:  // ER_XA_RBTIMEOUT
      return StatusCode::kAborted;
    case 1044:  // ER_DBACCESS_DENIED_ERROR
    case 1045:  // ER_ACCESS_DENIED_ERROR
    case 1142:  // ER_TABLEACCESS_DENIED_ERROR
    case 1143:  // ER_COLUMNACCESS_DENIED_ERROR
    case 1227:  // ER_SPECIFIC_ACCESS_DENIED_ERROR
    case 1370:  // ER_PROCACCESS_DENIED_ERROR
    case 1698:  // ER_ACCESS_DENIED_NO_PASSWORD_ERROR
    case 2026:  // CR_SSL_CONNECTION_ERROR: certificates are configuration
      return StatusCode::kFailedPrecondition;
    case 1049:  // ER_BAD_DB_ERROR
    case 1054:  // ER_BAD_FIELD_ERROR
    case 1146:  // ER_NO_SUCH_TABLE
    case 1193:  // ER_UNKNOWN_SYSTEM_VARIABLE
      return StatusCode::kNotFound;
    case 1007:  // ER_DB_CREATE_EXISTS
    case 1050:  // ER_TABLE_EXISTS_ERROR
    case 1062:  // ER_DUP_ENTRY
    case 1022:  // ER_DUP_KEY
    case 1169:  // ER_DUP_UNIQUE
      return StatusCode::kAlreadyExists;
    case 1064:  // ER_PARSE_ERROR
      return StatusCode::kInvalidArgument;
    case 2008:  // CR_OUT_OF_MEMORY
    case 2014:  // CR_COMMANDS_OUT_OF_SYNC: a bug in how we drive the API
      return StatusCode::kInternal;
    default:
      // Any other server error (data too long, FK violation, ...) needs a
      // person to look at it; as DM, the task pauses.
      return StatusCode::kFailedPrecondition;
  }
}

Status MysqlError(int error_number, std::string_view sqlstate, std::string_view message, std::string_view endpoint,
                  ErrorCode tag) {
  if (sqlstate.size() != 5) sqlstate = "HY000";
  return Status(ClassifyMysqlError(error_number),
                fmt::format("{}: Error {} ({}): {}", endpoint, error_number, sqlstate, message), tag);
}

int MysqlErrorNumber(const Status& status) {
  const std::string& m = status.message();
  static constexpr std::string_view kPrefix = "Error ";
  for (size_t pos = m.find(kPrefix); pos != std::string::npos; pos = m.find(kPrefix, pos + 1)) {
    size_t i = pos + kPrefix.size();
    int number = 0;
    size_t digits = 0;
    while (i < m.size() && std::isdigit(static_cast<unsigned char>(m[i])) && digits < 6) {
      number = number * 10 + (m[i] - '0');
      ++i;
      ++digits;
    }
    // Require the full "N (XXXXX): " shape so a number in user data or in a
    // context prefix is not mistaken for the error number.
    if (digits == 0 || m.compare(i, 2, " (") != 0 || i + 2 + 5 + 3 > m.size()) continue;
    bool state_ok = true;
    for (size_t k = i + 2; k < i + 7; ++k) state_ok = state_ok && std::isalnum(static_cast<unsigned char>(m[k]));
    if (state_ok && m.compare(i + 7, 3, "): ") == 0) return number;
  }
  return 0;
}

}  // namespace dm::mysql
