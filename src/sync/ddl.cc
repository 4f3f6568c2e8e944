// Names of the DDL enums, the routing rewrite and the per-table split. The
// parser is in ddl_parser.cc.
#include "sync/ddl.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "mysql/quote.h"

namespace dm::sync {
namespace {

struct KindInfo {
  StatementKind kind;
  std::string_view name;
  filter::EventType event;
};

// Indexed by StatementKind.
constexpr KindInfo kKinds[] = {
    {StatementKind::kNotDdl, "not ddl", filter::EventType::kNull},
    {StatementKind::kDml, "dml", filter::EventType::kNull},
    {StatementKind::kCreateDatabase, "create database", filter::EventType::kCreateDatabase},
    {StatementKind::kDropDatabase, "drop database", filter::EventType::kDropDatabase},
    {StatementKind::kAlterDatabase, "alter database", filter::EventType::kAlterDatabase},
    {StatementKind::kCreateTable, "create table", filter::EventType::kCreateTable},
    {StatementKind::kAlterTable, "alter table", filter::EventType::kAlterTable},
    {StatementKind::kDropTable, "drop table", filter::EventType::kDropTable},
    {StatementKind::kRenameTable, "rename table", filter::EventType::kRenameTable},
    {StatementKind::kTruncateTable, "truncate table", filter::EventType::kTruncateTable},
    {StatementKind::kCreateIndex, "create index", filter::EventType::kCreateIndex},
    {StatementKind::kDropIndex, "drop index", filter::EventType::kDropIndex},
};
static_assert(std::size(kKinds) == static_cast<size_t>(StatementKind::kDropIndex) + 1);

// Indexed by AlterSpecKind.
constexpr std::string_view kAlterSpecNames[] = {
    "add column",     "add index",      "add primary key", "add unique key",   "add foreign key",
    "add check",      "drop column",    "drop index",      "drop primary key", "drop foreign key",
    "drop constraint", "change column", "modify column",   "alter column",     "alter index",
    "rename column",  "rename index",   "rename table",    "convert charset",  "table options",
    "alter options",  "enable keys",    "disable keys",    "order by",         "force",
    "tablespace",     "partition",      "other",
};
static_assert(std::size(kAlterSpecNames) == static_cast<size_t>(AlterSpecKind::kOther) + 1);

// The text that replaces `ref` once routed to `target`.
Result<std::string> RoutedName(const NameRef& ref, const TableName& target) {
  const bool is_database = ref.name.table.empty();
  if (target.schema.empty() || (!is_database && target.table.empty())) {
    return Status::InvalidArgument(
        fmt::format("'{}'.'{}' is routed to an empty name", ref.name.schema, ref.name.table));
  }
  if (!is_database) return mysql::QualifiedName(target.schema, target.table);
  // A name that was not written (ALTER DATABASE without one) is inserted
  // after the keyword, so it needs a separating space.
  return (ref.begin == ref.end ? " " : "") + mysql::QuoteIdentifier(target.schema);
}

}  // namespace

std::string QuoteStatementForError(std::string_view sql) {
  constexpr size_t kMaxBytes = 1024;
  if (sql.size() <= kMaxBytes) return fmt::format("\"{}\"", sql);
  return fmt::format("\"{}...\" ({} bytes)", sql.substr(0, kMaxBytes), sql.size());
}

std::string_view StatementKindName(StatementKind kind) { return kKinds[static_cast<size_t>(kind)].name; }

filter::EventType FilterEventType(StatementKind kind) { return kKinds[static_cast<size_t>(kind)].event; }

std::string_view AlterSpecKindName(AlterSpecKind kind) { return kAlterSpecNames[static_cast<size_t>(kind)]; }

Result<std::string> RewriteNames(const DdlStatement& statement, const NameMapper& mapper) {
  const std::string& sql = statement.sql;
  std::vector<const NameRef*> refs;
  refs.reserve(statement.names.size());
  for (const NameRef& ref : statement.names) refs.push_back(&ref);
  std::stable_sort(refs.begin(), refs.end(), [](const NameRef* a, const NameRef* b) { return a->begin < b->begin; });

  std::string out;
  out.reserve(sql.size() + 32 * refs.size());
  size_t copied = 0;
  for (const NameRef* ref : refs) {
    if (ref->begin < copied || ref->end < ref->begin || ref->end > sql.size()) {
      return Status::InvalidArgument(fmt::format("name at bytes [{}, {}) overlaps another or lies outside statement {}",
                                                 ref->begin, ref->end, QuoteStatementForError(sql)));
    }
    Result<TableName> target = mapper(ref->name);
    if (!target.ok()) {
      return Status(target.status()).WithContext(fmt::format("routing statement {}", QuoteStatementForError(sql)));
    }
    DM_ASSIGN_OR_RETURN(std::string replacement, RoutedName(*ref, *target));
    out.append(sql, copied, ref->begin - copied);
    out += replacement;
    copied = ref->end;
  }
  out.append(sql, copied, std::string::npos);
  return out;
}

Result<std::vector<DdlStatement>> SplitPerTable(const DdlStatement& statement) {
  const std::vector<NameRef>& names = statement.names;
  // Each part covers one DROP name, or one RENAME old..new pair.
  size_t names_per_part = 0;
  if (statement.kind == StatementKind::kDropTable) names_per_part = 1;
  if (statement.kind == StatementKind::kRenameTable) names_per_part = 2;
  if (names_per_part == 0 || names.size() <= names_per_part || names.size() % names_per_part != 0) {
    return std::vector<DdlStatement>{statement};
  }
  const std::string_view prefix = statement.Text(0, names.front().begin);
  const std::string_view suffix = statement.Text(names.back().end, statement.sql.size());
  std::vector<DdlStatement> parts;
  for (size_t i = 0; i < names.size(); i += names_per_part) {
    const std::string text =
        fmt::format("{}{}{}", prefix, statement.Text(names[i].begin, names[i + names_per_part - 1].end), suffix);
    Result<DdlStatement> part = ParseStatement(text, statement.default_schema, statement.dialect);
    if (!part.ok()) {
      return Status(part.status()).WithContext(fmt::format("splitting statement {}", QuoteStatementForError(statement.sql)));
    }
    parts.push_back(std::move(part).value());
  }
  return parts;
}

}  // namespace dm::sync
