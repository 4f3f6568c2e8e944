#include "sync/event_charset.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/log.h"
#include "mysql/error.h"
#include "mysql/quote.h"
#include "sync/ddl.h"

namespace dm::sync {
namespace {

constexpr int kErUnknownCharacterSet = 1115;
constexpr int kErUnknownCollation = 1273;

bool IsAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

}  // namespace

Status ExecuteInEventCharset(mysql::Connection& conn, std::string_view sql,
                             const std::optional<binlog::QueryCharset>& charset) {
  if (!charset) return conn.Execute(sql);
  DM_ASSIGN_OR_RETURN(auto rows, conn.QueryRows("SELECT @@session.character_set_client, "
                                                "@@session.collation_connection, @@session.collation_server"));
  if (rows.size() != 1 || rows[0].size() != 3 || !rows[0][0] || !rows[0][1] || !rows[0][2]) {
    return Status::Internal("reading the session's character set variables returned no row");
  }
  const mysql::Row own = rows[0];
  Status set = conn.Execute(fmt::format("SET @@session.character_set_client={}, @@session.collation_connection={}, "
                                        "@@session.collation_server={}",
                                        charset->client, charset->connection, charset->server));
  if (!set.ok()) {
    const int error = mysql::MysqlErrorNumber(set);
    if (error != kErUnknownCharacterSet && error != kErUnknownCollation) return set;
    if (!IsAscii(sql)) {
      return Status::FailedPrecondition(fmt::format(
          "the target does not know the upstream session's character set (collation ids {}, {}, {}: {}), and {} "
          "holds non-ASCII bytes that would be read in another character set",
          charset->client, charset->connection, charset->server, set.message(), QuoteStatementForError(sql)));
    }
    log::Warn("the target does not know the upstream session's collation ids; an ASCII DDL runs in the session's own",
              {{"ids", fmt::format("{},{},{}", charset->client, charset->connection, charset->server)},
               {"error", set}});
    return conn.Execute(sql);
  }
  Status result = conn.Execute(sql);
  Status restored = conn.Execute(
      "SET @@session.character_set_client=" + mysql::QuoteString(*own[0], conn.escaping()) +
      ", @@session.collation_connection=" + mysql::QuoteString(*own[1], conn.escaping()) +
      ", @@session.collation_server=" + mysql::QuoteString(*own[2], conn.escaping()));
  if (!result.ok()) return result;
  return restored;
}

}  // namespace dm::sync
