#include "filter/event_filter.h"

#include <fmt/format.h>

#include "common/strings.h"

namespace dm::filter {

namespace {

struct EventName {
  std::string_view name;
  EventType type;
};

// DM's names (tidb pkg/util/filter binlog-filter), in enum order.
constexpr std::array<EventName, 61> kEventNames = {{
    {"", EventType::kNull},
    {"all", EventType::kAll},
    {"all ddl", EventType::kAllDdl},
    {"all dml", EventType::kAllDml},
    {"none", EventType::kNone},
    {"none ddl", EventType::kNoneDdl},
    {"none dml", EventType::kNoneDml},
    {"incompatible ddl changes", EventType::kIncompatibleDdlChanges},
    {"insert", EventType::kInsert},
    {"update", EventType::kUpdate},
    {"delete", EventType::kDelete},
    {"create database", EventType::kCreateDatabase},
    {"drop database", EventType::kDropDatabase},
    {"alter database", EventType::kAlterDatabase},
    {"create table", EventType::kCreateTable},
    {"drop table", EventType::kDropTable},
    {"truncate table", EventType::kTruncateTable},
    {"rename table", EventType::kRenameTable},
    {"create index", EventType::kCreateIndex},
    {"drop index", EventType::kDropIndex},
    {"create view", EventType::kCreateView},
    {"drop view", EventType::kDropView},
    {"alter table", EventType::kAlterTable},
    {"add table partition", EventType::kAddTablePartition},
    {"drop table partition", EventType::kDropTablePartition},
    {"truncate table partition", EventType::kTruncateTablePartition},
    {"value range decrease", EventType::kValueRangeDecrease},
    {"precision decrease", EventType::kPrecisionDecrease},
    {"modify column", EventType::kModifyColumn},
    {"rename column", EventType::kRenameColumn},
    {"rename index", EventType::kRenameIndex},
    {"drop column", EventType::kDropColumn},
    {"drop primary key", EventType::kDropPrimaryKey},
    {"drop unique key", EventType::kDropUniqueKey},
    {"modify default value", EventType::kModifyDefaultValue},
    {"modify constraint", EventType::kModifyConstraint},
    {"modify columns order", EventType::kModifyColumnsOrder},
    {"modify charset", EventType::kModifyCharset},
    {"modify collation", EventType::kModifyCollation},
    {"remove auto increment", EventType::kRemoveAutoIncrement},
    {"modify storage engine", EventType::kModifyStorageEngine},
    {"reorganize table partition", EventType::kReorganizePartition},
    {"rebuild table partition", EventType::kRebuildPartition},
    {"coalesce table partition", EventType::kCoalescePartition},
    {"split table partition", EventType::kSplitPartition},
    {"exchange table partition", EventType::kExchangePartition},
    {"modify schema charset and collate", EventType::kModifySchemaCharsetAndCollate},
    {"modify table charset and collate", EventType::kModifyTableCharsetAndCollate},
    {"modify table comment", EventType::kModifyTableComment},
    {"recover table", EventType::kRecoverTable},
    {"alter table partitioning", EventType::kAlterTablePartitioning},
    {"remove table partitioning", EventType::kRemovePartitioning},
    {"add column", EventType::kAddColumn},
    {"set default value", EventType::kSetDefaultValue},
    {"rebase auto id", EventType::kRebaseAutoId},
    {"add primary key", EventType::kAddPrimaryKey},
    {"alter index visibility", EventType::kAlterIndexVisibility},
    {"alter ttl info", EventType::kAlterTtlInfo},
    {"alter ttl remove", EventType::kAlterTtlRemove},
    {"multi schema change", EventType::kMultiSchemaChange},
}};

Status RuleError(size_t index, const config::FilterRule& r, std::string_view what) {
  return Status(StatusCode::kInvalidArgument,
                fmt::format("filter rule #{} (schema-pattern '{}', table-pattern '{}'): {}", index + 1,
                            r.schema_pattern, r.table_pattern, what),
                ErrorCode::kEventFilterInvalid);
}

}  // namespace

std::string_view EventTypeName(EventType type) { return kEventNames[static_cast<size_t>(type)].name; }

Result<EventType> ParseEventType(std::string_view name) {
  std::string lower = FoldCase(name);
  if (lower == "create schema") return EventType::kCreateDatabase;
  if (lower == "drop schema") return EventType::kDropDatabase;
  if (lower == "alter schema") return EventType::kAlterDatabase;
  for (const auto& e : kEventNames) {
    if (e.name == lower) return e.type;
  }
  std::vector<std::string> names;
  for (const auto& e : kEventNames) names.emplace_back(e.name);
  return Status::InvalidArgument(fmt::format("unknown event type '{}'{}", name, DidYouMean(lower, names)));
}

EventClass ClassifyEvent(EventType type) {
  switch (type) {
    case EventType::kNull:
      return EventClass::kNull;
    case EventType::kAll:
    case EventType::kAllDdl:
    case EventType::kAllDml:
    case EventType::kNone:
    case EventType::kNoneDdl:
    case EventType::kNoneDml:
    case EventType::kIncompatibleDdlChanges:
      return EventClass::kRuleOnly;
    case EventType::kInsert:
    case EventType::kUpdate:
    case EventType::kDelete:
      return EventClass::kDml;
    // DM counts these as plain DDL; every other DDL type is "incompatible".
    case EventType::kCreateDatabase:
    case EventType::kAlterDatabase:
    case EventType::kCreateTable:
    case EventType::kCreateIndex:
    case EventType::kCreateView:
    case EventType::kDropView:
    case EventType::kAlterTable:
    case EventType::kAddTablePartition:
      return EventClass::kDdl;
    default:
      return EventClass::kIncompatibleDdl;
  }
}

Result<BinlogEventFilter> BinlogEventFilter::Create(const std::vector<config::FilterRule>& rules,
                                                    bool case_sensitive) {
  BinlogEventFilter f;
  f.case_sensitive_ = case_sensitive;
  for (size_t i = 0; i < rules.size(); ++i) {
    const auto& raw = rules[i];
    Rule rule;
    rule.action = raw.action;
    for (const auto& name : raw.events) {
      auto type = ParseEventType(name);
      if (!type.ok()) return RuleError(i, raw, type.status().message());
      rule.events.push_back(*type);
    }
    if (!raw.sql_pattern.empty()) {
      // As DM: one expression, "(?i)" + the patterns joined by "|".
      std::string joined;
      for (size_t k = 0; k < raw.sql_pattern.size(); ++k) {
        if (k > 0) joined += '|';
        joined += raw.sql_pattern[k];
      }
      auto re = GoRegex::Compile(joined, true);
      if (!re.ok()) return RuleError(i, raw, re.status().message());
      rule.sql = std::move(re).value();
    }
    std::string schema = case_sensitive ? raw.schema_pattern : FoldCase(raw.schema_pattern);
    std::string table = case_sensitive ? raw.table_pattern : FoldCase(raw.table_pattern);
    Status s = f.selector_.Insert(schema, table, static_cast<int>(f.rules_.size()), false);
    if (!s.ok()) return RuleError(i, raw, s.message());
    f.rules_.push_back(std::move(rule));
  }
  return f;
}

bool BinlogEventFilter::MatchEvent(EventClass cls, EventType event, const std::vector<EventType>& listed) {
  bool ddl = cls == EventClass::kDdl || cls == EventClass::kIncompatibleDdl;
  for (EventType rule : listed) {
    if (rule == EventType::kAll) return true;
    if (rule == EventType::kNone) return false;
    if (ddl) {
      if (rule == EventType::kAllDdl) return true;
      if (rule == EventType::kNoneDdl) return false;
    }
    if (cls == EventClass::kDml) {
      if (rule == EventType::kAllDml) return true;
      if (rule == EventType::kNoneDml) return false;
    }
    if (cls == EventClass::kIncompatibleDdl && rule == EventType::kIncompatibleDdlChanges) return true;
    if (rule == event) return true;
  }
  return false;
}

Result<FilterAction> BinlogEventFilter::Filter(std::string_view schema, std::string_view table,
                                               EventType event, std::string_view sql) const {
  EventClass cls = ClassifyEvent(event);
  if (cls == EventClass::kRuleOnly) {
    return Status::InvalidArgument(
        fmt::format("event type '{}' can only appear in rules", EventTypeName(event)));
  }
  std::vector<int> matched = case_sensitive_ ? selector_.Match(schema, table)
                                             : selector_.Match(FoldCase(schema), FoldCase(table));
  for (int id : matched) {
    const Rule& rule = rules_[static_cast<size_t>(id)];
    // Ignore has the highest priority, then Error; a Do rule is an
    // allow-list, so not being listed means Ignore.
    auto decide = [&](bool hit) -> std::optional<FilterAction> {
      if (hit && rule.action != FilterAction::kDo) return rule.action;
      if (!hit && rule.action == FilterAction::kDo) return FilterAction::kIgnore;
      return std::nullopt;
    };
    if (cls != EventClass::kNull) {
      if (auto a = decide(MatchEvent(cls, event, rule.events))) return *a;
    }
    if (!sql.empty()) {
      if (!rule.sql) continue;
      if (auto a = decide(rule.sql->Search(sql))) return *a;
    }
  }
  return FilterAction::kDo;
}

}  // namespace dm::filter
