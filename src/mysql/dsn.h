// Short connection strings for command lines: "[user[:password]@]host[:port]".
//
// The last '@' separates the credentials, so a password may contain '@'; the
// first ':' of the credentials separates user and password, so a password
// may contain ':'. IPv6 hosts are written in brackets: "[::1]:3306".
#pragma once

#include <string_view>

#include "common/status.h"
#include "mysql/connection.h"

namespace dm::mysql {

// Parses `dsn` into `base`'s host, port, and (when present) user and
// password; other fields of `base` are kept. The port defaults to 3306.
// InvalidArgument (never echoing the password) for an empty host or a port
// outside 1-65535.
Result<ConnectionOptions> ParseDsn(std::string_view dsn, ConnectionOptions base = {});

// Parses "host[:port]" (no credentials) into host and port.
Status ParseHostPort(std::string_view text, std::string* host, uint16_t* port);

}  // namespace dm::mysql
