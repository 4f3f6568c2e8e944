// The binlog event filter (task.yaml `filters.<name>`, dm-spec §2.4): decides
// for an event on schema.table, with its event type and (for DDL) its SQL
// text, whether sync applies it (Do), skips it (Ignore) or stops with an
// error (Error).
//
// As DM's binlog-filter: rules sit in a trie by (schema-pattern,
// table-pattern) (wildcards, pattern.h) and are visited in the trie's order
// (schema-level rules, then table-level rules). For each matching rule:
//   * with a known event type: if the type is listed (`all`, `all dml`,
//     `all ddl`, `incompatible ddl changes` cover classes; a `none*` entry
//     met first stops the search for that class), Ignore/Error rules return
//     their action; if it is not listed, a Do rule returns Ignore;
//   * with SQL text and sql-pattern set: the same, with "the SQL matches one
//     of the patterns" (case-insensitive search) instead of "listed";
// and Do when no rule decided. Schema and table patterns are lower-cased
// unless case-sensitive.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "config/common_config.h"
#include "filter/pattern.h"

namespace dm::filter {

// DM's event types. kNull is an event the syncer cannot classify (only
// sql-pattern applies to it). kAll..kNoneDml and kIncompatibleDdlChanges are
// only valid inside rules.
enum class EventType : uint8_t {
  kNull,
  kAll, kAllDdl, kAllDml, kNone, kNoneDdl, kNoneDml, kIncompatibleDdlChanges,
  kInsert, kUpdate, kDelete,
  kCreateDatabase, kDropDatabase, kAlterDatabase,
  kCreateTable, kDropTable, kTruncateTable, kRenameTable, kCreateIndex, kDropIndex,
  kCreateView, kDropView, kAlterTable,
  kAddTablePartition, kDropTablePartition, kTruncateTablePartition,
  kValueRangeDecrease, kPrecisionDecrease, kModifyColumn, kRenameColumn, kRenameIndex,
  kDropColumn, kDropPrimaryKey, kDropUniqueKey, kModifyDefaultValue, kModifyConstraint,
  kModifyColumnsOrder, kModifyCharset, kModifyCollation, kRemoveAutoIncrement,
  kModifyStorageEngine, kReorganizePartition, kRebuildPartition, kCoalescePartition,
  kSplitPartition, kExchangePartition,
  kModifySchemaCharsetAndCollate, kModifyTableCharsetAndCollate, kModifyTableComment,
  kRecoverTable, kAlterTablePartitioning, kRemovePartitioning, kAddColumn, kSetDefaultValue,
  kRebaseAutoId, kAddPrimaryKey, kAlterIndexVisibility, kAlterTtlInfo, kAlterTtlRemove,
  kMultiSchemaChange,
};

// DM's name of `type` ("truncate table"; "" for kNull).
std::string_view EventTypeName(EventType type);
// Parses a rule's event name, case-insensitively; the aliases `create schema`,
// `drop schema`, `alter schema` map to the database forms. InvalidArgument
// for an unknown name.
Result<EventType> ParseEventType(std::string_view name);

// How DM classifies an event for `all dml` / `all ddl`.
enum class EventClass : uint8_t { kNull, kDml, kDdl, kIncompatibleDdl, kRuleOnly };
EventClass ClassifyEvent(EventType type);

using FilterAction = config::FilterAction;

// Immutable once built; thread-safe.
class BinlogEventFilter {
 public:
  // A filter without rules: every event is Do.
  BinlogEventFilter() = default;

  // Builds the filter; rules are named in errors by their position.
  // InvalidArgument (EventFilterInvalid) for an unknown event name, an
  // sql-pattern that does not compile, an empty schema-pattern, or two rules
  // with the same schema and table patterns (DM refuses those too).
  static Result<BinlogEventFilter> Create(const std::vector<config::FilterRule>& rules, bool case_sensitive);

  // The action for one event. `event` kNull means "type unknown" (only SQL
  // patterns apply); `sql` is "" for row events. InvalidArgument when
  // `event` is a rule-only type (kAll, kNoneDdl, ...).
  Result<FilterAction> Filter(std::string_view schema, std::string_view table, EventType event,
                              std::string_view sql) const;

 private:
  struct Rule {
    std::vector<EventType> events;
    std::optional<GoRegex> sql;
    FilterAction action = FilterAction::kIgnore;
  };
  static bool MatchEvent(EventClass cls, EventType event, const std::vector<EventType>& listed);

  bool case_sensitive_ = false;
  RuleSelector selector_;
  std::vector<Rule> rules_;
};

}  // namespace dm::filter
