// DDL replayed in the character set session it was written in upstream.
//
// A QUERY event records the session's character_set_client,
// collation_connection and collation_server (binlog::QueryCharset), and its
// text is in that client character set: a latin1 client's DEFAULT 'é' holds
// the byte 0xE9. Run over another session character set, string literals
// (DEFAULT, COMMENT, ENUM/SET members) and non-ASCII names would be read
// wrongly, and CREATE DATABASE without a charset would get another
// collation. So DDL runs with the three variables set to the event's ids, as
// mariadb-binlog's output sets them, and the session gets its own back
// afterwards.
#pragma once

#include <optional>
#include <string_view>

#include "binlog/query_event.h"
#include "common/status.h"
#include "mysql/connection.h"

namespace dm::sync {

// Runs `sql` on `conn` with @@session.character_set_client,
// collation_connection and collation_server set to `charset`'s collation ids,
// then sets them back to what they were, also when `sql` failed; without
// `charset` (old servers) it just runs `sql`. A server that does not know one
// of the ids (MySQL 8's 255 on MariaDB) runs an all-ASCII `sql` in the
// session's own character set, where the ids cannot matter, and refuses
// (FailedPrecondition) any other. Returns `sql`'s error first, then the
// restore's: after a failed restore the session must not be used for data.
// REQUIRES: `conn` is not inside a statement that other calls depend on
// (three extra round trips run around `sql`).
Status ExecuteInEventCharset(mysql::Connection& conn, std::string_view sql,
                             const std::optional<binlog::QueryCharset>& charset);

}  // namespace dm::sync
