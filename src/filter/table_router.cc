#include "filter/table_router.h"

#include <fmt/format.h>

namespace dm::filter {

namespace {

Status RuleError(const config::RouteRule& r, std::string_view what) {
  return Status(StatusCode::kInvalidArgument,
                fmt::format("route rule (schema-pattern '{}', table-pattern '{}'): {}", r.schema_pattern,
                            r.table_pattern, what),
                ErrorCode::kRouteRuleInvalid);
}

Result<std::optional<GoRegex>> CompileExtractor(const config::RouteRule& r, const std::string* regexp) {
  if (regexp == nullptr) return std::optional<GoRegex>();
  // DM compiles the extractor exactly as written (no case folding).
  auto re = GoRegex::Compile(*regexp);
  if (!re.ok()) return RuleError(r, re.status().message());
  return std::optional<GoRegex>(std::move(re).value());
}

std::string ExtractValue(const std::optional<GoRegex>& re, std::string_view s) {
  std::string value;
  std::vector<std::string> groups = re->FindSubmatch(s);
  for (size_t i = 1; i < groups.size(); ++i) value += groups[i];
  return value;
}

}  // namespace

Result<TableRouter> TableRouter::Create(const std::vector<config::RouteRule>& rules, bool case_sensitive) {
  TableRouter router;
  for (const auto& raw : rules) {
    if (raw.schema_pattern.empty()) return RuleError(raw, "schema-pattern must not be empty");
    if (raw.target_schema.empty()) return RuleError(raw, "target-schema must not be empty");
    Rule rule;
    rule.raw = raw;
    rule.table_level = !raw.table_pattern.empty();
    config::BlockAllowList bal;
    bal.do_dbs.push_back(raw.schema_pattern);
    if (rule.table_level) bal.do_tables.push_back({raw.schema_pattern, raw.table_pattern});
    auto matcher = BlockAllowList::Create(bal, case_sensitive);
    if (!matcher.ok()) return RuleError(raw, matcher.status().message());
    rule.matcher = std::move(matcher).value();
    DM_ASSIGN_OR_RETURN(rule.extract_table,
                        CompileExtractor(raw, raw.extract_table ? &raw.extract_table->table_regexp : nullptr));
    DM_ASSIGN_OR_RETURN(rule.extract_schema, CompileExtractor(raw, raw.extract_schema
                                                                       ? &raw.extract_schema->schema_regexp
                                                                       : nullptr));
    DM_ASSIGN_OR_RETURN(rule.extract_source, CompileExtractor(raw, raw.extract_source
                                                                       ? &raw.extract_source->source_regexp
                                                                       : nullptr));
    router.rules_.push_back(std::move(rule));
  }
  return router;
}

void TableRouter::Matching(std::string_view schema, std::string_view table,
                           std::vector<const Rule*>* table_rules,
                           std::vector<const Rule*>* schema_rules) const {
  for (const auto& rule : rules_) {
    if (!rule.matcher.Match(schema, table)) continue;
    (rule.table_level ? table_rules : schema_rules)->push_back(&rule);
  }
}

Result<const TableRouter::Rule*> TableRouter::Decider(std::string_view schema, std::string_view table) const {
  std::vector<const Rule*> table_rules;
  std::vector<const Rule*> schema_rules;
  Matching(schema, table, &table_rules, &schema_rules);
  const Rule* decider = nullptr;
  // A schema-level question (table "") is decided by schema rules even when
  // a table rule's filter lets the schema through, as DM.
  const std::vector<const Rule*>& level = (table.empty() || table_rules.empty()) ? schema_rules : table_rules;
  if (level.size() > 1) {
    return Status(StatusCode::kFailedPrecondition,
                  fmt::format("`{}`.`{}` matches {} route rules (the first two have schema-pattern '{}' "
                              "table-pattern '{}' and schema-pattern '{}' table-pattern '{}')",
                              schema, table, level.size(), level[0]->raw.schema_pattern,
                              level[0]->raw.table_pattern, level[1]->raw.schema_pattern,
                              level[1]->raw.table_pattern),
                  ErrorCode::kRouteTableDupMatch);
  }
  if (!level.empty()) decider = level[0];
  return decider;
}

Result<bool> TableRouter::MergesMany(std::string_view schema, std::string_view table) const {
  DM_ASSIGN_OR_RETURN(const Rule* decider, Decider(schema, table));
  if (decider == nullptr) return false;
  auto wild = [](const std::string& pattern) { return pattern.find_first_of("*?") != std::string::npos; };
  return (!decider->raw.target_schema.empty() && wild(decider->raw.schema_pattern)) ||
         (!decider->raw.target_table.empty() && wild(decider->raw.table_pattern));
}

Result<TableName> TableRouter::Route(std::string_view schema, std::string_view table) const {
  DM_ASSIGN_OR_RETURN(const Rule* decider, Decider(schema, table));
  TableName out{std::string(schema), std::string(table)};
  if (decider != nullptr) {
    if (!decider->raw.target_schema.empty()) out.schema = decider->raw.target_schema;
    if (!decider->raw.target_table.empty()) out.table = decider->raw.target_table;
  }
  return out;
}

std::vector<ExtraColumn> TableRouter::ExtraColumns(std::string_view schema, std::string_view table,
                                                   std::string_view source_id) const {
  std::vector<const Rule*> table_rules;
  std::vector<const Rule*> schema_rules;
  Matching(schema, table, &table_rules, &schema_rules);
  const Rule* rule = !table_rules.empty() ? table_rules[0] : !schema_rules.empty() ? schema_rules[0] : nullptr;
  std::vector<ExtraColumn> out;
  if (rule == nullptr) return out;
  if (rule->extract_table) {
    out.push_back({rule->raw.extract_table->target_column, ExtractValue(rule->extract_table, table)});
  }
  if (rule->extract_schema) {
    out.push_back({rule->raw.extract_schema->target_column, ExtractValue(rule->extract_schema, schema)});
  }
  if (rule->extract_source) {
    out.push_back({rule->raw.extract_source->target_column, ExtractValue(rule->extract_source, source_id)});
  }
  return out;
}

}  // namespace dm::filter
