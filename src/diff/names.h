// Table names and selection patterns for dm-diff, and the `--route` flag.
//
// Selection patterns (`--tables`) use '*' (any run of characters, anywhere)
// and '?' (one character) and are case-sensitive, as table names are on
// Linux servers (lower_case_table_names = 0). A part may be written in
// backticks when it contains '.', '=' or ','.
//
// Routes are DM's (filter::TableRouter); ParseRouteFlag translates the
// flag's short form into a DM route rule:
//
//   shard_*.t_*=merged.t     every shard_X.t_Y goes to merged.t
//   db_*.*=all.*             a '*' target part keeps the source's name
#pragma once

#include <compare>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "config/task_rules.h"

namespace dm::diff {

struct TableName {
  std::string schema;
  std::string table;

  // "`schema`.`table`", for SQL and for messages.
  std::string Quoted() const;
  auto operator<=>(const TableName&) const = default;
};

// True when `text` matches `pattern` ('*' and '?' wildcards, no escapes).
bool WildcardMatch(std::string_view pattern, std::string_view text);

// A "schema.table" pattern; either part may hold wildcards.
struct TablePattern {
  std::string schema;
  std::string table;

  bool Matches(const TableName& name) const;
};

// Parses "schema.table" (parts optionally in backticks, `` doubling a
// backtick). InvalidArgument when there is no '.' or a part is empty.
Result<TablePattern> ParseTablePattern(std::string_view spec);

// Parses "from_schema.from_table=to_schema.to_table" into a DM route rule:
// schema-pattern from_schema, target-schema to_schema, target-table to_table
// ("" for '*': keep the source name). A from_table of '*' makes a
// schema-level rule (no table-pattern), any other a table-level rule, so as
// in DM a route naming tables wins over a whole-schema route, whatever the
// order of the flags. Patterns are DM wildcards ('*' only last, '?',
// '[a-z]'; checked when the router is built). A '*' target schema needs a
// literal source schema (DM requires target-schema; it is set to that name).
// InvalidArgument for a malformed spec or a wildcard in a target part.
Result<config::RouteRule> ParseRouteFlag(std::string_view spec);

}  // namespace dm::diff
