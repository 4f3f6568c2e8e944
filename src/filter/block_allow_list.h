// The block-allow list (task.yaml `block-allow-list.<name>`, legacy
// `black-white-list`): which upstream schemas and tables a task migrates.
//
// Evaluation, as DM's pkg/filter (modelled on MySQL's replicate-* rules for
// row-based replication; dm-spec §2.4):
//   1. Schema level: if do-dbs is not empty the schema must match one of
//      them; else if ignore-dbs matches, the table is dropped.
//   2. Table level (skipped for schema-level questions, table ""): a match in
//      do-tables keeps the table; else a match in ignore-tables drops it;
//      else it is kept only when do-tables is empty.
// A name starting with `~` is a regexp (searched, not anchored: `~^shop`);
// any other name is a DM wildcard (`*` last, `?`, `[a-z]`, see pattern.h).
// Without case-sensitive, names and patterns are lower-cased (regexp text
// included, as DM does) and regexps match case-insensitively.
//
// Differences from DM, on purpose: DM's trie pairs a regexp db-name with a
// literal tbl-name of *another* do-tables entry; we match each entry as a
// pair. Non-ASCII literal names match (DM's trie misses them).
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/status.h"
#include "config/task_rules.h"
#include "filter/pattern.h"

namespace dm::filter {

// One db-name or tbl-name pattern: a wildcard or a `~regexp`.
class NamePattern {
 public:
  // Parses `text`; `fold_case` lower-cases it first and makes a regexp
  // case-insensitive. InvalidArgument for "" or a pattern that does not
  // compile.
  static Result<NamePattern> Parse(std::string_view text, bool fold_case);
  // REQUIRES: `name` is already case-folded when the pattern was built with
  // fold_case.
  bool Matches(std::string_view name) const;

 private:
  explicit NamePattern(std::variant<std::string, GoRegex> p) : pattern_(std::move(p)) {}
  std::variant<std::string, GoRegex> pattern_;  // wildcard text or regexp
};

// Immutable once built; Match is thread-safe.
class BlockAllowList {
 public:
  // An empty list: everything is migrated.
  BlockAllowList() = default;

  // Builds the list from the task config. InvalidArgument (catalogue code
  // BlockAllowListInvalid) for an empty name or a bad pattern, naming it.
  static Result<BlockAllowList> Create(const config::BlockAllowList& rules, bool case_sensitive);

  // True when schema.table is migrated. `table` "" asks about the schema
  // itself (CREATE/DROP DATABASE): only the schema level applies.
  bool Match(std::string_view schema, std::string_view table) const;

  // True for the schemas DM never migrates: mysql, sys, information_schema,
  // performance_schema (case-insensitive), plus TiDB's metrics_schema and
  // inspection_schema, as dumpling's filter.
  static bool IsSystemSchema(std::string_view schema);

  // True when do-tables is set: then a schema-level Match() says nothing
  // about whether any table of the schema is migrated.
  bool has_do_tables() const { return !do_tables_.empty(); }

 private:
  struct TablePattern {
    NamePattern db;
    NamePattern table;
  };
  bool MatchTables(const std::vector<TablePattern>& list, std::string_view schema,
                   std::string_view table) const;

  bool case_sensitive_ = false;
  std::vector<NamePattern> do_dbs_;
  std::vector<NamePattern> ignore_dbs_;
  std::vector<TablePattern> do_tables_;
  std::vector<TablePattern> ignore_tables_;
};

}  // namespace dm::filter
