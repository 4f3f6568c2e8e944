// Table names, wildcard patterns and routes for dm-diff.
//
// A route maps upstream tables to a target table, as DM's routes do, so a
// target table that merges several shards is compared with the union of its
// source tables:
//
//   shard_*.t_*=merged.t     every shard_X.t_Y goes to merged.t
//   db_*.*=all.*             a '*' target part keeps the source's name
//
// Patterns use '*' (any run of characters) and '?' (one character) and are
// case-sensitive, as table names are on Linux servers (lower_case_table_names
// = 0). A part may be written in backticks when it contains '.', '=' or ','.
#pragma once

#include <compare>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

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

struct Route {
  TablePattern from;
  std::string to_schema;  // "*" keeps the source schema name
  std::string to_table;   // "*" keeps the source table name
};

// Parses "from_schema.from_table=to_schema.to_table".
Result<Route> ParseRoute(std::string_view spec);

// The target name of upstream table `name`: the first route whose pattern
// matches, or `name` itself when none does.
TableName ApplyRoutes(const std::vector<Route>& routes, const TableName& name);

}  // namespace dm::diff
