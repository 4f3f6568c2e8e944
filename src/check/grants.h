// SHOW GRANTS interpretation for the privilege items of the precheck
// (dump_privilege, replication_privilege, target_privilege). Pure functions:
// the precheck reads the lines, this file decides what they grant.
//
// Understood, as MySQL and MariaDB print them:
//   GRANT priv[ (cols)][, ...] ON *.* | `db`.* | `db`.`tbl` TO ...
//   GRANT `role`[, ...] TO ...            (a role granted; its own grants
//                                          follow in SHOW GRANTS when active)
// ALL [PRIVILEGES] holds every privilege of its level but GRANT OPTION. A
// db-level name is a LIKE pattern (`%`, `_`, `\` escapes), as the server
// matches it. A privilege on some columns only does not count (DM: SELECT on
// all columns is needed to dump a table). RELOAD, REPLICATION SLAVE,
// REPLICATION CLIENT (MariaDB's BINLOG MONITOR), SUPER, PROCESS and FILE
// only exist at the global level. SUPER also allows what REPLICATION CLIENT
// does (SHOW MASTER STATUS), as DM accepts. PROXY, PROCEDURE and FUNCTION
// grants and `SET DEFAULT ROLE` lines grant nothing here.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "filter/table_router.h"

namespace dm::check {

enum class GrantLevel : uint8_t { kGlobal, kDatabase, kTable };

// What one GRANT line gives.
struct GrantEntry {
  GrantLevel level = GrantLevel::kGlobal;
  std::string db;     // kDatabase: a LIKE pattern, unescaped by Matches
  std::string table;  // kTable
  bool all = false;   // ALL [PRIVILEGES]
  std::set<std::string> privileges;  // upper case, synonyms normalised
};

// Parses SHOW GRANTS lines. InvalidArgument naming the line when a GRANT
// line cannot be read (unterminated quote, missing ON/TO).
Result<std::vector<GrantEntry>> ParseGrants(const std::vector<std::string>& lines);

// The canonical name of a privilege: upper case, single spaces, MariaDB's
// BINLOG MONITOR as REPLICATION CLIENT and REPLICATION REPLICA as
// REPLICATION SLAVE.
std::string CanonicalPrivilege(std::string_view name);

// True when `entries` grant `privilege` (canonical) on `table` (schema and
// table; table "" asks about the schema; both "" ask about the global level).
bool Grants(const std::vector<GrantEntry>& entries, std::string_view privilege, const filter::TableName& table);

// Privileges missing for the tables that need them, DM's message shape:
// "lack of SELECT privilege: {`db`.`t1`, `db`.`t2`}; lack of RELOAD
// privilege; ". `privileges` are canonical names; global-only ones are
// checked at the global level, others on each of `tables`. Empty when
// nothing is missing.
std::string MissingPrivileges(const std::vector<GrantEntry>& entries, const std::vector<std::string>& privileges,
                              const std::vector<filter::TableName>& tables);

}  // namespace dm::check
