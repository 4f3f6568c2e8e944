// The table router (task.yaml `routes.<name>`): maps an upstream
// schema.table to its downstream schema.table, and gives the values of the
// extract-table/extract-schema/extract-source provenance columns.
//
// As DM (dm/pkg/router, v6+): each rule is a small block-allow list over its
// patterns (wildcards `*` last, `?`, `[..]`, or `~regexp`, see pattern.h). A
// rule without table-pattern is schema-level, else table-level. For a table,
// one matching table-level rule wins over schema-level rules; without one,
// one matching schema-level rule gives the target schema (and its
// target-table if set; usually the table keeps its name). Two matching rules
// of the same level are an error (DM's ErrWorkerRouteTableDupMatch). Empty
// target parts keep the upstream names. With case-sensitive false, patterns
// and names are compared lower-cased; returned names keep their case.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "config/task_rules.h"
#include "filter/block_allow_list.h"
#include "filter/pattern.h"

namespace dm::filter {

struct TableName {
  std::string schema;
  std::string table;  // "" for a schema
  bool operator==(const TableName&) const = default;
};

// One extra downstream column and its value for a source table.
struct ExtraColumn {
  std::string column;
  std::string value;
  bool operator==(const ExtraColumn&) const = default;
};

// Immutable once built; thread-safe.
class TableRouter {
 public:
  // A router without rules: every name maps to itself.
  TableRouter() = default;

  // Builds the router from rules in the order the instance lists them.
  // InvalidArgument (RouteRuleInvalid) for an empty schema-pattern or
  // target-schema, a bad pattern, or an extract regexp that does not compile.
  static Result<TableRouter> Create(const std::vector<config::RouteRule>& rules, bool case_sensitive);

  // The target of schema.table (table "" routes a schema: only schema-level
  // rules apply). FailedPrecondition (RouteTableDupMatch) when two rules of
  // the deciding level match.
  Result<TableName> Route(std::string_view schema, std::string_view table) const;

  // True when the rule deciding schema.table has a wildcard in its schema or
  // table pattern (and a target for it), so other upstream tables may be
  // merged into the same target. Errors as Route.
  Result<bool> MergesMany(std::string_view schema, std::string_view table) const;

  // The extra columns of the deciding rule (the first matching table-level
  // rule, else the first schema-level one), in DM's order: extract-table,
  // extract-schema, extract-source. Each value is the concatenation of the
  // regexp's capture groups on the table name, schema name or `source_id`
  // ("" when it does not match), as DM's FetchExtendColumn. Empty when no
  // rule matches or the rule extracts nothing.
  std::vector<ExtraColumn> ExtraColumns(std::string_view schema, std::string_view table,
                                        std::string_view source_id) const;

  bool empty() const { return rules_.empty(); }

 private:
  struct Rule {
    config::RouteRule raw;
    BlockAllowList matcher;  // do-dbs [schema] (+ do-tables [schema.table])
    bool table_level = false;
    std::optional<GoRegex> extract_table;
    std::optional<GoRegex> extract_schema;
    std::optional<GoRegex> extract_source;
  };
  // The rule that decides schema.table (nullptr: none matches, identity).
  Result<const Rule*> Decider(std::string_view schema, std::string_view table) const;
  // The matching rules split by level, in rule order.
  void Matching(std::string_view schema, std::string_view table, std::vector<const Rule*>* table_rules,
                std::vector<const Rule*>* schema_rules) const;

  std::vector<Rule> rules_;
};

}  // namespace dm::filter
