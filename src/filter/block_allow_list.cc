#include "filter/block_allow_list.h"

#include <fmt/format.h>

#include "common/strings.h"

namespace dm::filter {

Result<NamePattern> NamePattern::Parse(std::string_view text, bool fold_case) {
  if (text.empty()) return Status::InvalidArgument("name pattern must not be empty");
  // As DM: ToLower() runs over the whole rule text, the regexp included, and
  // the regexp is then compiled with (?i).
  std::string folded = fold_case ? FoldCase(text) : std::string(text);
  if (folded[0] == '~') {
    DM_ASSIGN_OR_RETURN(GoRegex re, GoRegex::Compile(std::string_view(folded).substr(1), fold_case));
    return NamePattern(std::move(re));
  }
  DM_RETURN_IF_ERROR(ValidateWildcard(folded));
  return NamePattern(std::move(folded));
}

bool NamePattern::Matches(std::string_view name) const {
  if (const auto* re = std::get_if<GoRegex>(&pattern_)) return re->Search(name);
  return WildcardMatch(std::get<std::string>(pattern_), name);
}

namespace {

Status Invalid(const Status& cause, std::string_view key, std::string_view text) {
  return Status(StatusCode::kInvalidArgument,
                fmt::format("block-allow-list {} '{}': {}", key, text, cause.message()),
                ErrorCode::kBlockAllowListInvalid);
}

}  // namespace

Result<BlockAllowList> BlockAllowList::Create(const config::BlockAllowList& rules, bool case_sensitive) {
  BlockAllowList list;
  list.case_sensitive_ = case_sensitive;
  bool fold = !case_sensitive;
  auto add_dbs = [&](const std::vector<std::string>& in, std::string_view key,
                     std::vector<NamePattern>* out) -> Status {
    for (const auto& text : in) {
      auto p = NamePattern::Parse(text, fold);
      if (!p.ok()) return Invalid(p.status(), key, text);
      out->push_back(std::move(p).value());
    }
    return Status::OK();
  };
  auto add_tables = [&](const std::vector<config::TableRef>& in, std::string_view key,
                        std::vector<TablePattern>* out) -> Status {
    for (const auto& ref : in) {
      auto db = NamePattern::Parse(ref.db_name, fold);
      if (!db.ok()) return Invalid(db.status(), key, ref.db_name);
      auto tbl = NamePattern::Parse(ref.tbl_name, fold);
      if (!tbl.ok()) return Invalid(tbl.status(), key, ref.tbl_name);
      out->push_back({std::move(db).value(), std::move(tbl).value()});
    }
    return Status::OK();
  };
  DM_RETURN_IF_ERROR(add_dbs(rules.do_dbs, "do-dbs", &list.do_dbs_));
  DM_RETURN_IF_ERROR(add_dbs(rules.ignore_dbs, "ignore-dbs", &list.ignore_dbs_));
  DM_RETURN_IF_ERROR(add_tables(rules.do_tables, "do-tables", &list.do_tables_));
  DM_RETURN_IF_ERROR(add_tables(rules.ignore_tables, "ignore-tables", &list.ignore_tables_));
  return list;
}

bool BlockAllowList::MatchTables(const std::vector<TablePattern>& list, std::string_view schema,
                                 std::string_view table) const {
  for (const auto& p : list) {
    if (p.db.Matches(schema) && p.table.Matches(table)) return true;
  }
  return false;
}

bool BlockAllowList::Match(std::string_view schema_in, std::string_view table_in) const {
  std::string schema_folded;
  std::string table_folded;
  std::string_view schema = schema_in;
  std::string_view table = table_in;
  if (!case_sensitive_) {
    schema_folded = FoldCase(schema_in);
    table_folded = FoldCase(table_in);
    schema = schema_folded;
    table = table_folded;
  }
  auto any = [&](const std::vector<NamePattern>& list) {
    for (const auto& p : list) {
      if (p.Matches(schema)) return true;
    }
    return false;
  };
  // 1. Schema level.
  if (!do_dbs_.empty()) {
    if (!any(do_dbs_)) return false;
  } else if (!ignore_dbs_.empty() && any(ignore_dbs_)) {
    return false;
  }
  // 2. Table level; a schema-level statement passes it.
  if (table.empty()) return true;
  if (!do_tables_.empty() && MatchTables(do_tables_, schema, table)) return true;
  if (!ignore_tables_.empty() && MatchTables(ignore_tables_, schema, table)) return false;
  return do_tables_.empty();
}

bool BlockAllowList::IsSystemSchema(std::string_view schema) {
  static constexpr std::string_view kSystem[] = {"mysql", "sys", "information_schema", "performance_schema",
                                                 "metrics_schema", "inspection_schema"};
  for (auto s : kSystem) {
    if (EqualsIgnoreCase(schema, s)) return true;
  }
  return false;
}

}  // namespace dm::filter
