// Table items: what the migrated tables are (block-allow list and routes
// applied), their compatibility with the target, the shapes of tables merged
// into one target, and routes that conflict.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>

#include "check/items.h"
#include "common/strings.h"
#include "filter/block_allow_list.h"
#include "mysql/quote.h"

namespace dm::check {
namespace {

constexpr std::string_view kNoKeyInstruction =
    "You need to set primary/unique keys for the table. Otherwise replication efficiency might become very low and "
    "exactly-once replication cannot be guaranteed.";
constexpr std::string_view kForeignKeyInstruction =
    "dm writes with foreign_key_checks=0 and in parallel, so the target does not enforce foreign keys while the task "
    "runs; make sure the migrated rows satisfy them.";
constexpr std::string_view kCharsetInstruction =
    "The target does not know this character set: convert the table upstream or use a target that supports it.";
constexpr std::string_view kAutoIncrementInstruction =
    "If happen conflict, please handle it by yourself. You can refer to "
    "https://docs.pingcap.com/tidb-data-migration/stable/shard-merge-best-practices/"
    "#handle-conflicts-between-primary-keys-or-unique-indexes-across-multiple-sharded-tables";

std::string InList(const std::set<std::string>& values) {
  std::vector<std::string> quoted;
  for (const std::string& v : values) quoted.push_back(mysql::QuoteString(v));
  return fmt::format("{}", fmt::join(quoted, ", "));
}

std::string TableId(const filter::TableName& t) { return mysql::QualifiedName(t.schema, t.table); }

// Fills each table's shape from information_schema of `schemas`.
Status LoadShapes(mysql::Connection& conn, const std::set<std::string>& schemas, std::vector<RoutedTable>* tables) {
  std::map<std::pair<std::string, std::string>, TableShape*> by_name;
  for (RoutedTable& t : *tables) by_name[{t.source.schema, t.source.table}] = &t.shape;
  auto shape_of = [&](const mysql::Row& row) -> TableShape* {
    auto it = by_name.find({row.at(0).value_or(""), row.at(1).value_or("")});
    return it == by_name.end() ? nullptr : it->second;
  };
  const std::string in = InList(schemas);
  DM_ASSIGN_OR_RETURN(auto columns,
                      conn.QueryRows(fmt::format("SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, "
                                                 "CHARACTER_SET_NAME, EXTRA FROM information_schema.COLUMNS WHERE "
                                                 "TABLE_SCHEMA IN ({}) ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION",
                                                 in)));
  for (const mysql::Row& row : columns) {
    TableShape* shape = shape_of(row);
    if (shape == nullptr) continue;
    shape->columns.emplace_back(AsciiLower(row.at(2).value_or("")), AsciiLower(row.at(3).value_or("")));
    if (row.at(4)) shape->charsets.insert(AsciiLower(*row.at(4)));
    if (AsciiLower(row.at(5).value_or("")).find("auto_increment") != std::string::npos) shape->auto_increment = true;
  }
  DM_ASSIGN_OR_RETURN(auto keys, conn.QueryRows(fmt::format(
                                     "SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, COLUMN_NAME FROM "
                                     "information_schema.STATISTICS WHERE NON_UNIQUE = 0 AND TABLE_SCHEMA IN ({}) "
                                     "ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
                                     in)));
  // (schema, table, index) -> its columns in key order
  std::map<std::tuple<std::string, std::string, std::string>, std::vector<std::string>> key_columns;
  for (const mysql::Row& row : keys) {
    if (shape_of(row) == nullptr) continue;
    key_columns[{row.at(0).value_or(""), row.at(1).value_or(""), row.at(2).value_or("")}].push_back(
        AsciiLower(row.at(3).value_or("")));
  }
  for (const auto& [key, cols] : key_columns) {
    const auto& [schema, table, index] = key;
    by_name[{schema, table}]->keys.insert(
        fmt::format("{}({})", index == "PRIMARY" ? "PRIMARY" : "UNIQUE", fmt::join(cols, ",")));
  }
  DM_ASSIGN_OR_RETURN(auto fks, conn.QueryRows(fmt::format("SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME "
                                                           "FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE "
                                                           "CONSTRAINT_SCHEMA IN ({}) ORDER BY 1, 2, 3",
                                                           in)));
  for (const mysql::Row& row : fks) {
    if (TableShape* shape = shape_of(row)) shape->foreign_keys.push_back(row.at(2).value_or(""));
  }
  return Status::OK();
}

// Column names as Go prints a []string: "[a b c]".
std::string ColumnNames(const TableShape& shape) {
  std::vector<std::string> names;
  for (const auto& column : shape.columns) names.push_back(column.first);
  return fmt::format("[{}]", fmt::join(names, " "));
}

}  // namespace

Status LoadTables(const config::TaskConfig& task, SourceContext* s) {
  filter::BlockAllowList block_allow;
  if (!s->instance->block_allow_list.empty()) {
    DM_ASSIGN_OR_RETURN(block_allow, filter::BlockAllowList::Create(
                                         task.block_allow_list.at(s->instance->block_allow_list), task.case_sensitive));
  }
  std::vector<config::RouteRule> rules;
  for (const std::string& name : s->instance->route_rules) rules.push_back(task.routes.at(name));
  DM_ASSIGN_OR_RETURN(filter::TableRouter router, filter::TableRouter::Create(rules, task.case_sensitive));
  DM_ASSIGN_OR_RETURN(auto rows, s->conn->QueryRows("SELECT t.TABLE_SCHEMA, t.TABLE_NAME, c.CHARACTER_SET_NAME FROM "
                                                    "information_schema.TABLES t LEFT JOIN information_schema.COLLATIONS c "
                                                    "ON c.COLLATION_NAME = t.TABLE_COLLATION WHERE t.TABLE_TYPE = "
                                                    "'BASE TABLE' ORDER BY 1, 2"));
  std::set<std::string> schemas;
  for (const mysql::Row& row : rows) {
    filter::TableName name{row.at(0).value_or(""), row.at(1).value_or("")};
    if (filter::BlockAllowList::IsSystemSchema(name.schema) || !block_allow.Match(name.schema, name.table)) continue;
    auto target = router.Route(name.schema, name.table);
    if (!target.ok()) {
      s->route_errors.push_back(fmt::format("table {}: {}", TableId(name), target.status().message()));
      continue;
    }
    RoutedTable t{name, std::move(*target), {}};
    if (row.at(2)) t.shape.charsets.insert(AsciiLower(*row.at(2)));
    schemas.insert(name.schema);
    s->tables.push_back(std::move(t));
  }
  if (s->tables.empty()) return Status::OK();
  return LoadShapes(*s->conn, schemas, &s->tables);
}

std::vector<CheckError> TableSchemaErrors(const filter::TableName& table, const TableShape& shape,
                                          const std::set<std::string>& target_charsets) {
  std::vector<CheckError> errors;
  const std::string prefix = "table " + TableId(table) + " ";
  for (const std::string& fk : shape.foreign_keys) {
    errors.push_back({State::kWarn, prefix + "Foreign Key " + fk + " is not enforced while dm migrates", "", "",
                      std::string(kForeignKeyInstruction)});
  }
  if (shape.keys.empty()) {
    errors.push_back({State::kWarn, prefix + "primary/unique key does not exist", "", "", std::string(kNoKeyInstruction)});
  }
  for (const std::string& charset : shape.charsets) {
    if (charset != "binary" && target_charsets.count(charset) == 0) {
      errors.push_back({State::kFail, prefix + "unsupport charset " + charset, "", "", std::string(kCharsetInstruction)});
    }
  }
  return errors;
}

CheckResult CheckTableSchema(const TargetContext& t, const std::vector<SourceContext>& sources) {
  CheckResult r;
  r.name = "table structure compatibility check";
  r.desc = "check compatibility of table structure";
  std::vector<std::string> instructions;
  for (const SourceContext& s : sources) {
    for (const RoutedTable& table : s.tables) {
      for (CheckError& e : TableSchemaErrors(table.source, table.shape, t.charsets)) {
        if (e.severity == State::kFail) r.state = State::kFail;
        if (e.severity == State::kWarn && r.state == State::kSuccess) r.state = State::kWarn;
        // As DM: each distinct instruction once, on the result.
        if (std::find(instructions.begin(), instructions.end(), e.instruction) == instructions.end()) {
          instructions.push_back(e.instruction);
        }
        e.instruction.clear();
        r.errors.push_back(std::move(e));
      }
    }
  }
  r.instruction = fmt::format("{}", fmt::join(instructions, "; "));
  return r;
}

std::optional<CheckError> CompareShardShapes(const std::string& self_id, const TableShape& self,
                                             const std::string& other_id, const TableShape& other) {
  if (self.columns.size() != other.columns.size()) {
    return CheckError{State::kFail,
                      fmt::format("column length mismatch (self: {} vs other: {})", self.columns.size(),
                                  other.columns.size()),
                      fmt::format("{} columns {}", self_id, ColumnNames(self)),
                      fmt::format("{} columns {}", other_id, ColumnNames(other)), ""};
  }
  for (size_t i = 0; i < self.columns.size(); ++i) {
    if (self.columns[i] != other.columns[i]) {
      return CheckError{State::kFail, "different column definition",
                        fmt::format("{} column {} {}", self_id, self.columns[i].first, self.columns[i].second),
                        fmt::format("{} column {} {}", other_id, other.columns[i].first, other.columns[i].second), ""};
    }
  }
  if (self.keys != other.keys) {
    return CheckError{State::kFail, "different primary/unique keys",
                      fmt::format("{} keys [{}]", self_id, fmt::join(self.keys, " ")),
                      fmt::format("{} keys [{}]", other_id, fmt::join(other.keys, " ")), ""};
  }
  return std::nullopt;
}

std::vector<CheckResult> CheckShardTables(const std::vector<SourceContext>& sources, bool check_auto_increment) {
  struct Member {
    const SourceContext* source;
    const RoutedTable* table;
  };
  std::map<std::string, std::vector<Member>> groups;  // target id -> its upstream tables
  for (const SourceContext& s : sources) {
    for (const RoutedTable& t : s.tables) groups[TableId(t.target)].push_back({&s, &t});
  }
  std::vector<CheckResult> results;
  for (const auto& [target, members] : groups) {
    if (members.size() < 2) continue;
    CheckResult r;
    r.name = fmt::format("sharding table {} consistency checking", target);
    r.desc = "check consistency of sharding table structures";
    r.extra = fmt::format("sourceID {} on sharding {}", members[0].source->source->source_id, target);
    auto id = [](const Member& m) {
      return fmt::format("sourceID {} table {}", m.source->source->source_id, TableId(m.table->source));
    };
    for (size_t i = 0; i < members.size(); ++i) {
      const Member& m = members[i];
      if (check_auto_increment && m.table->shape.auto_increment) {
        if (r.state == State::kSuccess) {
          r.state = State::kWarn;
          r.instruction = std::string(kAutoIncrementInstruction);
          r.extra = "auto-increment key checking";
        }
        r.errors.push_back({State::kWarn,
                            fmt::format("{} of sharding {} have auto-increment key, please make sure them don't "
                                        "conflict in target table!",
                                        id(m), target),
                            "", "", ""});
      }
      if (i == 0) continue;
      if (auto e = CompareShardShapes(id(members[0]), members[0].table->shape, id(m), m.table->shape)) {
        r.state = State::kFail;
        r.errors.push_back(std::move(*e));
        r.extra = fmt::format("error on sharding {}", target);
        r.instruction = "please set same table structure for sharding tables";
      }
    }
    results.push_back(std::move(r));
  }
  return results;
}

CheckResult CheckRoutes(const std::vector<SourceContext>& sources) {
  CheckResult r;
  r.name = "table route check";
  r.desc = "check whether every migrated table has one target and no two targets differ only in letter case";
  for (const SourceContext& s : sources) {
    for (const std::string& e : s.route_errors) {
      r.errors.push_back({State::kFail, fmt::format("source {} {}", s.source->source_id, e), "", "", ""});
    }
  }
  // As DM's sameTableNameDetection: targets whose names differ only in case
  // would be one table on a case-insensitive target.
  std::map<std::string, std::string> by_folded;
  for (const SourceContext& s : sources) {
    for (const RoutedTable& t : s.tables) {
      std::string id = TableId(t.target);
      auto [it, inserted] = by_folded.emplace(AsciiLower(id), id);
      if (!inserted && it->second != id) {
        r.errors.push_back({State::kFail, fmt::format("same target table {} vs {}", it->second, id), "", "", ""});
      }
    }
  }
  if (!r.errors.empty()) {
    r.state = State::kFail;
    r.instruction = "Change the routes so that each table matches one rule and targets differ in more than case.";
  }
  return r;
}

}  // namespace dm::check
