// Mapping of MySQL/MariaDB error numbers (server ER_* and client CR_*) to
// dm::Status, so callers decide by semantic code rather than by number:
//
//   kUnavailable  the connection is gone or could not be made (2002, 2003,
//                 2006, 2013, 1040, 1053, 1927, ...): reconnect and retry.
//   kAborted      the server rolled the transaction back (deadlock 1213) or
//                 gave up waiting for a lock (1205): restart the transaction.
//   other codes   not retryable: access denied, syntax, duplicate key, ...
//
// As DM (pkg/retry, go-sql-driver's ErrBadConn): only connection loss and
// transaction-level conflicts are retried; everything else pauses the task.
//
// Status messages have the form
//   "127.0.0.1:3306: Error 1062 (23000): Duplicate entry '1' for key 'PRIMARY'"
// (go-sql-driver's "Error N (SQLSTATE): msg" with the endpoint in front) and
// never contain a password: libmariadb's messages do not, and these helpers
// take no password argument.
#pragma once

#include <string_view>

#include "common/status.h"

namespace dm::mysql {

// Server error numbers callers test for, named as in mysqld_error.h.
inline constexpr int kErDupEntry = 1062;
inline constexpr int kErAccessDenied = 1045;
inline constexpr int kErLockWaitTimeout = 1205;
inline constexpr int kErLockDeadlock = 1213;
inline constexpr int kErNoSuchTable = 1146;
inline constexpr int kErBadDb = 1049;

// The semantic code for a MySQL error number (server or client).
StatusCode ClassifyMysqlError(int error_number);

// True when `error_number` means the connection can no longer be used; a pool
// discards such a connection instead of reusing it.
bool IsConnectionLost(int error_number);

// Builds the Status for an error reported by the server or libmariadb.
// `endpoint` is "host:port"; `tag` is the DM catalogue code of the operation
// (kDBQueryFailed, kDBExecuteFailed, kDBDriverError, ...).
Status MysqlError(int error_number, std::string_view sqlstate, std::string_view message, std::string_view endpoint,
                  ErrorCode tag);

// Returns the MySQL error number carried by a Status built by MysqlError
// (also after WithContext), or 0 when it carries none.
int MysqlErrorNumber(const Status& status);

}  // namespace dm::mysql
